// Payment requests: paid once by a transfer that includes one, or cancelled by their payee.
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status NotYet(std::string_view what) {
  return Status(Code::kUnknownOperation, std::string(what) + " is not applied by this version");
}

}  // namespace

Status PreflightRequest(const Operation&, const Transfer& t) {
  if (t.request) return NotYet("a payment request");
  return Status::Ok();
}

Status ApplyRequest(OpContext&, const Transfer& t) {
  if (t.request) return NotYet("a payment request");
  return Status::Ok();
}

Status Preflight(const Operation&, const CancelRequest&) { return Status::Ok(); }
Status Apply(OpContext&, const CancelRequest&) { return NotYet("cancel-request"); }

}  // namespace liard::ops
