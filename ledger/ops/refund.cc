// Refunds: a payment paid back by the account it paid, linked to it, never more than it.
//
// A transfer that may be refunded leaves a tally account (RecordRefundable): its balance is what
// of the payment is still refundable, under an owner that names the payment, its payer and its
// payee, so that only the payee can refund it and only to the payer. A refund takes from that
// tally and adds to the payment's refunded tally; the units move from the payee back to the
// payer. Conversions and the legs of a multi-transfer leave no tally: they are not refundable.
#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

// Whether `t`, paid by the actor of `ctx`, may later be refunded: a payment of a payment
// request, and (genesis version 5) any payment to a merchant, a municipality or the association.
bool Refundable(const OpContext& ctx, const Transfer& t) {
  if (t.request) return true;
  if (!ShopPaymentsRefundable(ctx.genesis)) return false;
  const Account* payee = ctx.state.FindAccount(t.to);
  if (payee == nullptr) return false;
  return payee->kind == AccountKind::kMerchant || payee->kind == AccountKind::kMunicipality ||
         payee->kind == AccountKind::kAssociation;
}

// The staff key of scope refund that signs is held to its cap per day (the currency's days).
Status ChargeStaffCap(OpContext& ctx, int64_t amount) {
  if (ctx.staff == nullptr || ctx.staff->scope != KeyScope::kRefund) return Status::Ok();
  const int64_t cap = ctx.staff->refund_cap_per_day;
  const BookKey tally = StaffRefundDayKey(ctx.staff->key, ctx.now_ms, ctx.zone());
  const int64_t used = ctx.state.Balance(tally);
  if (amount > cap - used)
    return Status(Code::kRefundCap, "the staff key '" + ctx.staff->label + "' refunded " +
                                        ctx.Format(used) + " today; " + ctx.Format(amount) +
                                        " more would pass its daily cap of " + ctx.Format(cap) +
                                        ": the account's own key can refund it")
        .With("refunded_today_units", used)
        .With("amount_units", amount)
        .With("cap_units", cap);
  ctx.Post(tally, amount);
  return Status::Ok();
}

}  // namespace

Status Preflight(const Operation& op, const Refund& r) {
  Status s = CheckPositive(r.amount, "refund");
  if (!s.ok()) return s;
  if (r.payer == op.account)
    return Status(Code::kTransferToSelf,
                  "an account cannot refund itself: only the account that was paid refunds");
  return CheckMemo(r.memo);
}

Status Apply(OpContext& ctx, const Refund& r) {
  // The payer must be able to receive, as the payee of a transfer.
  Status s = ctx.Payee(ctx.state.FindAccount(r.payer));
  if (!s.ok()) return s;
  const int64_t amount = r.amount.minor();
  const BookKey refundable = RefundableKey(r.original, r.payer, ctx.actor.id);
  const BookKey refunded_key{Slot::kRefunded, r.original};
  const int64_t remaining = ctx.state.Balance(refundable);
  const int64_t refunded = ctx.state.Balance(refunded_key);
  if (remaining == 0 && refunded == 0)
    return Status(Code::kNotRefundable,
                  "operation " + ToHex(r.original).substr(0, 16) +
                      "… is not a payment this account received from that payer that can be "
                      "refunded (conversions and the legs of a multi-payment cannot be)");
  if (amount > remaining)
    return Status(Code::kRefundExceeds,
                  ctx.Format(refunded) + " of the payment of " + ctx.Format(remaining + refunded) +
                      " was refunded already; at most " + ctx.Format(remaining) +
                      " more can be, not " + ctx.Format(amount))
        .With("refunded_units", refunded)
        .With("original_units", remaining + refunded)
        .With("remaining_units", remaining)
        .With("amount_units", amount);
  // A refund does not count toward the daily outgoing limit nor the largest single payment: it
  // only gives back, to the account that paid them, units that account paid (docs/money.md).
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < amount)
    return Status(Code::kInsufficientFunds,
                  "the balance is " + ctx.Format(balance) + ", less than " + ctx.Format(amount))
        .With("balance_units", balance)
        .With("amount_units", amount);
  s = ChargeStaffCap(ctx, amount);
  if (!s.ok()) return s;
  ctx.Post(refundable, -amount);
  ctx.Post(refunded_key, amount);
  ctx.Post(BookKey::Member(ctx.actor.id), -amount);
  ctx.Post(BookKey::Member(r.payer), amount);
  return Status::Ok();
}

void RecordRefundable(OpContext& ctx, const Transfer& t) {
  // A simulated transfer has no id yet (op_id is zero): nothing to name, so nothing is recorded.
  if (ctx.op_id == Hash{} || !Refundable(ctx, t)) return;
  ctx.Post(RefundableKey(ctx.op_id, ctx.actor.id, t.to), t.amount.minor());
}

}  // namespace liard::ops
