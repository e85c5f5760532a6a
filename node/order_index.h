// The store's index of standing orders: for each order the journal entries about it (placed,
// paused, resumed, cancelled, executed), and for each payer the orders it placed, as history
// keys beside the accounts' (node/store.h), so that GetOrder and ListOrders read a few keys
// instead of scanning a payer's history.
#ifndef LIARD_NODE_ORDER_INDEX_H_
#define LIARD_NODE_ORDER_INDEX_H_

#include <vector>

#include "ledger/account.h"
#include "ledger/operation.h"
#include "ledger/status.h"
#include "node/store.h"

namespace liard::node {

// The history key under which the store lists the orders `payer` placed (their PlaceOrder
// entries): SHA-256(kOrdersOfDomain || payer), which no account id can equal.
Hash OrdersOfId(const AccountId& payer);

// The index ids of an operation (id `op_id`) to write with its entry: a PlaceOrder's own id and
// its payer's OrdersOfId; the order id of a SetOrderState or an ExecuteOrder; none for any
// other operation (a type test: a transfer costs nothing more).
std::vector<Hash> OrderIndexIds(const Hash& ledger_id, const Operation& op, const Hash& op_id);

// A database from before the index: reads the journal once, from the first entry to the head,
// writes the index keys of every order operation and records the index as complete. Nothing to
// do (no read) once complete. `entries` is how many journal entries it read (0 if none).
[[nodiscard]] Status CompleteOrderIndex(Store& store, const Hash& ledger_id, uint64_t head,
                                        uint64_t* entries);

}  // namespace liard::node

#endif  // LIARD_NODE_ORDER_INDEX_H_
