// Public cards: what a shop shows payers and the directory.
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status NotYet(std::string_view what) {
  return Status(Code::kUnknownOperation, std::string(what) + " is not applied by this version");
}

}  // namespace

Status Preflight(const Operation&, const SetCard&) { return Status::Ok(); }
Status Apply(OpContext&, const SetCard&) { return NotYet("set-card"); }

}  // namespace liard::ops
