// The general assembly's report: its figures, month by month and for the whole period, computed
// from a replayed journal. Pure: the wallet renders them (wallet-cli/report_html.h).
// Money is integers: euro cents and minor units; the velocity in hundredths.
#ifndef LIARD_LEDGER_REPORT_H_
#define LIARD_LEDGER_REPORT_H_

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/audit.h"  // AppliedEntry
#include "ledger/genesis.h"
#include "ledger/operation.h"

namespace liard {

// The three kinds of account the report counts.
enum class ReportGroup : uint8_t { kMembers = 0, kMerchants = 1, kMunicipalities = 2 };
inline constexpr size_t kReportGroups = 3;

// Accounts of one group in a month (or the period).
struct PeopleFigures {
  // Payer or payee of a payment (Transfer, or a MultiTransfer's payer or one of its payees),
  // the member of a conversion, the merchant of a reconversion or a note redemption. For the
  // period: distinct accounts, not the sum of the months.
  int64_t active = 0;
  int64_t opened = 0;  // accounts opened (OpenAccount, or a board decision opening one)
  // Memberships whose last day fell in the month (before the report's end) and that were not
  // renewed before the month ended (or the report's end, if sooner).
  int64_t lapsed = 0;
  int64_t at_end = 0;  // accounts open at the month's (the period's) end, genesis ones included
};

// The association's income by source, euro cents.
struct IncomeFigures {
  int64_t membership_fees = 0;    // OpenAccount, RenewMembership (and a board-opened account)
  int64_t reconversion_fees = 0;  // Reconversion, NoteRedemption
  int64_t bank_interest = 0;      // BankEntry of kind interest
  int64_t bank_fees = 0;          // BankEntry of kind fee: an expense, counted positive here
  int64_t other = 0;              // anything else posted to the income (none today)
  // What the income account gained: the sources less the bank's fees.
  int64_t net() const {
    return membership_fees + reconversion_fees + bank_interest - bank_fees + other;
  }
};

struct MonthFigures {
  uint32_t month = 0;  // 202611; 0 for the whole period

  // Euros in (euro cents handed in at exchange offices).
  int64_t conversions = 0;       // count
  int64_t conversion_euros = 0;  // euros converted to units
  int64_t note_sales = 0;        // count
  int64_t note_sale_euros = 0;   // euros paid for paper notes
  int64_t euros_in() const { return conversion_euros + note_sale_euros; }
  int64_t units_converted = 0;  // minor units issued by conversions, bonus included
  int64_t notes_issued = 0;     // minor units of paper notes sold

  // Units out of circulation (minor units) and what the merchants are owed for them.
  int64_t reconversions = 0;      // count
  int64_t units_reconverted = 0;  // by Reconversion
  int64_t note_redemptions = 0;   // count
  int64_t units_redeemed = 0;     // paper notes handed back (NoteRedemption)
  int64_t units_out() const { return units_reconverted + units_redeemed; }
  int64_t owed_to_merchants = 0;  // euro cents the merchants became owed by these (fee deducted)
  int64_t payouts = 0;            // count
  int64_t paid_out = 0;           // euro cents paid to merchants (Payout)

  IncomeFigures income;
  std::map<std::string, int64_t> bonus_by_programme;  // euro cents moved from each budget
  // The association's share (issue 21): minor units each association received from
  // conversions, and the euro cents each programme's budget moved to the fund to back them
  // (not in bonus_by_programme).
  std::map<AccountId, int64_t> share_by_association;
  std::map<std::string, int64_t> share_by_programme;
  std::map<std::string, int64_t> funds_by_programme;  // euro cents received (FundProgramme)

  std::array<PeopleFigures, kReportGroups> people;
  const PeopleFigures& of(ReportGroup g) const { return people[static_cast<size_t>(g)]; }

  // Payments: Transfer and MultiTransfer; a payment with many legs is one payment and its
  // volume is its legs' total.
  int64_t payments = 0;
  int64_t payment_volume = 0;   // minor units
  int64_t circulation_end = 0;  // minor units (accounts and paper) at the month's end
  // payment_volume / circulation_end in hundredths, rounded down (57 = 0,57); 0 when nothing
  // circulates. For the period: the period's volume over the circulation at its end.
  int64_t velocity_hundredths = 0;
};

// Circulation against the reserve after an entry: the points of the report's chart.
struct ReserveSample {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  int64_t circulation = 0;        // minor units (accounts and paper)
  int64_t circulation_euros = 0;  // the same at par, euro cents (rounded up)
  int64_t reserve = 0;            // euro cents (fund and office cash)
  int64_t fund = 0;               // euro cents in the guarantee fund alone (the bank account)
};

struct ReportFigures {
  std::vector<MonthFigures> months;  // every calendar month from the first entry's to the end's
  MonthFigures period;               // the whole period (month = 0)
  std::vector<ReserveSample> samples;
};

// Accumulates the report's figures entry by entry. Samples are thinned to at most
// 2 × kMaxSamples evenly spread points (the first and the last kept), so the chart stays small
// whatever the journal's length.
class ReportBuilder {
 public:
  static constexpr size_t kMaxSamples = 400;

  // The genesis's accounts count as open from the start; its par converts the chart's units.
  explicit ReportBuilder(const Genesis& genesis);

  // Names a programme's budget (ProgrammeId -> name) for the bonus columns; unnamed ones show
  // their id's first hex digits.
  void NameProgramme(const Hash& id, std::string name) { programme_names_[id] = std::move(name); }

  // `totals_after`: the totals once the entry is applied.
  void Add(const AppliedEntry& entry, const Totals& totals_after);

  // The figures of every month from the first entry's to `end_ms`'s (the report's time: the
  // last entry's), and of the whole period.
  ReportFigures Finish(int64_t end_ms) const;

 private:
  struct Tracked {
    ReportGroup group = ReportGroup::kMembers;
    bool counted = false;         // one of the three groups
    uint32_t opened = 0;          // MonthOf the opening; 0 for the genesis's accounts
    int64_t until_ms = 0;         // the membership's end in force (0: none)
    int64_t until_set = 0;        // when it was set
    std::vector<int64_t> lapses;  // the membership ends that passed unrenewed (ms)
  };
  struct MonthState {
    MonthFigures f;
    std::array<std::set<AccountId>, kReportGroups> active;
  };
  // The calendar month of a time in the currency's time zone (CurrencyZone: the genesis's from
  // version 4 on, UTC before): 202611.
  uint32_t MonthOf(int64_t unix_ms) const { return zone_.YearMonthOf(unix_ms); }
  uint32_t LapseMonth(int64_t until_ms) const;
  void Active(MonthState& m, const AccountId& id);
  void Track(const Account& record, int64_t time_ms);

  const Genesis genesis_;
  const TimeZone zone_;
  std::map<uint32_t, MonthState> months_;
  std::map<AccountId, Tracked> accounts_;
  std::map<Hash, std::string> programme_names_;
  std::vector<ReserveSample> samples_;
  ReserveSample last_;
  uint64_t stride_ = 1;
  uint64_t seen_ = 0;
  int64_t first_ms_ = 0;
};

// The month after 202612: 202701.
uint32_t NextYearMonth(uint32_t yyyymm);

}  // namespace liard

#endif  // LIARD_LEDGER_REPORT_H_
