// Private reads: the checks of a signed read request.
#include "ledger/read_auth.h"

#include "ledger/governance.h"

namespace liard {
namespace {

Status Refused(std::string why) { return Status(Code::kReadRefused, std::move(why)); }

}  // namespace

std::string ReadSigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m(kReadDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Status AuthorizeRead(const StateView& state, const Hash& ledger_id, const ReadRequest& request,
                     std::string_view body, const PublicKey& key, const Signature& signature,
                     std::string_view method, const AccountId* target, int64_t now_ms) {
  if (request.ledger_id != ledger_id) return Refused("the read request is for another ledger");
  if (request.method != method)
    return Refused("the read request was signed for " + request.method + ", not " +
                   std::string(method));
  if (target != nullptr ? request.target != *target : !request.target.IsZero())
    return Refused("the read request was signed for another account");
  if (now_ms > request.not_after_ms) return Refused("the read request has expired");
  if (request.not_after_ms - now_ms > kMaxReadLifetimeMs)
    return Refused("a read request may be valid for at most 5 minutes");
  const Account* reader = state.FindAccount(request.reader);
  if (reader == nullptr) return Refused("the reading account does not exist");
  if (reader->key != key) return Refused("the read request is not signed with the reader's key");
  if (!Verify(key, ReadSigningMessage(ledger_id, body), signature))
    return Refused("the read request's signature does not match");
  if (reader->status == AccountStatus::kClosed) return Refused("the reading account is closed");
  if (target != nullptr && reader->id == *target) return Status::Ok();
  const uint32_t roles = RolesOf(*reader, state.governance());
  if (roles & (RoleBit(Role::kTreasurer) | RoleBit(Role::kAuditor))) return Status::Ok();
  return Refused(target != nullptr
                     ? "only the account itself, a treasurer or an auditor may read it"
                     : "only a treasurer or an auditor may read the whole journal");
}

}  // namespace liard
