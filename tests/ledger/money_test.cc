// Money rules: conversion with a sponsor-funded bonus, paper notes, deposits, reconversion with
// a fee, payouts and programme funding, with the worked numbers of domain.md.
#include <catch2/catch.hpp>

#include "ledger/money.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kNov2026 = 1'793'750'400'000;  // 2026-11-03T00:00:00Z
constexpr int64_t kDay = 86'400'000;

// la Roue (Grand Avignon): 10 € = 12 Roues, bonus rounded down, funded by the agglomeration.
Programme Agglo(int64_t budget = 100'000) {
  Programme p;
  p.name = "agglo-2026";
  p.sponsor = "Grand Avignon";
  p.ratio_num = 12;
  p.ratio_den = 10;
  p.rounding = Rounding::kDown;
  p.opening_budget = budget;
  return p;
}

Fixture Roue(std::vector<Programme> programmes = {Agglo()},
             const std::function<void(Genesis*)>& more = nullptr) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 0}, Member{"bob", AccountKind::kResident, 5'000},
       Member{"shop", AccountKind::kMerchant, 20'000},
       Member{"office-2", AccountKind::kExchangeOffice, 0},
       Member{"mairie", AccountKind::kMunicipality, 0}},
      0, [&](Genesis* g) {
        g->rules.programmes = programmes;
        g->rules.reconversion = {5, 100, 1};
        if (more) more(g);
      });
}

Operation Convert(const Fixture& f, std::string_view member, int64_t euros,
                  std::string programme = "agglo-2026", std::string_view office = "office") {
  return f.MakeOp(office, Conversion{Fixture::Id(member), Amount(euros), std::move(programme)});
}

BookKey Budget(std::string_view programme) {
  return BookKey{Slot::kSponsorBudget, ProgrammeId(programme)};
}

// Both books balance, no forbidden sign, and the reserve covers circulation: checked from a
// full recount, not from the totals the ledger maintains.
void RequireBooksSound(const Fixture& f) {
  REQUIRE(CheckTotals(const_cast<Fixture&>(f).state().NonZeroBalances(),
                      const_cast<Fixture&>(f).state().totals())
              .ok());
  REQUIRE(f.Reserve() >= f.Circulation());
  REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
}

TEST_CASE("la Roue: converting 10.00 euros gives 12.00 units backed by 12.00 euros",
          "[ledger][money][conversion]") {
  Fixture f = Roue();
  const int64_t reserve = f.Reserve(), circulation = f.Circulation();
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.Circulation() - circulation == 1'200);
  CHECK(f.Reserve() - reserve == 1'200);                             // fund + office cash
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 1'000);  // the resident's euros
  CHECK(f.Total(Slot::kFund) - 20'000 - 5'000 == 200);               // the bonus, from the budget
  CHECK(f.state().Balance(Budget("agglo-2026")) == 100'000 - 200);
  CHECK(f.last_note() == "converted 10.00 EUR into 12.00 ROUE (bonus 2.00 ROUE)");
  RequireBooksSound(f);
}

TEST_CASE("la Roue: 10.05 euros gives 12.06 units and 0.01 euro gives 0.01",
          "[ledger][money][conversion]") {
  Fixture f = Roue();
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'005), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'206);
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 1), kNov2026));
  CHECK(f.BalanceOf("bob") == 5'001);  // the bonus of 0.002 rounds down to nothing
  CHECK(f.state().Balance(Budget("agglo-2026")) == 100'000 - 201);
  RequireBooksSound(f);
}

TEST_CASE("a budget that runs out mid-conversion pays what it covers and says so",
          "[ledger][money][bonus]") {
  Fixture f = Roue({Agglo(/*budget=*/150)});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'150);  // 10.00 at par + 1.50 of the 2.00 bonus
  CHECK(f.state().Balance(Budget("agglo-2026")) == 0);
  CHECK(f.last_note().find("covered only 1.50 ROUE of the 2.00 ROUE bonus") != std::string::npos);
  // With the budget spent, conversion goes on at par: never an unbacked bonus.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 2'150);
  RequireBooksSound(f);
}

TEST_CASE("the monthly cap limits each member's bonus per calendar month",
          "[ledger][money][bonus]") {
  Programme p = Agglo();
  p.monthly_cap = 500;  // 5.00 units of bonus a month
  Fixture f = Roue({p});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));         // bonus 2.00
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 + kDay));  // bonus 2.00
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 + 2 * kDay));
  CHECK(f.BalanceOf("alice") == 3'000 + 500);  // the third got only 1.00
  CHECK(f.last_note().find("monthly bonus cap of 5.00 ROUE") != std::string::npos);
  // Another member is not affected by alice's cap.
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 1'000), kNov2026));
  CHECK(f.BalanceOf("bob") == 5'000 + 1'200);
  // December: a new month, a new cap.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 + 30 * kDay));
  CHECK(f.BalanceOf("alice") == 3'500 + 1'200);
  RequireBooksSound(f);
}

TEST_CASE("the office's note says the monthly cap was reached, not how much the member used",
          "[ledger][money][bonus][privacy]") {
  Programme p = Agglo();
  p.monthly_cap = 500;
  Fixture f = Roue({p});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));  // bonus 2.00 of the 5.00
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 2'000), kNov2026));  // 4.00 due, 3.00 left
  CHECK(f.BalanceOf("alice") == 1'200 + 2'300);
  CHECK(f.last_note() ==
        "converted 20.00 EUR into 23.00 ROUE (bonus 3.00 ROUE): the monthly bonus cap of 5.00 "
        "ROUE is reached");
  RequireBooksSound(f);
}

TEST_CASE("a programme pays nothing before its start and from its end", "[ledger][money][bonus]") {
  Programme p = Agglo();
  p.starts_ms = kNov2026;
  p.ends_ms = kNov2026 + 10 * kDay;
  Fixture f = Roue({p});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 - 1));
  CHECK(f.BalanceOf("alice") == 1'000);
  CHECK(f.last_note().find("has not started") != std::string::npos);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 2'200);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 + 10 * kDay - 1));
  CHECK(f.BalanceOf("alice") == 3'400);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026 + 10 * kDay));
  CHECK(f.BalanceOf("alice") == 4'400);
  CHECK(f.last_note().find("has ended") != std::string::npos);
  RequireBooksSound(f);
}

TEST_CASE("a programme for residents pays no bonus to a merchant converting",
          "[ledger][money][bonus]") {
  Programme p = Agglo();
  p.member_kinds = KindBit(AccountKind::kResident);
  Fixture f = Roue({p});
  REQUIRE_OK(f.SubmitAt(Convert(f, "shop", 1'000), kNov2026));
  CHECK(f.BalanceOf("shop") == 20'000 + 1'000);
  CHECK(f.last_note().find("not open to merchant") != std::string::npos);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'200);
}

TEST_CASE("a programme's minimum, step and rounding mode are applied as stated",
          "[ledger][money][bonus]") {
  Programme down = Agglo();
  down.name = "step-down";
  down.step = 100;  // whole units only
  down.min_euros = 500;
  Programme up = down;
  up.name = "step-up";
  up.rounding = Rounding::kUp;
  Programme nearest = down;
  nearest.name = "nearest";
  nearest.step = 1;
  nearest.ratio_num = 3;  // +50 %
  nearest.ratio_den = 2;
  nearest.rounding = Rounding::kNearest;
  Fixture f = Roue({down, up, nearest});
  // 10.05 € -> 12.06 total -> 12.00 (down to a whole unit): bonus 1.95.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'005, "step-down"), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'200);
  // Up: 13.00, bonus 2.95.
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 1'005, "step-up"), kNov2026));
  CHECK(f.BalanceOf("bob") == 5'000 + 1'300);
  // Below the programme's 5.00 € minimum: at par, with a note.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 499, "step-up"), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'200 + 499);
  CHECK(f.last_note().find("pays a bonus from 5.00 EUR") != std::string::npos);
  // Nearest at +50 %: 0.01 € -> 0.015 -> 0.02 (a half goes up).
  REQUIRE_OK(f.SubmitAt(Convert(f, "shop", 1, "nearest"), kNov2026));
  CHECK(f.BalanceOf("shop") == 20'001);  // below the 5.00 € minimum: at par, no bonus
  REQUIRE_OK(f.SubmitAt(Convert(f, "shop", 501, "nearest"), kNov2026));
  CHECK(f.BalanceOf("shop") == 20'001 + 752);  // 7.515 -> 7.52
  RequireBooksSound(f);
}

TEST_CASE("two programmes coexist, each with its own budget", "[ledger][money][bonus]") {
  Programme market = Agglo(/*budget=*/1'000);
  market.name = "marche-bio";
  market.sponsor = "Ville d'Avignon";
  market.ratio_num = 11;  // +10 %
  Fixture f = Roue({Agglo(), market});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000, "marche-bio"), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'100);
  CHECK(f.state().Balance(Budget("marche-bio")) == 900);
  CHECK(f.state().Balance(Budget("agglo-2026")) == 100'000);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000, ""), kNov2026));  // no programme: at par
  CHECK(f.BalanceOf("alice") == 2'100);
  CHECK(f.SubmitAt(Convert(f, "alice", 1'000, "nowhere"), kNov2026).code() ==
        Code::kUnknownProgramme);
  RequireBooksSound(f);
}

TEST_CASE("a conversion must be signed by a known exchange office", "[ledger][money][conversion]") {
  Fixture f = Roue();
  CHECK(f.SubmitAt(Convert(f, "alice", 1'000, "agglo-2026", "bob"), kNov2026).code() ==
        Code::kNotPermitted);
  CHECK(f.SubmitAt(Convert(f, "alice", 1'000, "agglo-2026", "shop"), kNov2026).code() ==
        Code::kNotPermitted);
  f.Remember("fake-office");
  CHECK(f.SubmitAt(Convert(f, "alice", 1'000, "agglo-2026", "fake-office"), kNov2026).code() ==
        Code::kUnknownAccount);
  CHECK(f.SubmitAt(Convert(f, "nobody", 1'000), kNov2026).code() == Code::kUnknownDestination);
  CHECK(f.SubmitAt(Convert(f, "alice", 0), kNov2026).code() == Code::kAmountNotPositive);
  CHECK(f.SubmitAt(Convert(f, "alice", 100, "Bad Name"), kNov2026).code() ==
        Code::kBadProgrammeName);
  CHECK(f.BalanceOf("alice") == 0);
  // A second office may convert too, and its cash is its own.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000, "", "office-2"), kNov2026));
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office-2")) == 1'000);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 0);
}

TEST_CASE("conversion limits from the rules are enforced", "[ledger][money][conversion]") {
  Fixture f = Roue({Agglo()}, [](Genesis* g) { g->rules.conversion = {500, 50'000}; });
  CHECK(f.SubmitAt(Convert(f, "alice", 499), kNov2026).code() == Code::kBelowMinimum);
  CHECK(f.SubmitAt(Convert(f, "alice", 50'001), kNov2026).code() == Code::kAboveMaximum);
  CHECK(f.SubmitAt(Convert(f, "alice", 50'000), kNov2026).ok());
}

TEST_CASE("a merchant reconverts 100.00 units at 5 % and is owed 95.00 euros",
          "[ledger][money][reconversion]") {
  Fixture f = Roue();
  const int64_t fund = f.Total(Slot::kFund), circulation = f.Circulation();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(10'000)})));
  CHECK(f.BalanceOf("shop") == 10'000);
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 9'500);
  CHECK(f.Total(Slot::kIncome) == 500);
  CHECK(f.Circulation() == circulation - 10'000);
  CHECK(f.Total(Slot::kFund) == fund - 10'000);
  CHECK(f.Reserve() == f.Circulation());  // still equal to the cent
  CHECK(f.last_note() == "reconverted 100.00 ROUE: 95.00 EUR owed, fee 5.00 EUR");
  RequireBooksSound(f);
}

TEST_CASE("the reconversion fee rounds up, by less than one cent",
          "[ledger][money][reconversion]") {
  Fixture f = Roue();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(99)})));  // 4.95 cents -> 5
  CHECK(f.Total(Slot::kIncome) == 5);
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 94);
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(1)})));  // 0.05 cent -> 1
  CHECK(f.Total(Slot::kIncome) == 6);
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 94);
  ReconversionQuote q;
  REQUIRE(QuoteReconversion(f.genesis(), f.genesis().rules, 2'000, &q)
              .ok());  // exact: no rounding at all
  CHECK(q.fee == 100);
  CHECK(q.owed == 1'900);
  RequireBooksSound(f);
}

TEST_CASE("only merchants reconvert, and never more than they hold",
          "[ledger][money][reconversion]") {
  Fixture f = Roue();
  CHECK(f.Submit(f.MakeOp("bob", Reconversion{Amount(100)})).code() == Code::kNotPermitted);
  CHECK(f.Submit(f.MakeOp("mairie", Reconversion{Amount(100)})).code() == Code::kNotPermitted);
  CHECK(f.Submit(f.MakeOp("shop", Reconversion{Amount(20'001)})).code() ==
        Code::kInsufficientFunds);
  CHECK(f.Submit(f.MakeOp("shop", Reconversion{Amount(0)})).code() == Code::kAmountNotPositive);
  CHECK(f.BalanceOf("shop") == 20'000);
  CHECK(f.BalanceOf("bob") == 5'000);
}

TEST_CASE("an operation that would leave the fund short is refused", "[ledger][money][reserve]") {
  // 110 % backing: the opening fund holds 30,000 cents for 25,000 units, a margin of 2,500
  // over the 27,500 required. A conversion at par brings 1.00 € per unit where the rule needs
  // 1.10 €: it eats 0.10 € of margin per unit, until none is left.
  Fixture f = Roue({}, [](Genesis* g) {
    g->rules.backing_num = 11;
    g->rules.backing_den = 10;
    g->opening_fund = Amount(30'000);
  });
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 25'000, ""), kNov2026));  // margin: 2,500 -> 0
  Status s = f.SubmitAt(Convert(f, "alice", 100, ""), kNov2026);
  CHECK(s.code() == Code::kReserveShort);
  CHECK(f.BalanceOf("alice") == 25'000);
}

TEST_CASE("paper notes sold and redeemed are covered like accounts", "[ledger][money][paper]") {
  Fixture f = Roue();
  const int64_t circulation = f.Circulation();
  REQUIRE_OK(f.Submit(f.MakeOp("office", NoteSale{Amount(5'000)})));
  CHECK(f.Total(Slot::kPaper) == 5'000);
  CHECK(f.Circulation() == circulation + 5'000);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 5'000);
  RequireBooksSound(f);
  // The shop brings 20.00 of notes back to the office to reconvert them.
  REQUIRE_OK(f.Submit(f.MakeOp("office", NoteRedemption{Fixture::Id("shop"), Amount(2'000)})));
  CHECK(f.Total(Slot::kPaper) == 3'000);
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 1'900);
  CHECK(f.Total(Slot::kIncome) == 100);
  CHECK(f.BalanceOf("shop") == 20'000);  // the notes were not in its account
  RequireBooksSound(f);
  CHECK(f.Submit(f.MakeOp("office", NoteRedemption{Fixture::Id("shop"), Amount(3'001)})).code() ==
        Code::kInsufficientFunds);
  CHECK(f.Submit(f.MakeOp("office", NoteRedemption{Fixture::Id("bob"), Amount(100)})).code() ==
        Code::kWrongAccountKind);
  CHECK(f.Submit(f.MakeOp("shop", NoteSale{Amount(100)})).code() == Code::kNotPermitted);
}

TEST_CASE("the treasurer banks office cash into the fund", "[ledger][money][deposit]") {
  Fixture f = Roue();
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 3'000, ""), kNov2026));
  const int64_t fund = f.Total(Slot::kFund);
  REQUIRE(f.Submit(f.MakeOp("association",
                            Deposit{Fixture::Id("office"), Amount(2'000), "NEF-2026-11-03"}))
              .ok());
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 1'000);
  CHECK(f.Total(Slot::kFund) == fund + 2'000);
  CHECK(
      f.Submit(f.MakeOp("association", Deposit{Fixture::Id("office"), Amount(1'001), ""})).code() ==
      Code::kInsufficientFunds);
  CHECK(f.Submit(f.MakeOp("association", Deposit{Fixture::Id("shop"), Amount(1), ""})).code() ==
        Code::kWrongAccountKind);
  CHECK(f.Submit(f.MakeOp("office", Deposit{Fixture::Id("office"), Amount(1), ""})).code() ==
        Code::kNotPermitted);
  CHECK(f.Submit(f.MakeOp("association",
                          Deposit{Fixture::Id("office"), Amount(1), std::string(65, 'r')}))
            .code() == Code::kBadReference);
  RequireBooksSound(f);
}

TEST_CASE("the treasurer records a merchant's payout, never more than owed",
          "[ledger][money][payout]") {
  Fixture f = Roue();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(10'000)})));
  CHECK(f.Submit(f.MakeOp("association", Payout{Fixture::Id("shop"), Amount(9'501), "VIR-1"}))
            .code() == Code::kInsufficientFunds);
  REQUIRE(
      f.Submit(f.MakeOp("association", Payout{Fixture::Id("shop"), Amount(9'500), "VIR-1"})).ok());
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 0);
  CHECK(f.Submit(f.MakeOp("shop", Payout{Fixture::Id("shop"), Amount(1), ""})).code() ==
        Code::kNotPermitted);
  RequireBooksSound(f);
}

TEST_CASE("a sponsor's payment tops up a programme's budget", "[ledger][money][bonus]") {
  Fixture f = Roue({Agglo(/*budget=*/0)});
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 1'000);  // nothing in the budget yet
  REQUIRE(
      f.Submit(f.MakeOp("association", FundProgramme{"agglo-2026", Amount(400), "AGGLO-11"})).ok());
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 2'200);
  CHECK(f.state().Balance(Budget("agglo-2026")) == 200);
  CHECK(f.Submit(f.MakeOp("association", FundProgramme{"nope", Amount(1), ""})).code() ==
        Code::kUnknownProgramme);
  CHECK(f.Submit(f.MakeOp("mairie", FundProgramme{"agglo-2026", Amount(1), ""})).code() ==
        Code::kNotPermitted);
}

TEST_CASE("a quote shows the office exactly what Apply will do", "[ledger][money][conversion]") {
  Fixture f = Roue({Agglo(/*budget=*/150)});
  ConversionQuote q;
  const Account& alice = *f.state().FindAccount(Fixture::Id("alice"));
  REQUIRE(QuoteConversion(f.genesis(), f.state(), alice, 1'000, "agglo-2026", kNov2026, &q).ok());
  CHECK(q.units_at_par == 1'000);
  CHECK(q.bonus_due == 200);
  CHECK(q.bonus_paid == 150);
  CHECK(q.bonus_euros == 150);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == q.units());
}

TEST_CASE("the calendar month of a time is computed in UTC", "[ledger][money]") {
  CHECK(YearMonth(kNov2026) == 202611);
  CHECK(YearMonth(0) == 197001);
  CHECK(YearMonth(1'798'761'599'999) == 202612);  // 2026-12-31T23:59:59.999Z
  CHECK(YearMonth(1'798'761'600'000) == 202701);
}

TEST_CASE("money rules are validated in the genesis", "[ledger][money][genesis]") {
  auto with = [](const std::function<void(Genesis*)>& f) {
    Genesis g;
    g.currency_code = "ROUE";
    g.currency_name = "la Roue";
    g.board_keys = {testing::KeyFor("b").public_key()};
    g.rules.programmes = {Agglo()};
    f(&g);
    return ValidateGenesis(g);
  };
  CHECK(with([](Genesis*) {}).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.programmes[0].ratio_num = 9; }).ok());  // < 1/1
  CHECK_FALSE(with([](Genesis* g) { g->rules.programmes[0].name = "Agglo"; }).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.programmes.push_back(Agglo()); }).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.programmes[0].step = 0; }).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.programmes[0].rounding = Rounding(0); }).ok());
  CHECK_FALSE(with([](Genesis* g) {
                g->rules.programmes[0].starts_ms = 10;
                g->rules.programmes[0].ends_ms = 10;
              }).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.reconversion = {101, 100, 1}; }).ok());
  CHECK_FALSE(with([](Genesis* g) { g->rules.conversion = {0, 0}; }).ok());
  // The rules survive the wire encoding exactly.
  Genesis g;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {testing::KeyFor("b").public_key()};
  Programme p = Agglo();
  p.member_kinds = KindBit(AccountKind::kResident) | KindBit(AccountKind::kMunicipality);
  p.monthly_cap = 3'000;
  g.rules.programmes = {p};
  g.rules.reconversion = {5, 100, 100};
  Genesis back;
  REQUIRE(codec::DecodeGenesis(codec::EncodeGenesis(g), &back).ok());
  CHECK(back.rules.programmes.size() == 1);
  CHECK(back.rules.programmes[0].member_kinds == p.member_kinds);
  CHECK(back.rules.programmes[0].monthly_cap == 3'000);
  CHECK(back.rules.reconversion.fee_num == 5);
  CHECK(codec::EncodeGenesis(back) == codec::EncodeGenesis(g));
}

}  // namespace
}  // namespace liard

namespace liard {
namespace {

TEST_CASE("the reserve report shows coverage in basis points, rounded down",
          "[ledger][money][reserve]") {
  Genesis g;
  g.rules.backing_num = 11;
  g.rules.backing_den = 10;
  Totals t{};
  t[static_cast<size_t>(Slot::kMember)] = 900;
  t[static_cast<size_t>(Slot::kPaper)] = 100;
  t[static_cast<size_t>(Slot::kIssuance)] = -1'000;
  t[static_cast<size_t>(Slot::kFund)] = 1'000;
  t[static_cast<size_t>(Slot::kOfficeCash)] = 99;
  ReserveReport r = ComputeReserves(g, g.rules, t);
  CHECK(r.circulation == 1'000);
  CHECK(r.required == 1'100);
  // The fund at the bank alone: 1,000 / 1,100 = 90.909 % -> 90.90 %; the office's 0.99 apart.
  CHECK(r.coverage_basis_points == 9'090);
  CHECK(r.office_cash_basis_points == 900);  // 99 / 1,100 = 9.00 %
  t[static_cast<size_t>(Slot::kMember)] = 0;
  t[static_cast<size_t>(Slot::kPaper)] = 0;
  CHECK(ComputeReserves(g, g.rules, t).coverage_basis_points == 0);  // nothing circulates
  CHECK(ComputeReserves(g, g.rules, t).office_cash_basis_points == 0);
  g.rules.backing_num = 1;
  g.rules.backing_den = 1;
  t[static_cast<size_t>(Slot::kMember)] = 3;  // 1,000 for 3: far above 100 %
  CHECK(ComputeReserves(g, g.rules, t).coverage_basis_points == 3'333'333);
  CHECK(ComputeReserves(g, g.rules, t).office_cash_basis_points == 330'000);
}

// Issue 14, item 2: an exchange office could empty the guarantee fund.

void Version3(Genesis* g) {
  g->version = kGenesisVersion3;
  g->node_key = testing::KeyFor("node").public_key();
}

// The issue's demo: alice 100.00 and bob 50.00 backed by a fund of 150.00, an empty shop.
Fixture Issue14(int64_t ceiling, void (*version)(Genesis*) = Version3) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 100'00},
       Member{"bob", AccountKind::kResident, 50'00}, Member{"shop", AccountKind::kMerchant, 0}},
      0, [&](Genesis* g) {
        version(g);
        g->rules.reconversion = {5, 100, 1};
        g->rules.conversion.office_cash_ceiling = ceiling;
      });
}

ReserveReport ReservesOf(Fixture& f) {
  return ComputeReserves(f.genesis(), f.state().governance().rules, f.state().totals());
}

TEST_CASE("coverage is the fund at the bank alone: an office's unbanked cash is shown as a risk",
          "[ledger][money][reserve]") {
  Fixture f = Issue14(/*ceiling=*/0);
  // The office records 150.00 for the shop without handing in the cash; the shop reconverts
  // and the treasurer pays it out: the fund is gone, the office "holds" 150.00.
  REQUIRE_OK(f.SubmitAt(Convert(f, "shop", 150'00, ""), kNov2026));
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", Reconversion{Amount(150'00)}), kNov2026));
  REQUIRE_OK(f.SubmitAt(
      f.MakeOp("association", Payout{Fixture::Id("shop"), Amount(142'50), "VIR-1"}), kNov2026));
  CHECK(f.Total(Slot::kFund) == 0);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 150'00);
  ReserveReport r = ReservesOf(f);
  CHECK(r.circulation == 150'00);
  CHECK(r.fund == 0);
  CHECK(r.office_cash == 150'00);
  CHECK(r.required == 150'00);
  CHECK(r.coverage_basis_points == 0);          // was 10000: "fund 0, coverage 100 %"
  CHECK(r.office_cash_basis_points == 10'000);  // all of the reserve is at the office
  // The next honest reconversion finds no fund to pay from.
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "shop", 10'00), kNov2026));
  CHECK_FALSE(f.SubmitAt(f.MakeOp("shop", Reconversion{Amount(10'00)}), kNov2026).ok());
  // Banking the cash brings the coverage back.
  REQUIRE_OK(f.SubmitAt(
      f.MakeOp("association", Deposit{Fixture::Id("office"), Amount(150'00), "NEF-1"}), kNov2026));
  r = ReservesOf(f);
  CHECK(r.coverage_basis_points == 10'000);
  CHECK(r.office_cash_basis_points == 0);
}

TEST_CASE("version 3: an office converts only for residents, merchants and municipalities",
          "[ledger][money][conversion]") {
  Fixture f = Roue({Agglo()}, Version3);
  const int64_t issued = f.Total(Slot::kIssuance);
  for (const char* member : {"office", "office-2", "association"}) {
    INFO(member);
    Status s = f.SubmitAt(Convert(f, member, 10'00), kNov2026);
    CHECK(s.code() == Code::kNotConvertible);
    CHECK(f.BalanceOf(member) == 0);
  }
  CHECK_THAT(f.SubmitAt(Convert(f, "office", 10'00), kNov2026).message(),
             Catch::Contains("cannot convert for itself"));
  CHECK_THAT(f.SubmitAt(Convert(f, "association", 10'00), kNov2026).message(),
             Catch::Contains("association"));
  CHECK(f.Total(Slot::kIssuance) == issued);  // nothing issued
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 0);
  for (const char* member : {"alice", "shop", "mairie"}) {
    INFO(member);
    REQUIRE_OK(f.SubmitAt(Convert(f, member, 10'00), kNov2026));
  }
  RequireBooksSound(f);
}

TEST_CASE("version 3: the rules' member_kinds narrow whom an office converts for",
          "[ledger][money][conversion]") {
  Fixture f = Roue({Agglo()}, [](Genesis* g) {
    Version3(g);
    g->rules.conversion.member_kinds = KindBit(AccountKind::kResident);
  });
  CHECK(f.SubmitAt(Convert(f, "shop", 10'00), kNov2026).code() == Code::kNotConvertible);
  CHECK(f.SubmitAt(Convert(f, "mairie", 10'00), kNov2026).code() == Code::kNotConvertible);
  CHECK(f.SubmitAt(Convert(f, "office", 10'00), kNov2026).code() == Code::kNotConvertible);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 10'00), kNov2026));
  CHECK(f.BalanceOf("alice") == 12'00);
}

TEST_CASE("version 3: an office holds at most the ceiling of cash not yet deposited",
          "[ledger][money][conversion]") {
  Fixture f = Issue14(/*ceiling=*/100'00);
  // The issue's 150.00 in one conversion: refused, nothing moves.
  Status s = f.SubmitAt(Convert(f, "shop", 150'00, ""), kNov2026);
  CHECK(s.code() == Code::kOfficeCashCeiling);
  CHECK_THAT(s.message(), Catch::Contains("ceiling of 100.00 EUR"));
  CHECK(f.BalanceOf("shop") == 0);
  // Up to the ceiling exactly, then not a cent more: by conversion or by selling notes.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 60'00, ""), kNov2026));
  REQUIRE_OK(f.SubmitAt(f.MakeOp("office", NoteSale{Amount(40'00)}), kNov2026));
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 100'00);
  CHECK(f.SubmitAt(Convert(f, "alice", 1, ""), kNov2026).code() == Code::kOfficeCashCeiling);
  CHECK(f.SubmitAt(f.MakeOp("office", NoteSale{Amount(1)}), kNov2026).code() ==
        Code::kOfficeCashCeiling);
  CHECK(f.Total(Slot::kPaper) == 40'00);
  CHECK(f.BalanceOf("alice") == 160'00);
  // A deposit makes room again.
  REQUIRE_OK(f.SubmitAt(
      f.MakeOp("association", Deposit{Fixture::Id("office"), Amount(30'00), "NEF-2"}), kNov2026));
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 30'00, ""), kNov2026));
  CHECK(f.SubmitAt(Convert(f, "bob", 1, ""), kNov2026).code() == Code::kOfficeCashCeiling);
  RequireBooksSound(f);
}

TEST_CASE("version 2: an office still converts for itself, as old journals replay",
          "[ledger][money][conversion]") {
  auto version2 = [](Genesis* g) {
    g->version = kGenesisVersion2;
    g->node_key = testing::KeyFor("node").public_key();
  };
  Fixture f = Issue14(/*ceiling=*/0, +version2);
  REQUIRE_OK(f.SubmitAt(Convert(f, "office", 150'00, ""), kNov2026));
  REQUIRE_OK(f.SubmitAt(Convert(f, "association", 10'00, ""), kNov2026));
  CHECK(f.BalanceOf("office") == 150'00);
  CHECK(f.BalanceOf("association") == 10'00);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 160'00);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("office", NoteSale{Amount(5'000'00)}), kNov2026));
  // Rules only version 3 reads are refused on older ledgers: in the genesis...
  Genesis g = f.genesis();
  g.rules.conversion.office_cash_ceiling = 100'00;
  CHECK_THAT(ValidateGenesis(g).message(), Catch::Contains("version 3"));
  g.rules.conversion.office_cash_ceiling = 0;
  g.rules.conversion.member_kinds = KindBit(AccountKind::kResident);
  CHECK(ValidateGenesis(g).code() == Code::kInvalidArgument);
  // ...and in a board decision.
  Rules rules = f.state().governance().rules;
  rules.conversion.office_cash_ceiling = 100'00;
  CHECK(
      f.SubmitAt(f.MakeOp("board-1", Propose{SetRules{rules}, kNov2026 + kDay}), kNov2026).code() ==
      Code::kBadRules);
}

TEST_CASE("conversion rules: kinds and ceiling are validated, set by the board, and encoded",
          "[ledger][money][genesis]") {
  Rules r;
  r.conversion.member_kinds = KindBit(AccountKind::kExchangeOffice);
  CHECK_THAT(ValidateRules(r).message(), Catch::Contains("member_kinds"));
  r.conversion.member_kinds = KindBit(AccountKind::kAssociation) | KindBit(AccountKind::kResident);
  CHECK_FALSE(ValidateRules(r).ok());
  r.conversion.member_kinds = kDefaultConvertibleKinds;
  REQUIRE(ValidateRules(r).ok());
  r.conversion.office_cash_ceiling = -1;
  CHECK_THAT(ValidateRules(r).message(), Catch::Contains("ceiling"));

  // A version 3 ledger with neither set keeps the governance bytes of layout 2.
  Fixture f = Roue({Agglo()}, Version3);
  const std::string before = EncodeGovernance(f.state().governance());
  CHECK(before[0] == 2);
  // The board sets a ceiling and a kind mask: layout 4, read back whole, and enforced.
  Rules rules = f.state().governance().rules;
  rules.conversion.office_cash_ceiling = 20'00;
  rules.conversion.member_kinds = KindBit(AccountKind::kResident);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("board-1", Propose{SetRules{rules}, kNov2026 + kDay}), kNov2026));
  const std::string pending = EncodeGovernance(f.state().governance());
  CHECK(pending[0] == 4);  // the pending set_rules carries the fields
  Governance back;
  REQUIRE(DecodeGovernance(pending, &back));
  CHECK(EncodeGovernance(back) == pending);
  const Hash proposal = f.state().governance().pending.at(0).id;
  REQUIRE_OK(f.SubmitAt(f.MakeOp("board-2", Approve{proposal}), kNov2026));
  const Governance& g = f.state().governance();
  CHECK(g.rules.conversion.office_cash_ceiling == 20'00);
  CHECK(g.rules.conversion.member_kinds == KindBit(AccountKind::kResident));
  const std::string after = EncodeGovernance(g);
  CHECK(after[0] == 4);
  CHECK(after.size() == before.size() + 12);  // u32 kinds + i64 ceiling
  REQUIRE(DecodeGovernance(after, &back));
  CHECK(back.rules.conversion.office_cash_ceiling == 20'00);
  CHECK(f.SubmitAt(Convert(f, "shop", 10'00), kNov2026).code() == Code::kNotConvertible);
  CHECK(f.SubmitAt(Convert(f, "alice", 20'01), kNov2026).code() == Code::kOfficeCashCeiling);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 20'00), kNov2026));

  // The wire codec keeps both fields.
  Genesis with = f.genesis();
  with.rules = g.rules;
  Genesis decoded;
  REQUIRE(codec::DecodeGenesis(codec::EncodeGenesis(with), &decoded).ok());
  CHECK(decoded.rules.conversion.office_cash_ceiling == 20'00);
  CHECK(decoded.rules.conversion.member_kinds == KindBit(AccountKind::kResident));
}

}  // namespace
}  // namespace liard

namespace liard {
namespace {

// A ledger whose minor unit is worth `par_num / par_den` euro cents, with `decimals` decimals:
// alice (resident, nothing), shop (merchant, `shop_units`), the fund backing the shop exactly,
// programme agglo-2026 (12/10, down, step 1) with `budget` cents, a 5 % fee.
Fixture AtPar(int64_t par_num, int64_t par_den, uint32_t decimals, int64_t shop_units,
              int64_t budget) {
  return Fixture({Member{"alice", AccountKind::kResident, 0},
                  Member{"shop", AccountKind::kMerchant, shop_units}},
                 0, [&](Genesis* g) {
                   g->decimals = decimals;
                   g->par_num = par_num;
                   g->par_den = par_den;
                   g->opening_fund = Amount(shop_units * par_num / par_den);
                   g->rules.programmes = {Agglo(budget)};
                   g->rules.reconversion = {5, 100, 1};
                 });
}

// RequireBooksSound at any par: the reserve in cents covers the circulation's worth at par.
void RequireBooksSoundAtPar(Fixture& f) {
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  REQUIRE(static_cast<__int128>(f.Reserve()) * f.genesis().par_den >=
          static_cast<__int128>(f.Circulation()) * f.genesis().par_num);
  REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
}

TEST_CASE("at par 1/2 with 3 decimals, each rounding of conversion and reconversion is exact",
          "[ledger][money][par]") {
  // One minor unit (0.001 ROUE) is worth half a cent: units = cents × 2.
  Fixture f = AtPar(1, 2, 3, 20'000, 1'000);  // the shop's 20.000 ROUE are worth 100.00 EUR
  const Account& alice = *f.state().FindAccount(Fixture::Id("alice"));
  ConversionQuote q;
  // 10.03 EUR: 2,006 units at par; total floor(2,006 × 12/10 = 2,407.2) = 2,407; bonus 401
  // units, worth 200.5 cents: the budget pays 201 (rounded up, the half cent to the fund).
  REQUIRE_OK(QuoteConversion(f.genesis(), f.state(), alice, 1'003, "agglo-2026", kNov2026, &q));
  CHECK(q.units_at_par == 2'006);
  CHECK(q.bonus_due == 401);
  CHECK(q.bonus_paid == 401);
  CHECK(q.bonus_euros == 201);
  const int64_t fund = f.Total(Slot::kFund);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'003), kNov2026));
  CHECK(f.BalanceOf("alice") == 2'407);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 1'003);
  CHECK(f.Total(Slot::kFund) - fund == 201);
  CHECK(f.state().Balance(Budget("agglo-2026")) == 1'000 - 201);
  CHECK(f.last_note() == "converted 10.03 EUR into 2.407 ROUE (bonus 0.401 ROUE)");
  // The reserve rose by 12.04 EUR for 2.407 ROUE worth 12.035 EUR.
  CHECK(2 * f.Reserve() - f.Circulation() == 2 * 10'000 - 20'000 + 1);

  // A budget of 1.50 EUR caps the bonus at floor(150 × 2) = 300 units, which cost exactly 150.
  Fixture g = AtPar(1, 2, 3, 0, 150);
  REQUIRE_OK(g.SubmitAt(Convert(g, "alice", 1'003), kNov2026));
  CHECK(g.BalanceOf("alice") == 2'006 + 300);
  CHECK(g.state().Balance(Budget("agglo-2026")) == 0);

  // Reconversion: 2.019 ROUE is worth 1,009.5 cents: 1,009 leave the fund (rounded down, the half
  // cent stays); the fee is 5 % of those 1,009 cents, 50.45, rounded up to 51; 958 owed.
  ReconversionQuote r;
  REQUIRE_OK(QuoteReconversion(f.genesis(), f.genesis().rules, 2'019, &r));
  CHECK(r.euros == 1'009);
  CHECK(r.fee == 51);
  CHECK(r.owed == 958);
  const int64_t before = f.Total(Slot::kFund);
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(2'019)})));
  CHECK(f.Total(Slot::kFund) == before - 1'009);
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 958);
  CHECK(f.Total(Slot::kIncome) == 51);
  CHECK(f.last_note() == "reconverted 2.019 ROUE: 9.58 EUR owed, fee 0.51 EUR");
  // One unit, half a cent: nothing leaves the fund, nothing is owed (the rules' min_units is
  // what keeps a merchant from reconverting less than a cent's worth).
  REQUIRE_OK(QuoteReconversion(f.genesis(), f.genesis().rules, 1, &r));
  CHECK(r.euros == 0);
  CHECK(r.fee == 0);
  CHECK(r.owed == 0);
  RequireBooksSoundAtPar(f);
}

TEST_CASE("at par 3/1 with no decimals, each rounding of conversion and reconversion is exact",
          "[ledger][money][par]") {
  // One unit is worth 3 cents: units = cents ÷ 3, rounded down.
  Fixture f = AtPar(3, 1, 0, 100, 100);  // the shop's 100 units are worth 3.00 EUR
  const Account& alice = *f.state().FindAccount(Fixture::Id("alice"));
  ConversionQuote q;
  // 10.00 EUR: floor(1,000 / 3) = 333 units at par (999 cents' worth; the office keeps all 1,000).
  // The budget of 1.00 EUR covers floor(100 / 3) = 33 units of the bonus of
  // floor(333 × 12/10 = 399.6) − 333 = 66, and 33 units cost 99 cents.
  REQUIRE_OK(QuoteConversion(f.genesis(), f.state(), alice, 1'000, "agglo-2026", kNov2026, &q));
  CHECK(q.units_at_par == 333);
  CHECK(q.bonus_due == 66);
  CHECK(q.bonus_paid == 33);
  CHECK(q.bonus_euros == 99);
  CHECK(q.note == "the budget of programme 'agglo-2026' covered only 33 ROUE of the 66 ROUE bonus");
  const int64_t fund = f.Total(Slot::kFund);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNov2026));
  CHECK(f.BalanceOf("alice") == 366);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 1'000);
  CHECK(f.Total(Slot::kFund) - fund == 99);
  CHECK(f.state().Balance(Budget("agglo-2026")) == 1);  // less than one unit's worth: stays
  // 10.99 EUR for 366 units worth 10.98: the cent left over at par stays in the reserve.
  CHECK(f.Reserve() - 3 * f.Circulation() == 1);
  // Less than one unit's worth is refused, not rounded to nothing.
  CHECK(f.SubmitAt(Convert(f, "alice", 2), kNov2026).code() == Code::kBelowMinimum);
  // Paper notes at par: 0.10 EUR buys floor(10 / 3) = 3 units of notes.
  REQUIRE_OK(f.Submit(f.MakeOp("office", NoteSale{Amount(10)})));
  CHECK(f.Total(Slot::kPaper) == 3);
  CHECK(f.Held(Slot::kOfficeCash, Fixture::Id("office")) == 1'010);

  // Reconversion: 7 units are 21 cents (exact at this par); the fee is 5 % of 21 = 1.05 cents,
  // rounded up to 2; 19 owed.
  ReconversionQuote r;
  REQUIRE_OK(QuoteReconversion(f.genesis(), f.genesis().rules, 7, &r));
  CHECK(r.euros == 21);
  CHECK(r.fee == 2);
  CHECK(r.owed == 19);
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Reconversion{Amount(7)})));
  CHECK(f.Held(Slot::kOwedToMerchant, Fixture::Id("shop")) == 19);
  CHECK(f.Total(Slot::kIncome) == 2);
  CHECK(f.last_note() == "reconverted 7 ROUE: 0.19 EUR owed, fee 0.02 EUR");
  RequireBooksSoundAtPar(f);

  // The reserve the rules require: ceil(circulation × par × backing), here 7 units at 3 cents and
  // 110 %: 23.1 cents, rounded up to 24.
  Genesis g = f.genesis();
  g.rules.backing_num = 11;
  g.rules.backing_den = 10;
  Totals t{};
  t[static_cast<size_t>(Slot::kMember)] = 7;
  t[static_cast<size_t>(Slot::kFund)] = 24;
  CHECK(ComputeReserves(g, g.rules, t).required == 24);
}

}  // namespace
}  // namespace liard
