// The per-kind limits, in one place: see limits.h.
#include "ledger/limits.h"

#include <algorithm>

#include "ledger/amount.h"
#include "ledger/money.h"

namespace liard {

std::string UnitsFormat::operator()(int64_t minor) const {
  return FormatAmount(Amount(minor), decimals, currency_code);
}

Status CheckMaxPayment(const KindLimits* limits, int64_t amount, const UnitsFormat& format) {
  if (limits != nullptr && limits->max_payment > 0 && amount > limits->max_payment)
    return Status(Code::kAboveMaximum,
                  "the largest single payment is " + format(limits->max_payment))
        .With("maximum_units", limits->max_payment);
  return Status::Ok();
}

Status ChargeDailyOutgoing(const KindLimits* limits, const StateView& state, const AccountId& payer,
                           int64_t now_ms, const TimeZone& zone, int64_t total,
                           const UnitsFormat& format, Delta* delta) {
  if (limits == nullptr || limits->daily_outgoing <= 0) return Status::Ok();
  const BookKey tally = DailyOutTallyKey(payer, now_ms, zone);
  const int64_t spent = state.Balance(tally);
  if (total > limits->daily_outgoing - spent) {
    const int64_t reached = spent + std::min(total, INT64_MAX - spent);
    return Status(Code::kDailyLimit, "today's payments would reach " + format(reached) +
                                         ", above the daily limit of " +
                                         format(limits->daily_outgoing))
        .With("reached_units", reached)
        .With("limit_units", limits->daily_outgoing);
  }
  delta->postings.push_back({tally, total});
  return Status::Ok();
}

Status CheckBalanceCeiling(const Rules& rules, const Account& account, int64_t balance_after,
                           const UnitsFormat& format) {
  const KindLimits* l = rules.LimitsFor(account.kind);
  if (l != nullptr && l->balance_ceiling > 0 && balance_after > l->balance_ceiling)
    return Status(Code::kBalanceCeiling, "the balance of the account '" + account.name +
                                             "' would pass the " +
                                             std::string(KindName(account.kind)) + " ceiling of " +
                                             format(l->balance_ceiling))
        .With("ceiling_units", l->balance_ceiling);
  return Status::Ok();
}

}  // namespace liard
