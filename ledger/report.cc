// The general assembly's figures from applied journal entries.
#include "ledger/report.h"

#include <algorithm>

#include "ledger/money.h"

namespace liard {
namespace {

bool GroupOf(AccountKind kind, ReportGroup* out) {
  switch (kind) {
    case AccountKind::kResident:
      *out = ReportGroup::kMembers;
      return true;
    case AccountKind::kMerchant:
      *out = ReportGroup::kMerchants;
      return true;
    case AccountKind::kMunicipality:
      *out = ReportGroup::kMunicipalities;
      return true;
    default:
      return false;
  }
}

// The figures of a month that the period sums.
constexpr int64_t MonthFigures::*kFlows[] = {
    &MonthFigures::conversions,       &MonthFigures::conversion_euros,
    &MonthFigures::note_sales,        &MonthFigures::note_sale_euros,
    &MonthFigures::units_converted,   &MonthFigures::notes_issued,
    &MonthFigures::reconversions,     &MonthFigures::units_reconverted,
    &MonthFigures::note_redemptions,  &MonthFigures::units_redeemed,
    &MonthFigures::owed_to_merchants, &MonthFigures::payouts,
    &MonthFigures::paid_out,          &MonthFigures::payments,
    &MonthFigures::payment_volume};
constexpr int64_t IncomeFigures::*kSources[] = {
    &IncomeFigures::membership_fees, &IncomeFigures::reconversion_fees,
    &IncomeFigures::bank_interest, &IncomeFigures::bank_fees, &IncomeFigures::other};

int64_t Velocity(int64_t volume, int64_t circulation) {
  if (circulation <= 0 || volume <= 0) return 0;
  Amount v;
  if (!Amount(volume).MulRatio(100, circulation, Rounding::kDown, &v).ok()) return INT64_MAX;
  return v.minor();
}

}  // namespace

uint32_t NextYearMonth(uint32_t yyyymm) {
  return yyyymm % 100 >= 12 ? (yyyymm / 100 + 1) * 100 + 1 : yyyymm + 1;
}

// The month a membership's last millisecond falls in: one "until 2026-12-31" ends at
// 2027-01-01T00:00 (in the currency's zone) and lapses in December.
uint32_t ReportBuilder::LapseMonth(int64_t until_ms) const { return MonthOf(until_ms - 1); }

ReportBuilder::ReportBuilder(const Genesis& genesis)
    : genesis_(genesis), zone_(CurrencyZone(genesis)) {
  for (const GenesisAccount& a : genesis.accounts) {
    Tracked t;
    t.counted = GroupOf(a.kind, &t.group);
    accounts_[a.id] = t;
    last_.circulation += a.opening_balance.minor();
  }
  last_.reserve = last_.fund = genesis.opening_fund.minor();
}

void ReportBuilder::Track(const Account& record, int64_t time_ms) {
  auto [it, is_new] = accounts_.try_emplace(record.id);
  Tracked& t = it->second;
  if (is_new) {
    t.counted = GroupOf(record.kind, &t.group);
    t.opened = MonthOf(time_ms);
    t.until_ms = record.member_until_ms;
    t.until_set = time_ms;
    return;
  }
  if (record.member_until_ms == t.until_ms) return;
  // A renewal: the end it replaces lapsed if it passed and its month ended before the renewal.
  const int64_t u = t.until_ms;
  if (u != 0 && u > t.until_set && u <= time_ms && MonthOf(time_ms) != LapseMonth(u))
    t.lapses.push_back(u);
  t.until_ms = record.member_until_ms;
  t.until_set = time_ms;
}

void ReportBuilder::Active(MonthState& m, const AccountId& id) {
  auto it = accounts_.find(id);
  if (it == accounts_.end() || !it->second.counted) return;
  m.active[static_cast<size_t>(it->second.group)].insert(id);
}

void ReportBuilder::Add(const AppliedEntry& e, const Totals& t) {
  const uint32_t month = MonthOf(e.time_ms);
  if (seen_ == 0) first_ms_ = e.time_ms;
  MonthState& ms = months_[month];
  MonthFigures& m = ms.f;
  m.month = month;
  for (const Account& a : e.delta->accounts) Track(a, e.time_ms);

  const Operation& op = *e.op;
  const OpType type = op.type();
  auto name_of = [&](const Hash& programme) {
    auto it = programme_names_.find(programme);
    return it == programme_names_.end() ? ToHex(programme).substr(0, 12) : it->second;
  };
  // A conversion's postings after the one that pays the association's share are the share's
  // (ledger/ops/share.cc posts it last, its units first).
  const Conversion* conversion = std::get_if<Conversion>(&op.payload);
  bool in_share = false;
  for (const Posting& p : e.delta->postings) {
    const Slot slot = p.key.slot;
    if (conversion != nullptr && slot == Slot::kMember && p.key.owner != conversion->member) {
      in_share = true;
      m.share_by_association[p.key.owner] += p.amount;
    }
    if (slot == Slot::kIncome) {
      switch (type) {
        case OpType::kReconversion:
        case OpType::kNoteRedemption:
          m.income.reconversion_fees += p.amount;
          break;
        case OpType::kOpenAccount:
        case OpType::kRenewMembership:
        case OpType::kPropose:  // a board decision opening an account with a fee
        case OpType::kApprove:
          m.income.membership_fees += p.amount;
          break;
        case OpType::kBankEntry:  // interest in (+), a bank fee out of the income (-)
          if (std::get<BankEntry>(op.payload).kind == BankEntryKind::kInterest)
            m.income.bank_interest += p.amount;
          else
            m.income.bank_fees += -p.amount;
          break;
        default:
          m.income.other += p.amount;
      }
    }
    switch (type) {
      case OpType::kConversion:
        if (slot == Slot::kOfficeCash) m.conversion_euros += p.amount;
        if (slot == Slot::kMember && p.amount > 0) m.units_converted += p.amount;
        if (slot == Slot::kSponsorBudget && p.amount < 0)
          (in_share ? m.share_by_programme : m.bonus_by_programme)[name_of(p.key.owner)] +=
              -p.amount;
        break;
      case OpType::kNoteSale:
        if (slot == Slot::kOfficeCash) m.note_sale_euros += p.amount;
        if (slot == Slot::kPaper) m.notes_issued += p.amount;
        break;
      case OpType::kReconversion:
        if (slot == Slot::kIssuance) m.units_reconverted += p.amount;
        if (slot == Slot::kOwedToMerchant) m.owed_to_merchants += p.amount;
        break;
      case OpType::kNoteRedemption:
        if (slot == Slot::kIssuance) m.units_redeemed += p.amount;
        if (slot == Slot::kOwedToMerchant) m.owed_to_merchants += p.amount;
        break;
      case OpType::kPayout:
        if (slot == Slot::kOwedToMerchant) m.paid_out += -p.amount;
        break;
      case OpType::kFundProgramme:
        if (slot == Slot::kSponsorBudget) m.funds_by_programme[name_of(p.key.owner)] += p.amount;
        break;
      default:
        break;
    }
  }

  if (auto* c = std::get_if<Conversion>(&op.payload)) {
    ++m.conversions;
    Active(ms, c->member);
  } else if (std::holds_alternative<NoteSale>(op.payload)) {
    ++m.note_sales;
  } else if (std::holds_alternative<Reconversion>(op.payload)) {
    ++m.reconversions;
    Active(ms, op.account);
  } else if (auto* n = std::get_if<NoteRedemption>(&op.payload)) {
    ++m.note_redemptions;
    Active(ms, n->merchant);
  } else if (std::holds_alternative<Payout>(op.payload)) {
    ++m.payouts;
  } else if (auto* tr = std::get_if<Transfer>(&op.payload)) {
    ++m.payments;
    m.payment_volume += tr->amount.minor();
    Active(ms, op.account);
    Active(ms, tr->to);
  } else if (auto* mt = std::get_if<MultiTransfer>(&op.payload)) {
    ++m.payments;
    Active(ms, op.account);
    for (const Leg& leg : mt->legs) {
      m.payment_volume += leg.amount.minor();
      Active(ms, leg.to);
    }
  }

  auto at = [&](Slot s) { return t[static_cast<size_t>(s)]; };
  ReserveSample sample{e.sequence,
                       e.time_ms,
                       static_cast<int64_t>(CirculationOf(t)),
                       0,
                       at(Slot::kFund) + at(Slot::kOfficeCash),
                       at(Slot::kFund)};
  if (!UnitsToEuros(genesis_, sample.circulation, Rounding::kUp, &sample.circulation_euros).ok())
    sample.circulation_euros = 0;
  m.circulation_end = sample.circulation;
  if (seen_++ % stride_ == 0) {
    samples_.push_back(sample);
    if (samples_.size() >= 2 * kMaxSamples) {  // keep every other one, and sample half as often
      std::vector<ReserveSample> kept;
      for (size_t i = 0; i < samples_.size(); i += 2) kept.push_back(samples_[i]);
      samples_ = std::move(kept);
      stride_ *= 2;
    }
  }
  last_ = sample;  // the latest point always shows
}

ReportFigures ReportBuilder::Finish(int64_t end_ms) const {
  ReportFigures out;
  out.samples = samples_;
  if (seen_ > 0 && (out.samples.empty() || out.samples.back().sequence != last_.sequence))
    out.samples.push_back(last_);

  // Lapses: those recorded at a renewal, and the ends in force that passed by `end_ms`.
  std::map<uint32_t, std::array<int64_t, kReportGroups>> lapsed;
  for (const auto& [id, t] : accounts_) {
    if (!t.counted) continue;
    const size_t g = static_cast<size_t>(t.group);
    for (int64_t u : t.lapses) ++lapsed[LapseMonth(u)][g];
    if (t.until_ms != 0 && t.until_ms > t.until_set && t.until_ms <= end_ms)
      ++lapsed[LapseMonth(t.until_ms)][g];
  }

  MonthFigures& p = out.period;
  std::array<std::set<AccountId>, kReportGroups> active;
  int64_t circulation = seen_ > 0 ? last_.circulation : 0;
  if (seen_ > 0) {
    // The circulation before the first entry: the genesis's openings.
    int64_t carried = 0;
    for (const GenesisAccount& a : genesis_.accounts) carried += a.opening_balance.minor();
    const uint32_t last_month = std::max(MonthOf(end_ms), MonthOf(first_ms_));
    for (uint32_t month = MonthOf(first_ms_);; month = NextYearMonth(month)) {
      auto it = months_.find(month);
      MonthFigures f;
      if (it != months_.end()) {
        f = it->second.f;
        for (size_t g = 0; g < kReportGroups; ++g) {
          f.people[g].active = static_cast<int64_t>(it->second.active[g].size());
          active[g].insert(it->second.active[g].begin(), it->second.active[g].end());
        }
        carried = f.circulation_end;
      }
      f.month = month;
      f.circulation_end = carried;
      for (const auto& [id, t] : accounts_)
        if (t.counted && t.opened <= month) {
          PeopleFigures& pf = f.people[static_cast<size_t>(t.group)];
          ++pf.at_end;
          if (t.opened == month) ++pf.opened;
        }
      if (auto l = lapsed.find(month); l != lapsed.end())
        for (size_t g = 0; g < kReportGroups; ++g) f.people[g].lapsed = l->second[g];
      f.velocity_hundredths = Velocity(f.payment_volume, f.circulation_end);
      out.months.push_back(f);
      if (month >= last_month) break;
    }
    circulation = carried;
  }

  // The period: sums, but distinct active accounts and the counts at its end.
  for (const MonthFigures& f : out.months) {
    for (int64_t MonthFigures::*flow : kFlows) p.*flow += f.*flow;
    for (int64_t IncomeFigures::*source : kSources) p.income.*source += f.income.*source;
    for (const auto& [name, cents] : f.bonus_by_programme) p.bonus_by_programme[name] += cents;
    for (const auto& [name, cents] : f.funds_by_programme) p.funds_by_programme[name] += cents;
    for (const auto& [id, units] : f.share_by_association) p.share_by_association[id] += units;
    for (const auto& [name, cents] : f.share_by_programme) p.share_by_programme[name] += cents;
    for (size_t g = 0; g < kReportGroups; ++g) {
      p.people[g].opened += f.people[g].opened;
      p.people[g].lapsed += f.people[g].lapsed;
    }
  }
  for (size_t g = 0; g < kReportGroups; ++g) {
    p.people[g].active = static_cast<int64_t>(active[g].size());
    for (const auto& [id, t] : accounts_)
      if (t.counted && static_cast<size_t>(t.group) == g) ++p.people[g].at_end;
  }
  p.circulation_end = circulation;
  p.velocity_hundredths = Velocity(p.payment_volume, p.circulation_end);
  return out;
}

}  // namespace liard
