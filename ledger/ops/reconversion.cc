// Reconversion: a merchant's units leave circulation; the fund owes the merchant their euros,
// less the association's fee. NoteRedemption (notes.cc) shares the euro side, Reconvert.
#include <string>

#include "ledger/check.h"
#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {

Status Preflight(const Operation&, const Reconversion& r) {
  return CheckPositive(r.units, "amount");
}

Status Apply(OpContext& ctx, const Reconversion& r) {
  const int64_t balance = ctx.state.Balance(BookKey::Member(ctx.actor.id));
  if (balance < r.units.minor())
    return Status(Code::kInsufficientFunds, "the balance is " + ctx.Format(balance) +
                                                ", less than " + ctx.Format(r.units.minor()))
        .With("balance_units", balance)
        .With("amount_units", r.units.minor());
  ctx.Post(BookKey::Member(ctx.actor.id), -r.units.minor());
  return Reconvert(ctx, ctx.actor.id, r.units.minor());
}

Status Reconvert(OpContext& ctx, const AccountId& merchant, int64_t units) {
  ReconversionQuote q;
  Status s = QuoteReconversion(ctx.genesis, ctx.rules, units, &q);
  if (!s.ok()) return s;
  // The quote splits what leaves the fund between the merchant and the fee, exactly.
  LIARD_CHECK(q.owed >= 0 && q.fee >= 0 && q.owed + q.fee == q.euros);
  ctx.Post(BookKey::System(Slot::kIssuance), units);
  ctx.Post(BookKey::System(Slot::kFund), -q.euros);
  ctx.Post(BookKey{Slot::kOwedToMerchant, merchant}, q.owed);
  ctx.Post(BookKey::System(Slot::kIncome), q.fee);
  ctx.delta->note = "reconverted " + ctx.Format(units) + ": " + FormatEuros(q.owed) +
                    " owed, fee " + FormatEuros(q.fee);
  return Status::Ok();
}

}  // namespace liard::ops
