// State: the read-only view of the ledger that rules are checked against, and the delta an
// operation produces. The node backs the view with RocksDB, the tests with memory.
#ifndef LIARD_LEDGER_STATE_H_
#define LIARD_LEDGER_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/account.h"
#include "ledger/governance.h"
#include "ledger/status.h"

namespace liard {

// Read access to the ledger's current state. Implementations need not be thread-safe: the
// core calls them from the single applier thread.
class StateView {
 public:
  virtual ~StateView() = default;
  // The account record, or nullptr if there is none. Valid until the state next changes.
  virtual const Account* FindAccount(const AccountId& id) const = 0;
  // The balance of one book account; 0 if nothing was ever posted to it.
  virtual int64_t Balance(const BookKey& key) const = 0;
  // The sum of balances of every slot.
  virtual const Totals& totals() const = 0;
  // The rules in force, the board, the pause switch and pending proposals. Before the genesis
  // state is committed, an empty record.
  virtual const Governance& governance() const = 0;
  // The ids of the accounts whose name has NameSkeleton `skeleton` (ledger/text.h), in no
  // particular order: how a version 3 ledger keeps names from passing for others.
  virtual std::vector<AccountId> AccountsNamedLike(const std::string& skeleton) const = 0;
};

// A plain transfer (not a leg of a multi-transfer) as the journal holds it: what a refund of it
// must know.
struct JournalTransfer {
  AccountId payer;
  AccountId payee;
  int64_t amount = 0;         // minor units
  bool pays_request = false;  // it paid a payment request
  friend bool operator==(const JournalTransfer&, const JournalTransfer&) = default;
};

// Read access to operations the journal holds, for a rule that names an earlier operation: from
// genesis version 6 a refund finds the payment it gives back in the journal (RefundsFromJournal),
// where version 5 kept a record per payment in the state. The node reads its store; a replay
// keeps an index (ledger/transfer_index.h). Called from the applier thread only.
class JournalView {
 public:
  virtual ~JournalView() = default;
  // The applied plain transfer whose operation id is `op_id`: kNotFound if the journal holds
  // none (or holds another kind of operation under that id); another code if it could not be
  // read, which refuses the operation that asked (nothing is journaled, so no replay differs).
  [[nodiscard]] virtual Status FindTransfer(const Hash& op_id, JournalTransfer* out) const = 0;
};

// One entry of double-entry bookkeeping: add `amount` (signed) to the balance at `key`.
struct Posting {
  BookKey key;
  int64_t amount = 0;
  friend bool operator==(const Posting&, const Posting&) = default;
};

// What an operation changes: account records written whole, and postings. Applying a delta
// is the only way state changes, so a refused operation, which yields no delta, changes
// nothing.
struct Delta {
  std::vector<Account> accounts;         // new or changed records
  std::vector<Posting> postings;         // per book, they sum to zero
  std::optional<Governance> governance;  // the new record, when a board decision changed it
  // Said to the submitter with the result, e.g. why a bonus was smaller than the ratio gives.
  // Derived again by any replay, so it is not stored in the journal.
  std::string note;

  void Clear() {
    accounts.clear();
    postings.clear();
    governance.reset();
    note.clear();
  }
};

// The balances and totals a delta would leave, computed without changing the state.
struct Effects {
  std::vector<std::pair<BookKey, int64_t>> balances_after;  // each touched book account once
  Totals totals_after{};
};

// Sums the delta over the state. kBalanceOverflow if any balance or total leaves int64.
[[nodiscard]] Status ComputeEffects(const StateView& state, const Delta& delta, Effects* out);

}  // namespace liard

#endif  // LIARD_LEDGER_STATE_H_
