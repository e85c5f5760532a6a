// The association's share: a member chooses an association (ChooseAssociation), and each of its
// conversions issues that association a share of the units, backed by a sponsor's programme.
//
// The share is part of the conversion that pays it, in the same delta: nothing else records it.
// It never makes a conversion fail: when it cannot be paid (the programme's budget is short, the
// programme is not running, the association left the rules' list or cannot receive), the
// conversion goes on without it and its receipt's note says why. docs/money.md, "The
// association's share".
#include <string>

#include "ledger/limits.h"
#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {

Status Preflight(const Operation& op, const ChooseAssociation& c) {
  if (c.association == op.account)
    return Status(Code::kBadAssociationChoice,
                  "a member cannot choose its own account as its association");
  return Status::Ok();
}

Status Apply(OpContext& ctx, const ChooseAssociation& c) {
  Account updated = ctx.actor;
  if (!c.association.IsZero()) {
    if (!ctx.rules.share.Eligible(c.association))
      return Status(Code::kNotEligibleAssociation,
                    "the account is not one of the associations the rules let members choose");
    const Account* association = nullptr;
    Status s = ctx.Counterparty(c.association, kShareKinds, "association", &association);
    if (!s.ok()) return s;
  }
  updated.association = c.association;
  ctx.delta->accounts.push_back(std::move(updated));
  return Status::Ok();
}

Status CheckShareAssociations(const StateView& state, const AssociationShare& share) {
  for (const AccountId& id : share.associations) {
    const Account* a = state.FindAccount(id);
    if (a == nullptr)
      return Status(Code::kUnknownDestination,
                    "the association's share lists an account that does not exist");
    if ((kShareKinds & KindBit(a->kind)) == 0)
      return Status(Code::kWrongAccountKind,
                    "the association's share lists '" + a->name + "', a " +
                        std::string(KindName(a->kind)) +
                        " account; only association and merchant accounts may receive it");
  }
  return Status::Ok();
}

Status QuoteShare(const Genesis& genesis, const StateView& state, const Rules& rules,
                  const Account& member, int64_t units_at_par, const std::string& bonus_programme,
                  int64_t bonus_euros, int64_t now_ms, ShareQuote* out) {
  ShareQuote q;
  const AssociationShare& share = rules.share;
  q.association = member.association;
  if (share.basis_points == 0 || member.association.IsZero()) {
    *out = q;
    return Status::Ok();
  }
  Amount due;
  if (!Amount(units_at_par).MulRatio(share.basis_points, 10000, Rounding::kDown, &due).ok())
    return Status(Code::kBalanceOverflow, "the association's share would be too large");
  q.units_due = due.minor();
  auto skip = [&](std::string why) {
    q.note = "association's share of " +
             FormatAmount(Amount(q.units_due), static_cast<int>(genesis.decimals),
                          genesis.currency_code) +
             " not paid: " + why;
    *out = q;
    return Status::Ok();
  };
  if (q.units_due <= 0) return skip("less than one minor unit");
  if (!share.Eligible(member.association))
    return skip("the chosen association is no longer in the rules' list");
  const Account* association = state.FindAccount(member.association);
  if (association == nullptr || association->status != AccountStatus::kActive)
    return skip("the chosen association's account cannot receive");
  const Programme* p = rules.FindProgramme(share.programme);
  if (p == nullptr) return skip("its programme is not in the rules");  // ValidateRules forbids
  if (now_ms < p->starts_ms) return skip("programme '" + p->name + "' has not started yet");
  if (p->ends_ms != 0 && now_ms >= p->ends_ms) return skip("programme '" + p->name + "' has ended");
  int64_t euros;
  Status s = UnitsToEuros(genesis, q.units_due, Rounding::kUp, &euros);
  if (!s.ok()) return s;
  // The bonus of the same conversion is taken from the budget first.
  int64_t budget = state.Balance(BookKey{Slot::kSponsorBudget, ProgrammeId(p->name)});
  if (bonus_programme == p->name) budget -= bonus_euros;
  if (euros > budget) return skip("the budget of programme '" + p->name + "' is short");
  if (const KindLimits* l = rules.LimitsFor(association->kind);
      l != nullptr && l->balance_ceiling > 0) {
    const int64_t balance = state.Balance(BookKey::Member(association->id));
    if (q.units_due > l->balance_ceiling - balance)
      return skip("the association's balance would pass its ceiling");
  }
  q.units_paid = q.units_due;
  q.euros = euros;
  q.programme = p->name;
  *out = q;
  return Status::Ok();
}

Status ApplyShare(OpContext& ctx, const Account& member, const ConversionQuote& conversion,
                  const std::string& bonus_programme) {
  ShareQuote q;
  Status s = QuoteShare(ctx.genesis, ctx.state, ctx.rules, member, conversion.units_at_par,
                        bonus_programme, conversion.bonus_euros, ctx.now_ms, &q);
  if (!s.ok()) return s;
  if (q.units_paid > 0) {
    // Units to the association first, then their euros from the budget to the fund: the
    // report tells the share's budget postings from the bonus's by this order.
    ctx.Post(BookKey::Member(q.association), q.units_paid);
    ctx.Post(BookKey::System(Slot::kIssuance), -q.units_paid);
    ctx.Post(BookKey{Slot::kSponsorBudget, ProgrammeId(q.programme)}, -q.euros);
    ctx.Post(BookKey::System(Slot::kFund), q.euros);
    ctx.delta->note += "; association's share " + ctx.Format(q.units_paid);
  } else if (!q.note.empty()) {
    ctx.delta->note += "; " + q.note;
  }
  return Status::Ok();
}

}  // namespace liard::ops
