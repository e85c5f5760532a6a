// Transfers: a member pays one account (Transfer) or several at once (MultiTransfer).
#include <string>

#include "ledger/limits.h"
#include "ledger/ops/ops.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

// A refusal of leg `i` (from 0), numbered from 1 for the payer.
Status LegRefusal(const Status& s, size_t i) {
  Status leg(s.code(), "leg " + std::to_string(i + 1) + ": " + s.message(),
             static_cast<uint32_t>(i + 1));
  for (const auto& f : s.figures()) leg.With(f.name, f.value);
  return leg;
}

}  // namespace

Status Preflight(const Operation& op, const Transfer& t) {
  if (!t.amount.positive())
    return Status(Code::kAmountNotPositive, "a transfer must be above zero");
  if (t.to == op.account) return Status(Code::kTransferToSelf, "an account cannot pay itself");
  Status s = CheckMemo(t.memo);
  if (!s.ok()) return s;
  return PreflightRequest(op, t);
}

Status Apply(OpContext& ctx, const Transfer& t) {
  const Account* payee = ctx.state.FindAccount(t.to);
  Status s = ctx.Payee(payee);
  if (!s.ok()) return s;
  s = ctx.CheckPayer(t.amount.minor(), PaymentShape::kSingle);
  if (!s.ok()) return s;
  // A payer holding earmarked aid (its record, read anyway, says so) spends it first.
  if (!ctx.actor.grants.empty()) return PayWithAid(ctx, t, *payee);
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < t.amount.minor())
    return Status(Code::kInsufficientFunds, "the balance is " + ctx.Format(balance) +
                                                ", less than " + ctx.Format(t.amount.minor()))
        .With("balance_units", balance)
        .With("amount_units", t.amount.minor());
  s = ApplyRequest(ctx, t);
  if (!s.ok()) return s;
  ctx.Post(BookKey::Member(ctx.actor.id), -t.amount.minor());
  ctx.Post(BookKey::Member(t.to), t.amount.minor());
  RecordRefundable(ctx, t);
  return Status::Ok();
}

Status Preflight(const Operation& op, const MultiTransfer& m) {
  if (m.legs.empty() || m.legs.size() > kMaxLegs)
    return Status(Code::kBadLegCount, "a payment has 1 to " + std::to_string(kMaxLegs) +
                                          " legs, not " + std::to_string(m.legs.size()))
        .With("legs", static_cast<int64_t>(m.legs.size()))
        .With("max_legs", static_cast<int64_t>(kMaxLegs));
  __int128 total = 0;
  for (size_t i = 0; i < m.legs.size(); ++i) {
    Status s = Preflight(op, Transfer{m.legs[i].to, m.legs[i].amount, m.legs[i].memo});
    if (!s.ok()) return LegRefusal(s, i);
    total += m.legs[i].amount.minor();
  }
  if (total > INT64_MAX)
    return Status(Code::kAmountTooLarge, "the legs add up past the largest amount")
        .With("largest_units", INT64_MAX);
  return Status::Ok();
}

Status Apply(OpContext& ctx, const MultiTransfer& m) {
  int64_t total = 0;
  const KindLimits* limits = ctx.rules.LimitsFor(ctx.actor.kind);
  for (size_t i = 0; i < m.legs.size(); ++i) {
    const Leg& leg = m.legs[i];
    Status s = ctx.Payee(ctx.state.FindAccount(leg.to));
    if (s.ok()) s = CheckMaxPayment(limits, leg.amount.minor(), ctx.units_format());
    if (!s.ok()) return LegRefusal(s, i);
    total += leg.amount.minor();  // preflight bounded the sum
    ctx.Post(BookKey::Member(leg.to), leg.amount.minor());
  }
  Status s = ctx.CheckPayer(total, PaymentShape::kLegs);
  if (!s.ok()) return s;
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < total)
    return Status(Code::kInsufficientFunds, "the balance is " + ctx.Format(balance) +
                                                ", less than the " + std::to_string(m.legs.size()) +
                                                " legs' total of " + ctx.Format(total))
        .With("balance_units", balance)
        .With("amount_units", total)
        .With("legs", static_cast<int64_t>(m.legs.size()));
  ctx.Post(BookKey::Member(ctx.actor.id), -total);
  ctx.delta->note =
      "paid " + ctx.Format(total) + " to " + std::to_string(m.legs.size()) + " accounts";
  return Status::Ok();
}

}  // namespace liard::ops
