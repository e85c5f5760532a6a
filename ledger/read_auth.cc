// Private reads: the checks of a signed read request.
#include "ledger/read_auth.h"

#include "ledger/governance.h"
#include "ledger/permissions.h"

namespace liard {
namespace {

Status Refused(std::string why) { return Status(Code::kReadRefused, std::move(why)); }

}  // namespace

Hash SimulateDigest(std::string_view public_key, std::string_view body) {
  return Sha256({kSimulateDomain, public_key, body});
}

ReadRequest ReadRequestFor(const Hash& ledger_id, const AccountId& reader, const ReadCall& call,
                           int64_t not_after_ms, std::string nonce) {
  ReadRequest r;
  r.ledger_id = ledger_id;
  r.reader = reader;
  r.method = std::string(call.method);
  if (call.target != nullptr) r.target = *call.target;
  r.not_after_ms = not_after_ms;
  r.from_sequence = call.from_sequence;
  r.follow = call.follow;
  r.before_sequence = call.before_sequence;
  r.limit = call.limit;
  r.request_digest = call.request_digest;
  r.nonce = std::move(nonce);
  return r;
}

std::string ReadSigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m(kReadDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Status AuthorizeRead(const StateView& state, const Hash& ledger_id, const ReadRequest& request,
                     std::string_view body, const PublicKey& key, const Signature& signature,
                     const ReadCall& call, int64_t now_ms) {
  const std::string_view method = call.method;
  const AccountId* target = call.target;
  if (request.ledger_id != ledger_id) return Refused("the read request is for another ledger");
  if (request.method != method)
    return Refused("the read request was signed for " + request.method + ", not " +
                   std::string(method));
  if (target != nullptr ? request.target != *target : !request.target.IsZero())
    return Refused("the read request was signed for another account");
  // Every parameter is signed: a captured request cannot be sent with another starting point,
  // page, follow flag or previewed body.
  auto differs = [](std::string_view field, const auto& signed_value, const auto& sent) {
    return Refused("the read request was signed for " + std::string(field) + " " +
                   std::to_string(signed_value) + ", but the call sends " + std::to_string(sent));
  };
  if (request.from_sequence != call.from_sequence)
    return differs("from_sequence", request.from_sequence, call.from_sequence);
  if (request.follow != call.follow)
    return Refused(request.follow ? "the read request was signed for follow true, but the call "
                                    "sends follow false"
                                  : "the read request was signed for follow false, but the call "
                                    "sends follow true");
  if (request.before_sequence != call.before_sequence)
    return differs("before_sequence", request.before_sequence, call.before_sequence);
  if (request.limit != call.limit) return differs("limit", request.limit, call.limit);
  if (request.request_digest != call.request_digest)
    return Refused(call.request_digest.empty()
                       ? "the read request carries a request_digest, which only Simulate and "
                         "GetOrder have"
                   : call.method == "GetOrder"
                       ? "the read request's request_digest is not this call's order_id (signed "
                         "for another order)"
                       : "the read request's request_digest is not the digest of this call's "
                         "public_key and body (signed for another preview)");
  if (request.nonce.size() < kMinReadNonce || request.nonce.size() > kMaxReadNonce)
    return Refused(request.nonce.empty()
                       ? "the read request has no nonce: each one carries 16 to 32 random bytes "
                         "and is used once"
                       : "the read request's nonce must be 16 to 32 bytes, not " +
                             std::to_string(request.nonce.size()));
  if (now_ms > request.not_after_ms) return Refused("the read request has expired");
  if (request.not_after_ms - now_ms > kMaxReadLifetimeMs)
    return Refused("a read request may be valid for at most 5 minutes");
  const Account* reader = state.FindAccount(request.reader);
  if (reader == nullptr) return Refused("the reading account does not exist");
  // The account's own key, or an active staff key of it (a till reads its shop's account).
  const StaffKey* staff = nullptr;
  if (reader->key != key) {
    staff = reader->FindStaffKey(key);
    if (staff == nullptr) return Refused("the read request is not signed with the reader's key");
    if (!staff->active())
      return Refused("the read request is signed with the staff key '" + staff->label +
                     "', which was revoked: it reads nothing more");
  }
  if (!Verify(key, ReadSigningMessage(ledger_id, body), signature))
    return Refused("the read request's signature does not match");
  if (reader->status == AccountStatus::kClosed) return Refused("the reading account is closed");
  if (staff != nullptr) {
    // Its account's own reads, never the roles of the account (a treasurer's whole journal).
    if (target == nullptr || reader->id != *target)
      return Refused("a staff key reads its own account only");
    if (method == "Simulate" && (call.simulate_key == nullptr || *call.simulate_key != key ||
                                 !StaffMayPerform(staff->scope, call.simulate_type)))
      return Refused("a staff key of scope " + std::string(ScopeName(staff->scope)) +
                     " previews only the operations it may sign itself");
    return Status::Ok();
  }
  if (target != nullptr && reader->id == *target) return Status::Ok();
  const uint32_t roles = RolesOf(*reader, state.governance());
  if (roles & (RoleBit(Role::kTreasurer) | RoleBit(Role::kAuditor))) return Status::Ok();
  return Refused(target != nullptr
                     ? "only the account itself, a treasurer or an auditor may read it"
                     : "only a treasurer or an auditor may read the whole journal");
}

}  // namespace liard
