// Refunds: a payment paid back by the account it paid, linked to it, never more than it.
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status NotYet(std::string_view what) {
  return Status(Code::kUnknownOperation, std::string(what) + " is not applied by this version");
}

}  // namespace

Status Preflight(const Operation&, const Refund&) { return Status::Ok(); }
Status Apply(OpContext&, const Refund&) { return NotYet("refund"); }

void RecordRefundable(OpContext&, const Transfer&) {}

}  // namespace liard::ops
