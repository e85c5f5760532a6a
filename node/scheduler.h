// Scheduler: the node's index of live standing orders and their next due time, and the
// executions (ExecuteOrder, signed with the node key) it hands the applier when they fall due.
// Rebuilt at start from the state (the orders' tallies) and the journal (their terms); kept up
// to date from the operations the applier commits, so nothing scans the journal at a tick.
#ifndef LIARD_NODE_SCHEDULER_H_
#define LIARD_NODE_SCHEDULER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "node/store.h"

namespace liard::node {

// At most this many executions are made at one tick (one group of the applier); the rest wait
// for the next tick, a fraction of a second later.
inline constexpr size_t kMaxExecutionsPerTick = 256;
// An execution the ledger refuses even as a recorded refusal (the board paused the ledger, the
// node key is not the ledger's) is tried again after this long.
inline constexpr int64_t kExecutionHoldMs = 60'000;

// Thread-safety: none; the applier's thread only.
class Scheduler {
 public:
  explicit Scheduler(const Ledger& ledger)
      : ledger_(ledger), zone_(CurrencyZone(ledger.genesis())) {}

  // Finds the live orders (their kOrderNext tallies; no scan when the ledger has none) and reads
  // each one's PlaceOrder from the store.
  [[nodiscard]] Status Rebuild(const MemoryState& state, const Store& store);

  // After `op` (id `op_id`) was committed to `state`: an order placed, paused, resumed,
  // cancelled or executed is refreshed. Other operations cost a type test.
  void Observe(const VerifiedOperation& op, const MemoryState& state);

  // The executions due at `now_ms`, at most one per order and kMaxExecutionsPerTick in all,
  // signed with `key` when it is the node key the ledger names (else none, logged once). Each
  // says what the ledger gives for it now: paid, or the code that refuses paying it.
  std::vector<VerifiedOperation> Due(const MemoryState& state, int64_t now_ms, const KeyPair& key,
                                     const JournalView* journal);

  size_t size() const { return orders_.size(); }
  // The earliest due time, if any order is live (tests, logs).
  std::optional<int64_t> next_due_ms() const;

 private:
  struct Entry {
    AccountId payer;
    std::string body;  // the PlaceOrder's OperationBody
    PlaceOrder order;
    uint64_t index = 0;
    uint32_t attempt = 0;
    int64_t due_ms = 0;
  };
  void Add(const Hash& id, const AccountId& payer, std::string body, PlaceOrder order,
           const MemoryState& state);
  // Reads the order's tallies: drops it if over, else sets its next execution and due time.
  void Refresh(const Hash& id, const MemoryState& state);
  void Requeue(const Hash& id, int64_t due_ms);

  const Ledger& ledger_;
  const TimeZone zone_;
  std::unordered_map<Hash, Entry> orders_;
  std::set<std::pair<int64_t, Hash>> queue_;  // (due or hold time, order id)
  std::optional<PublicKey> warned_key_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_SCHEDULER_H_
