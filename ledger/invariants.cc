// Invariant checks: cheap, because they look only at what a delta touches and at the totals.
#include "ledger/invariants.h"

#include <algorithm>
#include <string>

#include "ledger/amount.h"
#include "ledger/limits.h"

namespace liard {
namespace {

int64_t Total(const Totals& t, Slot s) { return t[static_cast<size_t>(s)]; }

}  // namespace

Status BooksBalanced::Check(const StateView&, const Delta& delta, const Effects& after) const {
  // The tally book counts, it does not balance: only units and euros are summed.
  __int128 units = 0, euro = 0;
  for (const auto& p : delta.postings) {
    if (BookOf(p.key.slot) == Book::kUnits) units += p.amount;
    if (BookOf(p.key.slot) == Book::kEuro) euro += p.amount;
  }
  if (units != 0)
    return Status(Code::kUnitsUnbalanced, "the operation's units postings do not sum to zero");
  if (euro != 0)
    return Status(Code::kEuroUnbalanced, "the operation's euro postings do not sum to zero");
  units = euro = 0;
  for (Slot s : kAllSlots) {
    if (BookOf(s) == Book::kUnits) units += Total(after.totals_after, s);
    if (BookOf(s) == Book::kEuro) euro += Total(after.totals_after, s);
  }
  if (units != 0) return Status(Code::kUnitsUnbalanced, "the units book does not sum to zero");
  if (euro != 0) return Status(Code::kEuroUnbalanced, "the euro book does not sum to zero");
  return Status::Ok();
}

Status IssuanceMatchesCirculation::Check(const StateView&, const Delta&,
                                         const Effects& after) const {
  const Totals& t = after.totals_after;
  __int128 circulation = CirculationOf(t);
  if (Total(t, Slot::kIssuance) != -circulation)
    return Status(Code::kIssuanceMismatch,
                  "the issuance account would not equal minus the units in circulation");
  return Status::Ok();
}

Status NoForbiddenSign::Check(const StateView&, const Delta&, const Effects& after) const {
  for (const auto& [key, balance] : after.balances_after) {
    int sign = RequiredSign(key.slot);
    if ((sign > 0 && balance < 0) || (sign < 0 && balance > 0))
      return Status(Code::kNegativeBalance, "the " + std::string(SlotName(key.slot)) +
                                                " account would go " +
                                                (sign > 0 ? "negative" : "positive"));
  }
  return Status::Ok();
}

Status ReserveCovered::Check(const StateView& before, const Delta& delta,
                             const Effects& after) const {
  const Rules& rules = delta.governance ? delta.governance->rules : before.governance().rules;
  const int64_t backing_num_ = rules.backing_num, backing_den_ = rules.backing_den;
  const Totals& t = after.totals_after;
  __int128 circulation = CirculationOf(t);
  __int128 reserve = static_cast<__int128>(Total(t, Slot::kFund)) + Total(t, Slot::kOfficeCash);
  // reserve / (par_den * backing_den) >= circulation * par_num * backing_num, cross-multiplied.
  // Genesis validation bounds the ratios so that these products fit in 128 bits.
  if (reserve * par_den_ * backing_den_ < circulation * par_num_ * backing_num_) {
    Status s(Code::kReserveShort,
             "the guarantee fund would no longer cover the units in circulation");
    if (reserve >= INT64_MIN && reserve <= INT64_MAX && circulation >= INT64_MIN &&
        circulation <= INT64_MAX)
      s.With("reserve_cents", static_cast<int64_t>(reserve))
          .With("circulation_units", static_cast<int64_t>(circulation));
    return s;
  }
  return Status::Ok();
}

std::vector<std::unique_ptr<Invariant>> MakeInvariants(const Genesis& genesis) {
  std::vector<std::unique_ptr<Invariant>> v;
  v.push_back(std::make_unique<BooksBalanced>());
  v.push_back(std::make_unique<IssuanceMatchesCirculation>());
  v.push_back(std::make_unique<NoForbiddenSign>());
  v.push_back(std::make_unique<ReserveCovered>(genesis.par_num, genesis.par_den));
  v.push_back(
      std::make_unique<BalanceCeiling>(static_cast<int>(genesis.decimals), genesis.currency_code));
  return v;
}

Status BalanceCeiling::Check(const StateView& before, const Delta& delta,
                             const Effects& after) const {
  const Rules& rules = delta.governance ? delta.governance->rules : before.governance().rules;
  if (rules.limits.empty()) return Status::Ok();
  std::vector<BookKey> credited;
  for (const auto& p : delta.postings)
    if (p.key.slot == Slot::kMember && p.amount > 0) credited.push_back(p.key);
  std::sort(credited.begin(), credited.end());
  for (const auto& [key, balance] : after.balances_after) {
    if (key.slot != Slot::kMember) continue;
    if (!std::binary_search(credited.begin(), credited.end(), key)) continue;
    const Account* account = before.FindAccount(key.owner);
    for (const auto& a : delta.accounts)
      if (a.id == key.owner) account = &a;
    if (account == nullptr) continue;
    Status s =
        CheckBalanceCeiling(rules, *account, balance, UnitsFormat{decimals_, currency_code_});
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status CheckTotals(const std::vector<std::pair<BookKey, int64_t>>& balances, const Totals& totals) {
  std::array<__int128, kSlotCount> sums{};
  for (const auto& [key, balance] : balances) {
    int sign = RequiredSign(key.slot);
    if ((sign > 0 && balance < 0) || (sign < 0 && balance > 0))
      return Status(Code::kNegativeBalance,
                    "a " + std::string(SlotName(key.slot)) + " account has a forbidden sign");
    sums[static_cast<size_t>(key.slot)] += balance;
  }
  for (Slot s : kAllSlots)
    if (sums[static_cast<size_t>(s)] != Total(totals, s))
      return Status(Code::kCorruption, "the " + std::string(SlotName(s)) +
                                           " total differs from the sum of its accounts");
  __int128 units = 0, euro = 0;
  for (Slot s : kAllSlots) {
    if (BookOf(s) == Book::kUnits) units += Total(totals, s);
    if (BookOf(s) == Book::kEuro) euro += Total(totals, s);
  }
  if (units != 0) return Status(Code::kUnitsUnbalanced, "the units book does not sum to zero");
  if (euro != 0) return Status(Code::kEuroUnbalanced, "the euro book does not sum to zero");
  return Status::Ok();
}

}  // namespace liard
