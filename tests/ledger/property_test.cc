// Property test: thousands of random transfers from a printed seed; after each one every
// invariant holds and the total supply never changes.
#include <catch2/catch.hpp>

#include <random>

#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

TEST_CASE("10,000 random transfers among 100 accounts keep every invariant", "[ledger][property]") {
  const uint64_t seed = testing::PropertySeed();
  std::mt19937_64 rng(seed);
  INFO("seed " << seed << " (rerun with LIARD_TEST_SEED=" << seed << ")");
  std::vector<Member> members;
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    names.push_back("m" + std::to_string(i));
    AccountKind kind = i % 10 == 0 ? AccountKind::kMerchant : AccountKind::kResident;
    members.push_back(Member{names.back(), kind, static_cast<int64_t>(rng() % 50'000)});
  }
  Fixture f(members);
  const Totals initial = f.state().totals();
  const int64_t supply = -initial[static_cast<size_t>(Slot::kIssuance)];

  int accepted = 0, insufficient = 0;
  for (int step = 0; step < 10'000; ++step) {
    const std::string& from = names[rng() % names.size()];
    std::string to = names[rng() % names.size()];
    if (to == from) to = names[(&from - names.data() + 1) % names.size()];
    int64_t balance = f.BalanceOf(from);
    // Mostly affordable amounts, sometimes the exact balance, sometimes one cent too many.
    int64_t amount;
    switch (rng() % 8) {
      case 0:
        amount = balance;
        break;
      case 1:
        amount = balance + 1;
        break;
      default:
        amount = 1 + static_cast<int64_t>(rng() % (balance / 2 + 1));
        break;
    }
    const int64_t from_before = balance, to_before = f.BalanceOf(to);
    Status s = f.Submit(f.TransferOp(from, to, amount));
    INFO("step " << step << ": " << from << " -> " << to << " " << amount << ": " << s.ToString());
    if (amount <= from_before && amount > 0) {
      REQUIRE(s.ok());
      ++accepted;
      REQUIRE(f.BalanceOf(from) == from_before - amount);
      REQUIRE(f.BalanceOf(to) == to_before + amount);
    } else {
      REQUIRE(s.code() == (amount <= 0 ? Code::kAmountNotPositive : Code::kInsufficientFunds));
      ++insufficient;
      REQUIRE(f.BalanceOf(from) == from_before);
    }
    // The totals never change under transfers: nothing is created or lost.
    REQUIRE(f.state().totals() == initial);
    if (step % 500 == 0) REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  }
  // A full recount at the end: the sum of all member balances is still the supply.
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  int64_t sum = 0;
  for (const auto& n : names) {
    REQUIRE(f.BalanceOf(n) >= 0);
    sum += f.BalanceOf(n);
  }
  CHECK(sum == supply);
  CHECK(accepted > 5'000);
  CHECK(insufficient > 500);
}

}  // namespace
}  // namespace liard
