// Invariants: small checks run after every apply, on the state the delta would leave.
#ifndef LIARD_LEDGER_INVARIANTS_H_
#define LIARD_LEDGER_INVARIANTS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/state.h"

namespace liard {

// One property of the books that no operation may break. A failure refuses the operation;
// since its delta is then never applied, the state stays as it was.
class Invariant {
 public:
  virtual ~Invariant() = default;
  virtual std::string_view name() const = 0;
  // `after` is ComputeEffects(before, delta).
  [[nodiscard]] virtual Status Check(const StateView& before, const Delta& delta,
                                     const Effects& after) const = 0;
};

// Each book's postings sum to zero, and so do its totals: nothing is created or lost.
class BooksBalanced final : public Invariant {
 public:
  std::string_view name() const override { return "books-balanced"; }
  Status Check(const StateView&, const Delta&, const Effects&) const override;
};

// The issuance account is minus the circulation (member accounts plus paper), exactly.
class IssuanceMatchesCirculation final : public Invariant {
 public:
  std::string_view name() const override { return "issuance-matches-circulation"; }
  Status Check(const StateView&, const Delta&, const Effects&) const override;
};

// Member accounts, paper, the fund, office cash, budgets, income and merchants' claims never go
// negative; issuance never goes positive.
class NoForbiddenSign final : public Invariant {
 public:
  std::string_view name() const override { return "no-forbidden-sign"; }
  Status Check(const StateView&, const Delta&, const Effects&) const override;
};

// The guarantee fund plus office cash awaiting deposit covers the circulation at par times the
// backing ratio. Compared exactly in 128-bit integers: no rounding to argue about.
// The backing ratio is the rules' in force after the delta (a board decision may change it).
class ReserveCovered final : public Invariant {
 public:
  ReserveCovered(int64_t par_num, int64_t par_den) : par_num_(par_num), par_den_(par_den) {}
  std::string_view name() const override { return "reserve-covered"; }
  Status Check(const StateView&, const Delta&, const Effects&) const override;

 private:
  int64_t par_num_, par_den_;
};

// No member account that the delta credits ends above its kind's balance ceiling (rules'
// limits, checked by CheckBalanceCeiling in limits.h). An account already above a ceiling the
// board lowered may still spend.
// Its refusal names the account and the ceiling (public rules), never the balance: the signer
// is not the account credited and may not read it.
class BalanceCeiling final : public Invariant {
 public:
  BalanceCeiling(int decimals, std::string currency_code)
      : decimals_(decimals), currency_code_(std::move(currency_code)) {}
  std::string_view name() const override { return "balance-ceiling"; }
  Status Check(const StateView&, const Delta&, const Effects&) const override;

 private:
  int decimals_;
  std::string currency_code_;
};

// The invariants of a ledger with this genesis, in the order they are checked.
std::vector<std::unique_ptr<Invariant>> MakeInvariants(const Genesis& genesis);

// Checks a whole state from scratch (every account summed again), for tests and audits:
// `balances` lists every non-zero book account. Compares the sums with state.totals().
[[nodiscard]] Status CheckTotals(const std::vector<std::pair<BookKey, int64_t>>& balances,
                                 const Totals& totals);

}  // namespace liard

#endif  // LIARD_LEDGER_INVARIANTS_H_
