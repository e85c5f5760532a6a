// Rules: the currency's money rules as data — conversion, bonus programmes, reconversion fee,
// backing. Never constants in code: genesis sets them, board decisions will change them.
#ifndef LIARD_LEDGER_RULES_H_
#define LIARD_LEDGER_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/crypto.h"
#include "ledger/status.h"

namespace liard {

// A sponsor-funded bonus at conversion, shaped like GNU Taler's regional cash-in rules: a
// ratio, a rounding mode, a smallest step and a minimum, all data.
// la Roue: ratio 12/10, rounding down, step 1, so 10.00 € -> 12.00 units and 0.01 € -> 0.01.
struct Programme {
  std::string name;     // "agglo-2026": 1 to 32 of a-z 0-9 '-'; names the programme in bodies
  std::string sponsor;  // "Grand Avignon": shown on receipts and reports
  // Units issued per unit at par, bonus included: 12/10 is a 20 % bonus. At least 1/1.
  int64_t ratio_num = 1;
  int64_t ratio_den = 1;
  Rounding rounding = Rounding::kDown;  // of the total; down favours the fund
  int64_t step = 1;                     // the total is a multiple of this many minor units
  int64_t min_euros = 0;                // euro cents; smaller conversions get no bonus
  int64_t starts_ms = 0;                // bonus paid from this Unix time (ms)...
  int64_t ends_ms = 0;                  // ...until before this one; 0 = no end
  // Bonus minor units per member per calendar month (of the currency's time zone from genesis
  // version 4 on, UTC before: CurrencyZone); 0 = none.
  int64_t monthly_cap = 0;
  uint32_t member_kinds = 0;   // KindBit mask of eligible members; 0 = every kind
  int64_t opening_budget = 0;  // euro cents the sponsor put in at genesis
};

struct ConversionRules {
  int64_t min_euros = 1;  // euro cents; a smaller conversion is refused (BELOW_MINIMUM)
  int64_t max_euros = 0;  // euro cents per operation; 0 = no limit
  // Genesis version 3 on (OfficeConversionsGuarded), both enforced:
  // KindBit mask of the kinds an office may convert for; 0 = every kind except exchange
  // offices and the association (kDefaultConvertibleKinds). Never the office itself.
  uint32_t member_kinds = 0;
  // Euro cents one office may hold not yet deposited, after a conversion or a note sale;
  // 0 = no ceiling.
  int64_t office_cash_ceiling = 0;
};

// The kinds an office converts for when the rules name none.
inline constexpr uint32_t kDefaultConvertibleKinds = KindBit(AccountKind::kResident) |
                                                     KindBit(AccountKind::kMerchant) |
                                                     KindBit(AccountKind::kMunicipality);

// Taken by the association on every reconversion, rounded up: in its favour by under a cent.
struct ReconversionRules {
  int64_t fee_num = 0;  // 5/100 for a 5 % fee
  int64_t fee_den = 1;
  int64_t min_units = 1;  // minor units; a smaller reconversion is refused (BELOW_MINIMUM)
};

// Limits people expect, per account kind; 0 means no limit. Amounts in minor units.
struct KindLimits {
  AccountKind kind = AccountKind::kResident;
  int64_t max_payment = 0;  // the largest single payment (a transfer, or one leg)
  // Paid out per day (of the currency's time zone, CurrencyZone), transfers and legs together.
  int64_t daily_outgoing = 0;
  int64_t balance_ceiling = 0;  // no payment or conversion may take a balance above this
};

// The association's share (issue 21): a share of each conversion, in basis points of the units
// the euros buy at par, issued to the association the converting member chose
// (Account::association) and backed in the fund from the budget of a sponsor's programme, as a
// bonus is. 0 basis points: off. docs/money.md, "The association's share".
inline constexpr uint32_t kMaxShareBasisPoints = 1000;  // 10 %
// The kinds of account the share may go to.
inline constexpr uint32_t kShareKinds =
    KindBit(AccountKind::kAssociation) | KindBit(AccountKind::kMerchant);
inline constexpr size_t kMaxShareAssociations = 64;
struct AssociationShare {
  uint32_t basis_points = 0;  // 300 for 3 %; 0 = off; at most kMaxShareBasisPoints
  std::string programme;      // the programme whose budget pays it; required when on
  // The accounts a member may choose: association or merchant accounts (an association that
  // takes the currency is approved as a professional), checked when the rules apply. Kept
  // while the share is off, so that members may choose before it starts.
  std::vector<AccountId> associations;

  bool empty() const { return basis_points == 0 && programme.empty() && associations.empty(); }
  bool Eligible(const AccountId& id) const;
  friend bool operator==(const AssociationShare&, const AssociationShare&) = default;
};

// Optional demurrage (fonte, issue 21): each month, a share of what each holder holds above a
// threshold goes to the association's account, charged by ApplyDemurrage (ledger/ops/
// demurrage.cc) after the month's end. Off unless a board decision sets it, with notice: the
// first month charged begins after the decision. docs/money.md, "Demurrage".
// The bound: 1 % a month. The Leu (Brixton) cut its rate from 5.6 % to 0.82 % a month because
// shopkeepers would not hold it; a ledger should not let a board go past what a shop accepts.
inline constexpr uint32_t kMaxDemurrageBasisPoints = 100;
// The kind of account that may receive it: the association's.
inline constexpr uint32_t kDemurrageKinds = KindBit(AccountKind::kAssociation);
struct Demurrage {
  uint32_t basis_points = 0;  // per calendar month: 82 for 0.82 %; 0 = off; at most 100
  int64_t threshold = 0;      // minor units of each balance spared: only what is above is charged
  AccountId account;          // receives the charges: an association account
  uint32_t first_month = 0;   // 202702 for February 2027: the first month charged

  bool on() const { return basis_points > 0; }
  bool empty() const {
    return basis_points == 0 && threshold == 0 && account.IsZero() && first_month == 0;
  }
  friend bool operator==(const Demurrage&, const Demurrage&) = default;
};
// A month written as year × 100 + month (202701): a valid one, years 2000 to 9999?
bool IsValidYearMonth(uint32_t year_month);

struct Rules {
  // The reserve must hold at least circulation × backing_num / backing_den (at par). 100 %: 1/1.
  int64_t backing_num = 1;
  int64_t backing_den = 1;
  ConversionRules conversion;
  ReconversionRules reconversion;
  std::vector<Programme> programmes;
  std::vector<KindLimits> limits;  // at most one per kind
  // The programme a wallet names in a conversion unless told otherwise; empty: none. Names one
  // of `programmes` (ValidateRules). The ledger never applies it: a conversion's body always
  // names its programme, so the journal says which one paid.
  std::string default_programme;
  AssociationShare share;  // off unless a board decision sets it
  Demurrage demurrage;     // off unless a board decision sets it

  // The limits of `kind` (limits.h checks them), or null when the rules set none.
  const KindLimits* LimitsFor(AccountKind kind) const;
  // The programme named `name`, or null.
  const Programme* FindProgramme(std::string_view name) const;
};

// A programme's id, the owner of its budget account: SHA-256("liard/v1/programme\0" || name).
Hash ProgrammeId(std::string_view name);
bool IsValidProgrammeName(std::string_view name);

// True when the rules set a field that only version 3 ledgers read (conversion.member_kinds,
// conversion.office_cash_ceiling); older ledgers refuse such rules.
bool HasOfficeConversionRules(const Rules& rules);

// Checks rules are coherent (ratios, ranges, unique programme and limit entries); the
// message names what is wrong. Genesis validation and SetRules decisions both use it.
[[nodiscard]] Status ValidateRules(const Rules& rules);

}  // namespace liard

#endif  // LIARD_LEDGER_RULES_H_
