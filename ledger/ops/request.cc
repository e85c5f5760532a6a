// Payment requests: paid once by a transfer that includes one, or cancelled by their payee.
//
// A request is made and signed off the ledger; nothing is written until it is paid or cancelled.
// Its state lives in the tally book, BookKey{kRequestState, RequestStateOwner(payee, id)}:
// 0 open, 1 paid, 2 cancelled. The owner names the payee as well as the request, so that a
// cancel (signed by its own account) can only ever block that account's own requests.
#include <string>

#include "ledger/domains.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

constexpr int64_t kOpen = 0;
constexpr int64_t kPaid = 1;
constexpr int64_t kCancelled = 2;

Status BadRequest(std::string what) { return Status(Code::kBadRequest, std::move(what)); }

// The refusal for a request that is no longer open.
Status Closed(int64_t state) {
  if (state == kPaid)
    return Status(Code::kRequestPaid,
                  "this payment request was paid already; ask the payee for a new one");
  return Status(Code::kRequestCancelled,
                "this payment request was cancelled by its payee; ask the payee for a new one");
}

}  // namespace

Hash RequestStateOwner(const AccountId& payee, const Hash& request_id) {
  return Sha256({kRequestDomain, "state", payee.view(), request_id.view()});
}

BookKey RequestStateKey(const AccountId& payee, const Hash& request_id) {
  return BookKey{Slot::kRequestState, RequestStateOwner(payee, request_id)};
}

Status PreflightRequest(const Operation& op, const Transfer& t) {
  if (!t.request) return Status::Ok();
  const SignedRequest& sr = *t.request;
  const PaymentRequest& r = sr.request;
  if (r.ledger_id != op.ledger_id)
    return BadRequest("the payment request is for another ledger (another currency or a test one)");
  if (r.amount.minor() < 0)
    return BadRequest("the payment request's amount is negative; 0 means an open amount");
  if (r.expires_ms < 0) return BadRequest("the payment request's expiry is before 1970");
  if (r.nonce.size() < kMinRequestNonceBytes || r.nonce.size() > kMaxRequestNonceBytes)
    return BadRequest("the payment request's nonce has " + std::to_string(r.nonce.size()) +
                      " bytes; it must have " + std::to_string(kMinRequestNonceBytes) + " to " +
                      std::to_string(kMaxRequestNonceBytes))
        .With("bytes", static_cast<int64_t>(r.nonce.size()));
  if (Status s = CheckMemo(r.memo); !s.ok())
    return BadRequest("the payment request's memo: " + s.message());
  if (r.payee != t.to)
    return Status(Code::kRequestMismatch,
                  "the payment goes to another account than the payment request's payee");
  // Last, as the operation's own signature is: it is the costly step.
  if (!Verify(sr.key, RequestSigningMessage(r.ledger_id, sr.body), sr.signature))
    return BadRequest(
        "the payment request's signature does not verify: it was changed after the payee "
        "signed it");
  return Status::Ok();
}

Status ApplyRequest(OpContext& ctx, const Transfer& t) {
  if (!t.request) return Status::Ok();
  const SignedRequest& sr = *t.request;
  const PaymentRequest& r = sr.request;
  const Account* payee = ctx.state.FindAccount(t.to);  // Payee() found it
  if (payee == nullptr)
    return Status(Code::kUnknownDestination, "the account to be paid does not exist");
  bool signer = payee->key == sr.key;
  if (!signer) {
    const StaffKey* staff = payee->FindStaffKey(sr.key);
    signer = staff != nullptr && staff->active();
  }
  if (!signer)
    return Status(Code::kRequestSigner,
                  "the payment request is not signed by the payee's key nor by one of its "
                  "active staff keys; do not pay it, and ask the payee for a new one");
  const Hash id = RequestId(r.ledger_id, sr.body);
  const BookKey key = RequestStateKey(r.payee, id);
  const int64_t state = ctx.state.Balance(key);
  if (state != kOpen) return Closed(state);
  if (r.expires_ms != 0 && ctx.now_ms > r.expires_ms)
    return Status(Code::kRequestExpired,
                  "this payment request has expired; ask the payee for a new one")
        .With("expires_ms", r.expires_ms)
        .With("now_ms", ctx.now_ms);
  if (r.amount.minor() != 0 && r.amount != t.amount)
    return Status(Code::kRequestMismatch, "the payment is of " + ctx.Format(t.amount.minor()) +
                                              " but the payment request asks for " +
                                              ctx.Format(r.amount.minor()))
        .With("amount_units", t.amount.minor())
        .With("request_units", r.amount.minor());
  ctx.Post(key, kPaid);
  return Status::Ok();
}

Status Preflight(const Operation&, const CancelRequest&) { return Status::Ok(); }

Status Apply(OpContext& ctx, const CancelRequest& c) {
  const BookKey key = RequestStateKey(ctx.actor.id, c.request_id);
  const int64_t state = ctx.state.Balance(key);
  if (state == kPaid)
    return Status(Code::kRequestPaid,
                  "this payment request was paid already and can no longer be cancelled; "
                  "refund the payment instead");
  if (state != kOpen)
    return Status(Code::kRequestCancelled, "this payment request was cancelled already");
  ctx.Post(key, kCancelled);
  return Status::Ok();
}

}  // namespace liard::ops
