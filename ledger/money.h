// Money: the arithmetic of conversion (with a programme's bonus) and reconversion (with its
// fee), as pure functions that Apply uses and that wallets call to show a quote first.
#ifndef LIARD_LEDGER_MONEY_H_
#define LIARD_LEDGER_MONEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

struct ConversionQuote {
  int64_t euros = 0;         // euro cents handed in
  int64_t units_at_par = 0;  // floor(euros × par_den / par_num): the units the euros back
  int64_t bonus_due = 0;     // the bonus the programme's ratio gives
  int64_t bonus_paid = 0;    // after the budget, the monthly cap, the dates and eligibility
  int64_t bonus_euros = 0;   // euro cents moved from the budget to the fund to back bonus_paid
  int64_t units() const { return units_at_par + bonus_paid; }
  std::string note;  // why bonus_paid < bonus_due, when it is; empty otherwise
};

// The quote for converting `euros` for `member` under `programme` (empty: none) at `now_ms`,
// under the rules in force in `state`.
// Refuses (kBelowMinimum, kAboveMaximum, kUnknownProgramme, kBalanceOverflow) what Apply
// refuses; a bonus that cannot be paid in full is not a refusal but a smaller bonus and a note.
[[nodiscard]] Status QuoteConversion(const Genesis& genesis, const StateView& state,
                                     const Account& member, int64_t euros,
                                     std::string_view programme, int64_t now_ms,
                                     ConversionQuote* out);

struct ReconversionQuote {
  int64_t units = 0;  // minor units withdrawn from circulation
  int64_t euros = 0;  // floor(units × par_num / par_den): what leaves the fund
  int64_t fee = 0;    // ceil(euros × fee_num / fee_den): to the association's income
  int64_t owed = 0;   // euros - fee: owed to the merchant until paid out
};

[[nodiscard]] Status QuoteReconversion(const Genesis& genesis, const Rules& rules, int64_t units,
                                       ReconversionQuote* out);

// Euro cents that back `units` at par, and the units that `euros` back, rounded as asked.
[[nodiscard]] Status UnitsToEuros(const Genesis& genesis, int64_t units, Rounding rounding,
                                  int64_t* euros);
[[nodiscard]] Status EurosToUnits(const Genesis& genesis, int64_t euros, Rounding rounding,
                                  int64_t* units);

// The guarantee fund against the circulation, from the totals: what the node reports, the
// treasurer reads and the auditor recomputes.
struct ReserveReport {
  int64_t circulation_accounts = 0;  // minor units in member accounts
  int64_t circulation_paper = 0;     // minor units as paper notes
  int64_t circulation = 0;           // the two together
  int64_t fund = 0;                  // euro cents in the guarantee fund
  int64_t office_cash = 0;           // euro cents at exchange offices awaiting deposit
  int64_t owed_to_merchants = 0;
  int64_t sponsor_budgets = 0;
  int64_t income = 0;
  // ceil(circulation × par × backing): the euro cents the rules require.
  int64_t required = 0;
  // fund / required in 1/100 %, rounded down; 0 when nothing circulates. The fund at the bank
  // alone: cash an office says it holds is a promise until deposited.
  uint32_t coverage_basis_points = 0;
  // office cash / required in 1/100 %, rounded down: the part of the reserve at risk with the
  // offices. The invariant (fund + office cash >= required) still counts it.
  uint32_t office_cash_basis_points = 0;
};
ReserveReport ComputeReserves(const Genesis& genesis, const Rules& rules, const Totals& totals);

// The tally account of bonus paid by a programme to a member in a calendar month of `zone`
// (CurrencyZone: the genesis's time zone from version 4 on, UTC before):
// SHA-256("liard/v1/tally\0" || programme id || member id || u32be(yyyymm)).
BookKey BonusTallyKey(const Hash& programme_id, const AccountId& member, int64_t now_ms,
                      const TimeZone& zone);
// 202611 for a time in November 2026 (UTC).
uint32_t YearMonth(int64_t unix_ms);

// The tally account of units `member` paid out on the day of `now_ms` in `zone` (CurrencyZone):
// owner SHA-256("liard/v1/daily\0" || member id || u32be(days since 1970-01-01)).
BookKey DailyOutTallyKey(const AccountId& member, int64_t now_ms, const TimeZone& zone);

// The tally account of what is still refundable of the payment `original` (an operation id) that
// `payer` made to `payee`: owner SHA-256("liard/v1/refundable\0" || original || payer || payee).
BookKey RefundableKey(const Hash& original, const AccountId& payer, const AccountId& payee);

// Whether a transfer to `payee` (paying a payment request or not) may later be refunded by the
// payee: a payment of a payment request, and from genesis version 5 any payment to a merchant, a
// municipality or the association (an account's kind never changes, so this is the same when
// the payment is made and when it is refunded). Conversions and legs of a multi-transfer never.
bool RefundablePayment(const Genesis& genesis, const StateView& state, const AccountId& payee,
                       bool pays_request);

// The tally account of what the staff key `key` refunded on the day of `now_ms` in `zone`
// (CurrencyZone): owner SHA-256("liard/v1/staff-refund\0" || key || u32be(days since 1970-01-01)).
BookKey StaffRefundDayKey(const PublicKey& key, int64_t now_ms, const TimeZone& zone);

}  // namespace liard

#endif  // LIARD_LEDGER_MONEY_H_
