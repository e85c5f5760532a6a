// Demurrage (fonte): the board's rule (Rules::demurrage, checked when decided) and the
// treasurer's monthly run (ApplyDemurrage) that moves each holder's charge to the association.
//
// The run carries no amount: the core derives each holder's charge from the holder's balance
// when the run applies, which must be within kDemurrageWindowMs of the month's end, and marks
// the month charged in the holder's tally (Slot::kDemurrageCharged) so that nobody is charged
// twice for it. Nothing of this touches a transfer or a conversion. docs/money.md, "Demurrage".
#include <set>
#include <string>

#include "ledger/civil_time.h"
#include "ledger/ops/ops.h"
#include "ledger/report.h"  // NextYearMonth

namespace liard::ops {

int64_t MonthStartMs(const TimeZone& zone, uint32_t year_month) {
  return zone.StartOfDay(
      DaysFromCivil(static_cast<int>(year_month / 100), static_cast<int>(year_month % 100), 1));
}

int64_t MonthEndMs(const TimeZone& zone, uint32_t year_month) {
  return MonthStartMs(zone, NextYearMonth(year_month));
}

int64_t DemurrageCharge(const Demurrage& rule, int64_t balance) {
  if (!rule.on() || balance <= rule.threshold) return 0;
  // (balance - threshold) < 2^63 and basis points <= 100: the product fits in 128 bits.
  const __int128 above = static_cast<__int128>(balance) - rule.threshold;
  return static_cast<int64_t>(above * rule.basis_points / 10000);
}

BookKey DemurrageChargedKey(const AccountId& holder) {
  return BookKey{Slot::kDemurrageCharged, holder};
}

Status CheckDemurrageDecision(const StateView& state, const Demurrage& before,
                              const Demurrage& after, const TimeZone& zone, int64_t now_ms) {
  if (after == before || !after.on()) return Status::Ok();  // unchanged, or turned off: at once
  const Account* a = state.FindAccount(after.account);
  if (a == nullptr)
    return Status(Code::kUnknownDestination,
                  "the account named to receive demurrage does not exist");
  if ((kDemurrageKinds & KindBit(a->kind)) == 0)
    return Status(Code::kWrongAccountKind, "demurrage goes to the association's account; '" +
                                               a->name + "' is a " +
                                               std::string(KindName(a->kind)) + " account");
  if (a->status != AccountStatus::kActive)
    return Status(Code::kDestinationFrozen, "the account named to receive demurrage is " +
                                                std::string(StatusName(a->status)));
  // The notice: the first month charged begins after the decision, so that holders have at
  // least that whole month between the announcement and the first charge.
  const int64_t starts = MonthStartMs(zone, after.first_month);
  if (starts <= now_ms)
    return Status(Code::kDemurrageNoticeShort,
                  "demurrage must be announced a whole month ahead: its first month charged (" +
                      std::to_string(after.first_month / 100) + "-" +
                      (after.first_month % 100 < 10 ? "0" : "") +
                      std::to_string(after.first_month % 100) +
                      ") has begun already; name a month that begins after the decision")
        .With("first_month_starts_ms", starts)
        .With("now_ms", now_ms);
  return Status::Ok();
}

Status Preflight(const Operation& op, const ApplyDemurrage& d) {
  (void)op;
  if (!IsValidYearMonth(d.period))
    return Status(Code::kBadDemurrage,
                  "the month charged is written YYYYMM (202701), not " + std::to_string(d.period));
  if (d.holders.empty() || d.holders.size() > kMaxDemurrageHolders)
    return Status(Code::kBadDemurrage, "a demurrage run names 1 to " +
                                           std::to_string(kMaxDemurrageHolders) + " holders, not " +
                                           std::to_string(d.holders.size()))
        .With("holders", static_cast<int64_t>(d.holders.size()))
        .With("max_holders", static_cast<int64_t>(kMaxDemurrageHolders));
  std::set<AccountId> seen;
  for (size_t i = 0; i < d.holders.size(); ++i)
    if (!seen.insert(d.holders[i]).second)
      return Status(Code::kDemurrageHolderTwice,
                    "holder " + std::to_string(i + 1) + " is named twice in the run",
                    static_cast<uint32_t>(i + 1));
  return Status::Ok();
}

Status Apply(OpContext& ctx, const ApplyDemurrage& d) {
  const Demurrage& rule = ctx.rules.demurrage;
  if (!rule.on() || d.period < rule.first_month)
    return Status(Code::kDemurrageOff,
                  "the rules charge no demurrage for " + std::to_string(d.period / 100) + "-" +
                      (d.period % 100 < 10 ? "0" : "") + std::to_string(d.period % 100))
        .With("first_month", rule.on() ? rule.first_month : 0);
  const int64_t end = MonthEndMs(ctx.zone(), d.period);
  if (ctx.now_ms < end)
    return Status(Code::kDemurrageNotDue, "the month has not ended yet")
        .With("period_end_ms", end)
        .With("now_ms", ctx.now_ms);
  if (ctx.now_ms >= end + kDemurrageWindowMs)
    return Status(Code::kDemurrageLate,
                  "the window to charge that month (7 days after its end) has passed")
        .With("period_end_ms", end)
        .With("now_ms", ctx.now_ms);
  const Account* receiver = nullptr;
  Status s = ctx.Counterparty(rule.account, kDemurrageKinds, "receiving", &receiver);
  if (!s.ok()) return s;
  int64_t total = 0;
  size_t charged = 0;
  for (size_t i = 0; i < d.holders.size(); ++i) {
    const AccountId& id = d.holders[i];
    const auto at = static_cast<uint32_t>(i + 1);
    if (id == rule.account)
      return Status(Code::kDemurrageReceiver,
                    "holder " + std::to_string(i + 1) +
                        " is the account that receives demurrage: it is not charged",
                    at);
    if (ctx.state.FindAccount(id) == nullptr)
      return Status(Code::kUnknownDestination,
                    "holder " + std::to_string(i + 1) + " is no account of this ledger", at);
    const BookKey mark = DemurrageChargedKey(id);
    const int64_t last = ctx.state.Balance(mark);
    if (last >= d.period)
      return Status(Code::kDemurrageCharged,
                    "holder " + std::to_string(i + 1) +
                        " was charged demurrage for that month already",
                    at)
          .With("last_month_charged", last);
    ctx.Post(mark, static_cast<int64_t>(d.period) - last);
    const int64_t charge = DemurrageCharge(rule, ctx.state.Balance(BookKey::Member(id)));
    if (charge > 0) {
      ctx.Post(BookKey::Member(id), -charge);
      total += charge;  // each is below its balance: the sum of the members' units fits
      ++charged;
    }
  }
  if (total > 0) ctx.Post(BookKey::Member(rule.account), total);
  ctx.delta->note = "demurrage for " + std::to_string(d.period / 100) + "-" +
                    (d.period % 100 < 10 ? "0" : "") + std::to_string(d.period % 100) + ": " +
                    ctx.Format(total) + " from " + std::to_string(charged) + " of " +
                    std::to_string(d.holders.size()) + " holders to " + receiver->name;
  return Status::Ok();
}

}  // namespace liard::ops
