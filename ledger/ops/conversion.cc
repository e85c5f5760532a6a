// Conversion: an exchange office takes a member's euros and issues units, with a programme's
// bonus backed by its sponsor's budget.
#include <string>

#include "ledger/money.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

// Version 3 on: an office converts for members of the kinds the rules allow, never for itself.
// Board members and treasurers convert like anyone of their kind: the office cash ceiling
// bounds what any conversion without cash can cost, whoever it is for.
Status CheckConvertible(const OpContext& ctx, const Account& member) {
  if (member.id == ctx.actor.id)
    return Status(Code::kNotConvertible, "an exchange office cannot convert for itself");
  const uint32_t kinds = ctx.rules.conversion.member_kinds != 0 ? ctx.rules.conversion.member_kinds
                                                                : kDefaultConvertibleKinds;
  if ((kinds & KindBit(member.kind)) == 0)
    return Status(Code::kNotConvertible, "the rules do not let an office convert for a " +
                                             std::string(KindName(member.kind)) + " account");
  return Status::Ok();
}

}  // namespace

Status Preflight(const Operation&, const Conversion& c) {
  if (!c.programme.empty() && !IsValidProgrammeName(c.programme))
    return Status(Code::kBadProgrammeName, "a programme name is 1 to 32 of a-z, 0-9 and '-'");
  return CheckPositive(c.euros, "euro amount");
}

Status Apply(OpContext& ctx, const Conversion& c) {
  const Account* member = nullptr;
  Status s = ctx.Counterparty(c.member, kAnyKind, "member", &member);
  if (!s.ok()) return s;
  if (OfficeConversionsGuarded(ctx.genesis)) {
    s = CheckConvertible(ctx, *member);
    if (!s.ok()) return s;
  }
  ConversionQuote q;
  s = QuoteConversion(ctx.genesis, ctx.state, *member, c.euros.minor(), c.programme, ctx.now_ms,
                      &q);
  if (!s.ok()) return s;
  s = ctx.CheckOfficeCash(q.euros);
  if (!s.ok()) return s;
  // Euro book: the euros are at the office until banked. Units book: issued to the member.
  ctx.Post(BookKey{Slot::kOfficeCash, ctx.actor.id}, q.euros);
  ctx.Post(BookKey::System(Slot::kEuroExternal), -q.euros);
  ctx.Post(BookKey::Member(member->id), q.units());
  ctx.Post(BookKey::System(Slot::kIssuance), -q.units());
  if (q.bonus_paid > 0) {
    // The sponsor's budget backs the bonus in the fund, in the same operation.
    const Hash pid = ProgrammeId(c.programme);
    ctx.Post(BookKey{Slot::kSponsorBudget, pid}, -q.bonus_euros);
    ctx.Post(BookKey::System(Slot::kFund), q.bonus_euros);
    ctx.Post(BonusTallyKey(pid, member->id, ctx.now_ms, ctx.zone()), q.bonus_paid);
  }
  ctx.delta->note = "converted " + FormatEuros(q.euros) + " into " + ctx.Format(q.units()) +
                    " (bonus " + ctx.Format(q.bonus_paid) + ")";
  if (!q.note.empty()) ctx.delta->note += ": " + q.note;
  // The association's share: no read or posting unless the rule is on and the member chose.
  if (ctx.rules.share.basis_points > 0 && !member->association.IsZero())
    return ApplyShare(ctx, *member, q, c.programme);
  return Status::Ok();
}

}  // namespace liard::ops
