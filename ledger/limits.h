// Limits: the rules' per-kind limits ([[limits]]: the largest single payment, what may be paid
// out per day of the currency's time zone, the balance ceiling), each checked here and nowhere
// else. 0 means no limit. The operations (ledger/ops/) call the payment limits; the balance-ceiling
// invariant calls the ceiling. A refusal names the limit (public rules), never another account's
// balance.
#ifndef LIARD_LEDGER_LIMITS_H_
#define LIARD_LEDGER_LIMITS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/civil_time.h"
#include "ledger/rules.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

// How a refusal writes an amount of units: the ledger's decimals and currency code.
struct UnitsFormat {
  int decimals = 2;
  std::string_view currency_code;
  std::string operator()(int64_t minor) const;
};

// The largest single payment (a transfer, or one leg of a multi-transfer): kAboveMaximum.
// `limits` may be null (no limits for the kind).
[[nodiscard]] Status CheckMaxPayment(const KindLimits* limits, int64_t amount,
                                     const UnitsFormat& format);

// The daily outgoing limit of `payer` for paying `total` more on the day of `now_ms` in `zone`
// (CurrencyZone: the currency's from genesis version 4 on, UTC before): kDailyLimit when
// today's tally would pass it; otherwise, when the kind has a daily limit, appends the tally's
// posting (+total) to `delta`. `limits` may be null.
[[nodiscard]] Status ChargeDailyOutgoing(const KindLimits* limits, const StateView& state,
                                         const AccountId& payer, int64_t now_ms,
                                         const TimeZone& zone, int64_t total,
                                         const UnitsFormat& format, Delta* delta);

// The balance ceiling of `account`'s kind under `rules`, for a balance it would end with after
// a credit: kBalanceCeiling. An account already above a ceiling the board lowered may still
// spend: only credited accounts are checked (by the invariant).
[[nodiscard]] Status CheckBalanceCeiling(const Rules& rules, const Account& account,
                                         int64_t balance_after, const UnitsFormat& format);

}  // namespace liard

#endif  // LIARD_LEDGER_LIMITS_H_
