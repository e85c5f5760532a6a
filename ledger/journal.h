// Journal: the hash chain of accepted operations, signed checkpoints and the state digest.
// Pure definitions shared by the node that writes them and the auditors that check them.
#ifndef LIARD_LEDGER_JOURNAL_H_
#define LIARD_LEDGER_JOURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/operation.h"
#include "ledger/state.h"

namespace liard {

inline constexpr std::string_view kEntryDomain{"liard/v1/entry\0", 15};
inline constexpr std::string_view kCheckpointDomain{"liard/v1/checkpoint\0", 20};
inline constexpr std::string_view kStateDomain{"liard/v1/state\0", 15};

// One accepted operation in the global order. Only accepted operations are journaled: a
// refused one changes nothing, so there is nothing to record.
struct JournalEntry {
  uint64_t sequence = 0;  // 1, 2, 3, ... without gaps
  int64_t time_ms = 0;    // the node's clock when applied: the ApplyContext of every replay
  Hash prev_hash;         // EntryHash of entry sequence - 1; the ledger id for entry 1
  std::string envelope;   // the liard.v1.SignedOperation bytes (body, key, signature)
};

// SHA-256(kEntryDomain || u64be(sequence) || i64be(time_ms) || prev_hash || envelope).
// Changing any byte of any entry changes every later hash: history cannot be edited quietly.
Hash EntryHash(const JournalEntry& entry);

// A statement by the node's key: "after entry `sequence`, whose hash is `head_hash`, the state
// digest was `state_digest`".
struct Checkpoint {
  uint64_t sequence = 0;
  Hash head_hash;
  Hash state_digest;
  int64_t time_ms = 0;
};

// kCheckpointDomain || ledger_id || u64be(sequence) || head_hash || state_digest ||
// i64be(time_ms): the exact bytes the node signs.
std::string CheckpointMessage(const Hash& ledger_id, const Checkpoint& checkpoint);

// The state digest is the sum, modulo 2^256, of the hash of every record in the state (each
// account record, each non-zero balance, and the one governance record). A sum can be updated per
// change in O(1), and any two parties who hold the same records compute the same digest, whatever
// their order.
class StateDigest {
 public:
  void Add(const Hash& record);
  void Remove(const Hash& record);
  // As 32 bytes, little-endian.
  Hash value() const;
  static StateDigest FromValue(const Hash& value);
  friend bool operator==(const StateDigest&, const StateDigest&) = default;

 private:
  std::array<uint64_t, 4> limbs_{};  // little-endian 256-bit integer
};

// SHA-256(kStateDomain || 'A' || id || key || kind || status || u64be(sequence) ||
//         u64be(len(name)) || name || u64be(roles) || i64be(member_until_ms) || freeze_reason).
Hash AccountRecordHash(const Account& account);
// SHA-256(kStateDomain || 'B' || slot || owner || i64be(balance)).
Hash BalanceRecordHash(const BookKey& key, int64_t balance);

// The member accounts an operation concerns (the actor, accounts opened, accounts whose units
// or euro claims moved), each once: what goes into their histories and watch streams.
std::vector<AccountId> TouchedAccounts(const Operation& op, const Delta& delta);

}  // namespace liard

#endif  // LIARD_LEDGER_JOURNAL_H_
