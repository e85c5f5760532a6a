#include "ledger/transfer_index.h"

#include <algorithm>
#include <vector>

#include "ledger/money.h"

namespace liard {

void TransferIndex::Add(const Hash& op_id, const Operation& op, const Genesis& genesis,
                        const StateView& state) {
  const auto* t = std::get_if<Transfer>(&op.payload);
  if (t == nullptr || !RefundablePayment(genesis, state, t->to, t->request.has_value())) return;
  transfers_[op_id] = JournalTransfer{op.account, t->to, t->amount.minor(), t->request.has_value()};
}

Status TransferIndex::FindTransfer(const Hash& op_id, JournalTransfer* out) const {
  auto it = transfers_.find(op_id);
  if (it == transfers_.end()) return Status(Code::kNotFound, "no such refundable payment");
  *out = it->second;
  return Status::Ok();
}

void TransferIndex::Encode(ByteWriter* out) const {
  std::vector<const std::pair<const Hash, JournalTransfer>*> sorted;
  sorted.reserve(transfers_.size());
  for (const auto& entry : transfers_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* x, auto* y) { return x->first < y->first; });
  out->U32(static_cast<uint32_t>(sorted.size()));
  for (const auto* entry : sorted) {
    out->Key(entry->first);
    out->Key(entry->second.payer);
    out->Key(entry->second.payee);
    out->I64(entry->second.amount);
    out->U8(entry->second.pays_request ? 1 : 0);
  }
}

bool TransferIndex::Decode(ByteReader* in) {
  for (uint32_t n = in->Count(32 + 32 + 32 + 8 + 1); n > 0 && in->ok(); --n) {
    const Hash id = in->Key();
    JournalTransfer t;
    t.payer = in->Key();
    t.payee = in->Key();
    t.amount = in->I64();
    const uint8_t flag = in->U8();
    if (flag > 1 || t.amount <= 0) return false;
    t.pays_request = flag == 1;
    if (!transfers_.emplace(id, t).second) return false;
  }
  return in->ok();
}

}  // namespace liard
