// StoreJournal: the journal as the core reads it while the node applies or simulates an
// operation (ApplyContext::journal): the store's entries, and those of the group being applied,
// which the store does not hold yet.
#ifndef LIARD_NODE_STORE_JOURNAL_H_
#define LIARD_NODE_STORE_JOURNAL_H_

#include <functional>

#include "ledger/operation.h"
#include "ledger/state.h"
#include "node/store.h"

namespace liard::node {

class StoreJournal final : public JournalView {
 public:
  // `in_flight`, if set, returns the operation of the group being applied that has an id, or
  // nullptr: those are looked up first.
  using InFlight = std::function<const Operation*(const Hash& op_id)>;
  explicit StoreJournal(const Store& store, InFlight in_flight = nullptr)
      : store_(store), in_flight_(std::move(in_flight)) {}

  // Reads the op-id index and the entry (two point reads): a refund pays it, a payment does not.
  [[nodiscard]] Status FindTransfer(const Hash& op_id, JournalTransfer* out) const override;

 private:
  const Store& store_;
  InFlight in_flight_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_STORE_JOURNAL_H_
