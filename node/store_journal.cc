#include "node/store_journal.h"

#include "proto/codec.h"

namespace liard::node {
namespace {

Status FromOperation(const Operation& op, JournalTransfer* out) {
  const auto* t = std::get_if<Transfer>(&op.payload);
  if (t == nullptr) return Status(Code::kNotFound, "that operation is not a transfer");
  *out = JournalTransfer{op.account, t->to, t->amount.minor(), t->request.has_value()};
  return Status::Ok();
}

}  // namespace

Status StoreJournal::FindTransfer(const Hash& op_id, JournalTransfer* out) const {
  if (in_flight_)
    if (const Operation* op = in_flight_(op_id)) return FromOperation(*op, out);
  uint64_t sequence = 0;
  Status s = store_.FindOperation(op_id, &sequence);
  if (!s.ok()) return s;  // kNotFound: the journal holds no such operation
  JournalEntry entry;
  Hash entry_hash;
  s = store_.ReadEntry(sequence, &entry, &entry_hash);
  SignedOperation signed_op;
  if (s.ok()) s = codec::DecodeEnvelope(entry.envelope, &signed_op);
  if (!s.ok())
    return Status(Code::kCorruption, "journal entry " + std::to_string(sequence) +
                                         " could not be read: " + s.ToString());
  return FromOperation(signed_op.op, out);
}

}  // namespace liard::node
