// Property test of the money rules: thousands of random operations of every kind from a
// printed seed; after each, both books balance, the reserve covers circulation, and the units
// issued less the units withdrawn equal the circulation.
#include <catch2/catch.hpp>

#include <random>

#include "ledger/money.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

TEST_CASE("random mixes of every money operation keep both books and the reserve sound",
          "[ledger][money][property]") {
  const uint64_t seed = testing::PropertySeed();
  std::mt19937_64 rng(seed);
  INFO("seed " << seed << " (rerun with LIARD_TEST_SEED=" << seed << ")");

  std::vector<Member> members;
  std::vector<std::string> residents, merchants;
  for (int i = 0; i < 20; ++i) {
    residents.push_back("r" + std::to_string(i));
    members.push_back({residents.back(), AccountKind::kResident, int64_t(rng() % 10'000)});
  }
  for (int i = 0; i < 6; ++i) {
    merchants.push_back("m" + std::to_string(i));
    members.push_back({merchants.back(), AccountKind::kMerchant, int64_t(rng() % 30'000)});
  }
  members.push_back({"office-2", AccountKind::kExchangeOffice, 0});
  const std::vector<std::string> offices = {"office", "office-2"};
  Fixture f(members, 0, [](Genesis* g) {
    Programme a;
    a.name = "agglo";
    a.ratio_num = 12;
    a.ratio_den = 10;
    a.opening_budget = 5'000;  // small, so it runs out during the test
    a.monthly_cap = 1'000;
    Programme b = a;
    b.name = "market";
    b.ratio_num = 3;
    b.ratio_den = 2;
    b.rounding = Rounding::kNearest;
    b.step = 5;
    b.monthly_cap = 0;
    b.member_kinds = KindBit(AccountKind::kResident);
    g->rules.programmes = {a, b};
    g->rules.reconversion = {3, 100, 1};
  });

  auto any = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[rng() % v.size()];
  };
  auto amount = [&](int64_t max) {
    return int64_t(1 + rng() % uint64_t(std::max<int64_t>(max, 1)));
  };
  auto sum_members = [&] {
    int64_t s = 0;
    for (const auto& m : members) s += f.BalanceOf(m.name);
    return s + f.BalanceOf("association") + f.BalanceOf("office");
  };

  int64_t issued = f.Circulation(), withdrawn = 0;
  int64_t now = 1'793'750'400'000;  // November 2026
  std::array<int, 10> accepted{};
  for (int step = 0; step < 4'000; ++step) {
    now += int64_t(rng() % (6 * 3'600'000));  // months go by: caps reset
    const int64_t circulation_before = sum_members();
    const int64_t paper_before = f.Total(Slot::kPaper);
    Operation op;
    switch (rng() % 8) {
      case 0:
      case 1: {
        std::string programme = std::vector<std::string>{"", "agglo", "market"}[rng() % 3];
        const std::string& who = rng() % 4 ? any(residents) : any(merchants);
        op = f.MakeOp(any(offices), Conversion{Fixture::Id(who), Amount(amount(5'000)), programme});
        break;
      }
      case 2: {
        const std::string& from = rng() % 2 ? any(residents) : any(merchants);
        std::string to = any(merchants);
        if (to == from) to = to == merchants[0] ? merchants[1] : merchants[0];
        op = f.TransferOp(from, to, amount(f.BalanceOf(from) + 10));
        break;
      }
      case 3: {
        const std::string& m = any(merchants);
        op = f.MakeOp(m, Reconversion{Amount(amount(f.BalanceOf(m) + 10))});
        break;
      }
      case 4:
        op = f.MakeOp(any(offices), NoteSale{Amount(amount(3'000))});
        break;
      case 5:
        op = f.MakeOp(any(offices), NoteRedemption{Fixture::Id(any(merchants)),
                                                   Amount(amount(paper_before + 10))});
        break;
      case 6: {
        const std::string& o = any(offices);
        op = f.MakeOp("association",
                      Deposit{Fixture::Id(o),
                              Amount(amount(f.Held(Slot::kOfficeCash, Fixture::Id(o)) + 10)), ""});
        break;
      }
      case 7: {
        if (rng() % 3 == 0) {
          op = f.MakeOp("association",
                        FundProgramme{rng() % 2 ? "agglo" : "market", Amount(amount(2'000)), ""});
        } else {
          const std::string& m = any(merchants);
          op = f.MakeOp(
              "association",
              Payout{Fixture::Id(m),
                     Amount(amount(f.Held(Slot::kOwedToMerchant, Fixture::Id(m)) + 10)), ""});
        }
        break;
      }
    }
    Status s = f.SubmitAt(op, now);
    INFO("step " << step << " " << OpTypeName(op.type()) << ": " << s.ToString());
    // Refusals here are lack of funds or cash, never a broken rule.
    if (!s.ok()) {
      REQUIRE(s.code() == Code::kInsufficientFunds);
      REQUIRE(sum_members() == circulation_before);
      continue;
    }
    ++accepted[static_cast<size_t>(op.type())];
    const int64_t members_delta = sum_members() - circulation_before;
    const int64_t paper_delta = f.Total(Slot::kPaper) - paper_before;
    switch (op.type()) {
      case OpType::kConversion:
        REQUIRE(members_delta > 0);
        issued += members_delta;
        break;
      case OpType::kNoteSale:
        REQUIRE(paper_delta > 0);
        issued += paper_delta;
        break;
      case OpType::kReconversion:
        withdrawn += -members_delta;
        break;
      case OpType::kNoteRedemption:
        withdrawn += -paper_delta;
        break;
      default:
        REQUIRE(members_delta == 0);
        REQUIRE(paper_delta == 0);
        break;
    }
    // After every step: a full recount, both books balance, the reserve covers circulation.
    REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
    REQUIRE(f.Reserve() >= f.Circulation());
    REQUIRE(issued - withdrawn == f.Circulation());
    REQUIRE(sum_members() + f.Total(Slot::kPaper) == f.Circulation());
    REQUIRE(-f.Total(Slot::kIssuance) == f.Circulation());
  }
  // The mix really exercised every operation, including budgets running dry.
  for (OpType t :
       {OpType::kConversion, OpType::kTransfer, OpType::kReconversion, OpType::kNoteSale,
        OpType::kNoteRedemption, OpType::kDeposit, OpType::kPayout, OpType::kFundProgramme})
    CHECK(accepted[static_cast<size_t>(t)] > 10);
}

}  // namespace
}  // namespace liard
