// Money arithmetic: exact, in integers, each rounding stated and in the fund's favour.
#include "ledger/money.h"

#include <algorithm>
#include <string>

#include "ledger/bytes.h"
#include "ledger/domains.h"

namespace liard {

Hash ProgrammeId(std::string_view name) { return Sha256({kProgrammeDomain, name}); }

bool IsValidProgrammeName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

uint32_t YearMonth(int64_t unix_ms) { return TimeZone::Utc().YearMonthOf(unix_ms); }

BookKey BonusTallyKey(const Hash& programme_id, const AccountId& member, int64_t now_ms,
                      const TimeZone& zone) {
  const uint32_t ym = zone.YearMonthOf(now_ms);
  Hash owner = Sha256({kTallyDomain, programme_id.view(), member.view(), Fixed32BE(ym)});
  return BookKey{Slot::kBonusTally, owner};
}

BookKey DailyOutTallyKey(const AccountId& member, int64_t now_ms, const TimeZone& zone) {
  // Floor division: a time before 1970 still falls in its own day.
  const uint32_t d = static_cast<uint32_t>(zone.DayOf(now_ms));
  Hash owner = Sha256({kDailyDomain, member.view(), Fixed32BE(d)});
  return BookKey{Slot::kDailyOutTally, owner};
}

BookKey RefundableKey(const Hash& original, const AccountId& payer, const AccountId& payee) {
  Hash owner = Sha256({kRefundableDomain, original.view(), payer.view(), payee.view()});
  return BookKey{Slot::kRefundable, owner};
}

BookKey StaffRefundDayKey(const PublicKey& key, int64_t now_ms, const TimeZone& zone) {
  const uint32_t d = static_cast<uint32_t>(zone.DayOf(now_ms));
  Hash owner = Sha256({kStaffRefundDomain, key.view(), Fixed32BE(d)});
  return BookKey{Slot::kStaffRefundDay, owner};
}

Status UnitsToEuros(const Genesis& g, int64_t units, Rounding rounding, int64_t* euros) {
  Amount out;
  Status s = Amount(units).MulRatio(g.par_num, g.par_den, rounding, &out);
  if (!s.ok()) return Status(Code::kBalanceOverflow, "the amount is too large");
  *euros = out.minor();
  return Status::Ok();
}

Status EurosToUnits(const Genesis& g, int64_t euros, Rounding rounding, int64_t* units) {
  Amount out;
  Status s = Amount(euros).MulRatio(g.par_den, g.par_num, rounding, &out);
  if (!s.ok()) return Status(Code::kBalanceOverflow, "the amount is too large");
  *units = out.minor();
  return Status::Ok();
}

namespace {

std::string Units(const Genesis& g, int64_t minor) {
  return FormatAmount(Amount(minor), static_cast<int>(g.decimals), g.currency_code);
}

// The bonus the programme's ratio gives on `base` units, before any limit.
Status BonusDue(const Programme& p, int64_t base, int64_t* bonus) {
  // total = round(base × num / den) to a multiple of step; validation bounds den × step.
  Amount steps;
  Status s = Amount(base).MulRatio(p.ratio_num, p.ratio_den * p.step, p.rounding, &steps);
  if (!s.ok()) return Status(Code::kBalanceOverflow, "the bonus would be too large");
  int64_t total;
  if (__builtin_mul_overflow(steps.minor(), p.step, &total))
    return Status(Code::kBalanceOverflow, "the bonus would be too large");
  *bonus = total > base ? total - base : 0;
  return Status::Ok();
}

}  // namespace

Status QuoteConversion(const Genesis& g, const StateView& state, const Account& member,
                       int64_t euros, std::string_view programme_name, int64_t now_ms,
                       ConversionQuote* out) {
  const Rules& rules = state.governance().rules;
  if (euros < rules.conversion.min_euros)
    return Status(Code::kBelowMinimum,
                  "the smallest conversion is " + FormatEuros(rules.conversion.min_euros))
        .With("minimum_cents", rules.conversion.min_euros);
  if (rules.conversion.max_euros > 0 && euros > rules.conversion.max_euros)
    return Status(Code::kAboveMaximum,
                  "the largest conversion is " + FormatEuros(rules.conversion.max_euros))
        .With("maximum_cents", rules.conversion.max_euros);
  ConversionQuote q;
  q.euros = euros;
  Status s = EurosToUnits(g, euros, Rounding::kDown, &q.units_at_par);
  if (!s.ok()) return s;
  if (q.units_at_par <= 0)
    return Status(Code::kBelowMinimum, FormatEuros(euros) + " is less than one minor unit at par")
        .With("amount_cents", euros);
  if (programme_name.empty()) {
    *out = std::move(q);
    return Status::Ok();
  }
  const Programme* p = rules.FindProgramme(programme_name);
  if (p == nullptr)
    return Status(Code::kUnknownProgramme,
                  "no bonus programme is named '" + std::string(programme_name) + "'");
  s = BonusDue(*p, q.units_at_par, &q.bonus_due);
  if (!s.ok()) return s;

  // Each limit below lowers the bonus and says why; none ever issues a unit without its euro.
  int64_t bonus = q.bonus_due;
  auto limit = [&](int64_t cap, std::string why) {
    if (cap < bonus) {
      bonus = cap < 0 ? 0 : cap;
      if (!q.note.empty()) q.note += "; ";
      q.note += why;
    }
  };
  if (now_ms < p->starts_ms) limit(0, "programme '" + p->name + "' has not started yet");
  if (p->ends_ms != 0 && now_ms >= p->ends_ms) limit(0, "programme '" + p->name + "' has ended");
  if (p->member_kinds != 0 && (p->member_kinds & KindBit(member.kind)) == 0)
    limit(0, "programme '" + p->name + "' is not open to " + std::string(KindName(member.kind)) +
                 " accounts");
  if (euros < p->min_euros)
    limit(0, "programme '" + p->name + "' pays a bonus from " + FormatEuros(p->min_euros));
  const Hash pid = ProgrammeId(p->name);
  if (p->monthly_cap > 0) {
    int64_t used = state.Balance(BonusTallyKey(pid, member.id, now_ms, CurrencyZone(g)));
    // The member's tally is the member's: the office that signs learns only that it
    // was reached, not how much of it the member had used.
    limit(p->monthly_cap - used,
          "the monthly bonus cap of " + Units(g, p->monthly_cap) + " is reached");
  }
  int64_t budget = state.Balance(BookKey{Slot::kSponsorBudget, pid});
  int64_t budget_units;
  s = EurosToUnits(g, budget, Rounding::kDown, &budget_units);
  if (!s.ok()) return s;
  limit(budget_units, "the budget of programme '" + p->name + "' covered only " +
                          Units(g, budget_units < 0 ? 0 : budget_units) + " of the " +
                          Units(g, q.bonus_due) + " bonus");
  q.bonus_paid = bonus;
  // The euros backing the bonus, rounded up so the fund never falls short by a fraction.
  s = UnitsToEuros(g, bonus, Rounding::kUp, &q.bonus_euros);
  if (!s.ok()) return s;
  if (q.bonus_euros > budget) {  // possible only through rounding up at an odd par value
    q.bonus_paid = 0;
    q.bonus_euros = 0;
  }
  *out = std::move(q);
  return Status::Ok();
}

ReserveReport ComputeReserves(const Genesis& g, const Rules& rules, const Totals& t) {
  auto total = [&](Slot slot) { return t[static_cast<size_t>(slot)]; };
  ReserveReport r;
  // Earmarked aid is held in member accounts too: circulating units, backed like the others.
  r.circulation_accounts = total(Slot::kMember) + total(Slot::kEarmarked);
  r.circulation_paper = total(Slot::kPaper);
  r.fund = total(Slot::kFund);
  r.office_cash = total(Slot::kOfficeCash);
  r.owed_to_merchants = total(Slot::kOwedToMerchant);
  r.sponsor_budgets = total(Slot::kSponsorBudget);
  r.income = total(Slot::kIncome);
  auto clamp64 = [](__int128 v) {
    return static_cast<int64_t>(std::clamp<__int128>(v, INT64_MIN, INT64_MAX));
  };
  // The invariants keep the circulation equal to -issuance, so it fits; 128 bits regardless.
  const __int128 circulation = static_cast<__int128>(r.circulation_accounts) + r.circulation_paper;
  r.circulation = clamp64(circulation);
  // Each ratio term is below 2^20 (genesis validation), the circulation below 2^64: exact.
  const __int128 num = circulation * g.par_num * rules.backing_num;
  const __int128 den = static_cast<__int128>(g.par_den) * rules.backing_den;
  const __int128 required = num <= 0 ? 0 : (num + den - 1) / den;
  r.required = clamp64(required);
  if (circulation > 0 && required > 0) {
    auto basis_points = [&](__int128 euros) {
      __int128 bp = euros <= 0 ? 0 : euros * 10000 / required;
      return static_cast<uint32_t>(std::min<__int128>(bp, UINT32_MAX));
    };
    r.coverage_basis_points = basis_points(r.fund);
    r.office_cash_basis_points = basis_points(r.office_cash);
  }
  return r;
}

Status QuoteReconversion(const Genesis& g, const Rules& rules, int64_t units,
                         ReconversionQuote* out) {
  const ReconversionRules& r = rules.reconversion;
  if (units < r.min_units)
    return Status(Code::kBelowMinimum, "the smallest reconversion is " + Units(g, r.min_units))
        .With("minimum_units", r.min_units);
  ReconversionQuote q;
  q.units = units;
  Status s = UnitsToEuros(g, units, Rounding::kDown, &q.euros);
  if (!s.ok()) return s;
  Amount fee;
  s = Amount(q.euros).MulRatio(r.fee_num, r.fee_den, Rounding::kUp, &fee);
  if (!s.ok()) return Status(Code::kBalanceOverflow, "the fee would be too large");
  q.fee = fee.minor();
  q.owed = q.euros - q.fee;
  *out = q;
  return Status::Ok();
}

}  // namespace liard
