// Staff keys: a shop's tills and cashiers sign within a scope; the owner's key adds and
// revokes them.
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status NotYet(std::string_view what) {
  return Status(Code::kUnknownOperation, std::string(what) + " is not applied by this version");
}

}  // namespace

Status Preflight(const Operation&, const AddKey&) { return Status::Ok(); }
Status Apply(OpContext&, const AddKey&) { return NotYet("add-key"); }
Status Preflight(const Operation&, const RevokeKey&) { return Status::Ok(); }
Status Apply(OpContext&, const RevokeKey&) { return NotYet("revoke-key"); }

}  // namespace liard::ops
