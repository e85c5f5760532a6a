// Refunds: a payment paid back by the account it paid, linked to it, never more than it.
//
// Genesis version 5: a transfer that may be refunded leaves a tally account (RecordRefundable):
// its balance is what of the payment is still refundable, under an owner that names the payment,
// its payer and its payee, so that only the payee can refund it and only to the payer. A refund
// takes from that tally and adds to the payment's refunded tally.
// Version 6 on (RefundsFromJournal): a payment leaves nothing; a refund finds it in the journal
// (ApplyContext::journal), checks its payer, payee and refundability there, and what remains is
// its amount less the refunded tally, the only record, made by the first refund.
// Either way the units move from the payee back to the payer. Conversions and the legs of a
// multi-transfer are not refundable.
#include <optional>

#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

// Whether `t`, paid by the actor of `ctx`, may later be refunded (RefundablePayment).
bool Refundable(const OpContext& ctx, const Transfer& t) {
  return RefundablePayment(ctx.genesis, ctx.state, t.to, t.request.has_value());
}

Status NotRefundable(const Hash& original) {
  return Status(Code::kNotRefundable,
                "operation " + ToHex(original).substr(0, 16) +
                    "… is not a payment this account received from that payer that can be "
                    "refunded (conversions and the legs of a multi-payment cannot be)");
}

// What remains refundable of the payment `r` names, with its tally key (version 5; version 6
// has none), or a refusal.
struct Refundability {
  int64_t remaining = 0;
  int64_t refunded = 0;
  std::optional<BookKey> tally;
};

Status FindRefundable(const OpContext& ctx, const Refund& r, Refundability* out) {
  const BookKey refunded_key{Slot::kRefunded, r.original};
  out->refunded = ctx.state.Balance(refunded_key);
  if (!RefundsFromJournal(ctx.genesis)) {
    const BookKey tally = RefundableKey(r.original, r.payer, ctx.actor.id);
    out->remaining = ctx.state.Balance(tally);
    out->tally = tally;
    if (out->remaining == 0 && out->refunded == 0) return NotRefundable(r.original);
    return Status::Ok();
  }
  if (ctx.journal == nullptr) return NotRefundable(r.original);
  JournalTransfer paid;
  Status s = ctx.journal->FindTransfer(r.original, &paid);
  if (s.code() == Code::kNotFound) return NotRefundable(r.original);
  if (!s.ok())
    return Status(Code::kInternal,
                  "the payment to refund could not be read from the journal: " + s.message());
  if (paid.payer != r.payer || paid.payee != ctx.actor.id ||
      !RefundablePayment(ctx.genesis, ctx.state, paid.payee, paid.pays_request))
    return NotRefundable(r.original);
  out->remaining = paid.amount - out->refunded;
  return Status::Ok();
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
  const BookKey refunded_key{Slot::kRefunded, r.original};
  Refundability found;
  s = FindRefundable(ctx, r, &found);
  if (!s.ok()) return s;
  const int64_t remaining = found.remaining;
  const int64_t refunded = found.refunded;
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
  if (found.tally) ctx.Post(*found.tally, -amount);
  ctx.Post(refunded_key, amount);
  ctx.Post(BookKey::Member(ctx.actor.id), -amount);
  ctx.Post(BookKey::Member(r.payer), amount);
  return Status::Ok();
}

void RecordRefundable(OpContext& ctx, const Transfer& t) {
  // A simulated transfer has no id yet (op_id is zero): nothing to name, so nothing is recorded.
  // Version 6 records nothing: a refund finds the payment in the journal.
  if (RefundsFromJournal(ctx.genesis) || ctx.op_id == Hash{} || !Refundable(ctx, t)) return;
  ctx.Post(RefundableKey(ctx.op_id, ctx.actor.id, t.to), t.amount.minor());
}

void RecordUnrefundable(OpContext& ctx, const Transfer& t, int64_t part) {
  // Version 5 recorded only the refundable part (RecordRefundable); a simulation has no id.
  if (part <= 0 || !RefundsFromJournal(ctx.genesis) || ctx.op_id == Hash{} || !Refundable(ctx, t))
    return;
  ctx.Post(BookKey{Slot::kRefunded, ctx.op_id}, part);
}

}  // namespace liard::ops

namespace liard {

bool RefundablePayment(const Genesis& genesis, const StateView& state, const AccountId& payee,
                       bool pays_request) {
  if (pays_request) return true;
  if (!ShopPaymentsRefundable(genesis)) return false;
  const Account* to = state.FindAccount(payee);
  if (to == nullptr) return false;
  return to->kind == AccountKind::kMerchant || to->kind == AccountKind::kMunicipality ||
         to->kind == AccountKind::kAssociation;
}

}  // namespace liard
