// The standing orders' index keys, and the one-time filling of an older database's.
#include "node/order_index.h"

#include <utility>

#include "ledger/domains.h"
#include "proto/codec.h"

namespace liard::node {

Hash OrdersOfId(const AccountId& payer) { return Sha256({kOrdersOfDomain, payer.view()}); }

std::vector<Hash> OrderIndexIds(const Hash& ledger_id, const Operation& op, const Hash& op_id) {
  if (std::holds_alternative<PlaceOrder>(op.payload)) return {op_id, OrdersOfId(op.account)};
  if (const auto* s = std::get_if<SetOrderState>(&op.payload)) return {s->order};
  if (const auto* e = std::get_if<ExecuteOrder>(&op.payload))
    return {OperationId(ledger_id, e->order_body)};
  return {};
}

Status CompleteOrderIndex(Store& store, const Hash& ledger_id, uint64_t head, uint64_t* entries) {
  *entries = 0;
  bool complete = false;
  Status s = store.OrderIndexComplete(&complete);
  if (!s.ok() || complete) return s;
  // Written a bounded batch at a time; a crash in between writes the same keys again next time.
  constexpr size_t kBatch = 4096;
  std::vector<std::pair<Hash, uint64_t>> keys;
  for (uint64_t seq = 1; seq <= head; ++seq) {
    JournalEntry entry;
    Hash entry_hash;
    s = store.ReadEntry(seq, &entry, &entry_hash);
    if (!s.ok()) return s;
    ++*entries;
    SignedOperation op;
    s = codec::DecodeEnvelope(entry.envelope, &op);
    if (!s.ok())
      return Status(Code::kCorruption,
                    "entry " + std::to_string(seq) + " does not decode: " + s.message());
    for (const Hash& id : OrderIndexIds(ledger_id, op.op, OperationId(ledger_id, op.body)))
      keys.emplace_back(id, seq);
    if (keys.size() >= kBatch) {
      s = store.PutIndexed(keys, /*complete=*/false);
      if (!s.ok()) return s;
      keys.clear();
    }
  }
  return store.PutIndexed(keys, /*complete=*/true);
}

}  // namespace liard::node
