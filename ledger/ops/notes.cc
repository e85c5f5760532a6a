// Paper notes: an exchange office sells notes for euros (NoteSale); a merchant hands notes in
// and is owed their euros, less the reconversion fee (NoteRedemption).
#include <string>

#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {

Status Preflight(const Operation&, const NoteSale& n) {
  return CheckPositive(n.euros, "euro amount");
}

Status Apply(OpContext& ctx, const NoteSale& n) {
  int64_t units;
  Status s = EurosToUnits(ctx.genesis, n.euros.minor(), Rounding::kDown, &units);
  if (!s.ok()) return s;
  if (units <= 0)
    return Status(Code::kBelowMinimum, FormatEuros(n.euros.minor()) + " buys no note at par")
        .With("amount_cents", n.euros.minor());
  s = ctx.CheckOfficeCash(n.euros.minor());
  if (!s.ok()) return s;
  ctx.Post(BookKey{Slot::kOfficeCash, ctx.actor.id}, n.euros.minor());
  ctx.Post(BookKey::System(Slot::kEuroExternal), -n.euros.minor());
  ctx.Post(BookKey::System(Slot::kPaper), units);
  ctx.Post(BookKey::System(Slot::kIssuance), -units);
  return Status::Ok();
}

Status Preflight(const Operation&, const NoteRedemption& n) {
  return CheckPositive(n.units, "amount of notes");
}

Status Apply(OpContext& ctx, const NoteRedemption& n) {
  const Account* merchant = nullptr;
  Status s = ctx.Counterparty(n.merchant, KindBit(AccountKind::kMerchant), "merchant", &merchant);
  if (!s.ok()) return s;
  const int64_t paper = ctx.state.Balance(BookKey::System(Slot::kPaper));
  if (paper < n.units.minor())
    return Status(Code::kInsufficientFunds,
                  "only " + ctx.Format(paper) + " of paper notes are in circulation")
        .With("paper_units", paper)
        .With("amount_units", n.units.minor());
  ctx.Post(BookKey::System(Slot::kPaper), -n.units.minor());
  return Reconvert(ctx, merchant->id, n.units.minor());
}

}  // namespace liard::ops
