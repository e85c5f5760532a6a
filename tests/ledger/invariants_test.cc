// Invariants: each one catches the fault it is for, on deltas no honest rule would produce.
#include <catch2/catch.hpp>

#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

Fixture Funded() {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 1'000}, Member{"bob", AccountKind::kResident, 0}});
}

BookKey Units(std::string_view name) { return BookKey::Member(Fixture::Id(name)); }

TEST_CASE("the genesis state satisfies every invariant", "[ledger][invariants]") {
  Fixture f = Funded();
  CHECK(f.state().totals()[static_cast<size_t>(Slot::kIssuance)] == -1'000);
  CHECK(f.state().totals()[static_cast<size_t>(Slot::kFund)] == 1'000);
  CHECK(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  CHECK(f.ledger().CheckInvariants(f.state(), Delta{}).ok());
}

TEST_CASE("units created from nothing unbalance the units book", "[ledger][invariants]") {
  Fixture f = Funded();
  Delta d;
  d.postings = {{Units("bob"), 5}};
  CHECK(f.ledger().CheckInvariants(f.state(), d).code() == Code::kUnitsUnbalanced);
}

TEST_CASE("euros created from nothing unbalance the euro book", "[ledger][invariants]") {
  Fixture f = Funded();
  Delta d;
  d.postings = {{BookKey::System(Slot::kFund), 5}};
  CHECK(f.ledger().CheckInvariants(f.state(), d).code() == Code::kEuroUnbalanced);
}

TEST_CASE("a member account may not go negative even if the books balance",
          "[ledger][invariants]") {
  Fixture f = Funded();
  Delta d;
  d.postings = {{Units("bob"), -1}, {Units("alice"), 1}};
  Status s = f.ledger().CheckInvariants(f.state(), d);
  CHECK(s.code() == Code::kNegativeBalance);
  CHECK(s.message().find("member") != std::string::npos);
}

TEST_CASE("issuance may not go positive", "[ledger][invariants]") {
  Fixture f = Funded();
  // Moving alice's units into issuance and more: issuance becomes +1.
  Delta d;
  d.postings = {{Units("alice"), -1'000},
                {BookKey::System(Slot::kIssuance), 1'001},
                {BookKey::System(Slot::kPaper), -1}};
  CHECK_FALSE(f.ledger().CheckInvariants(f.state(), d).ok());
}

TEST_CASE("units issued without their euro leave the reserve short", "[ledger][invariants]") {
  Fixture f = Funded();
  Delta d;
  d.postings = {{Units("bob"), 1}, {BookKey::System(Slot::kIssuance), -1}};
  CHECK(f.ledger().CheckInvariants(f.state(), d).code() == Code::kReserveShort);
  // With the euro in the fund it passes: the check is exact to the cent.
  d.postings.push_back({BookKey::System(Slot::kFund), 1});
  d.postings.push_back({BookKey::System(Slot::kEuroExternal), -1});
  CHECK(f.ledger().CheckInvariants(f.state(), d).ok());
}

TEST_CASE("office cash awaiting deposit counts in the reserve", "[ledger][invariants]") {
  Fixture f = Funded();
  Delta d;
  BookKey cash{Slot::kOfficeCash, Fixture::Id("office")};
  d.postings = {{Units("bob"), 1},
                {BookKey::System(Slot::kIssuance), -1},
                {cash, 1},
                {BookKey::System(Slot::kEuroExternal), -1}};
  CHECK(f.ledger().CheckInvariants(f.state(), d).ok());
}

TEST_CASE("the issuance check catches units posted outside the known slots",
          "[ledger][invariants]") {
  IssuanceMatchesCirculation inv;
  Effects e;
  e.totals_after[static_cast<size_t>(Slot::kMember)] = 10;
  e.totals_after[static_cast<size_t>(Slot::kIssuance)] = -9;
  e.totals_after[4] = -1;  // an unnamed units slot: the book sums to zero, issuance is wrong
  MemoryState empty;
  CHECK(inv.Check(empty, Delta{}, e).code() == Code::kIssuanceMismatch);
}

TEST_CASE("a posting that would overflow a balance is refused", "[ledger][invariants]") {
  MemoryState s;
  Delta d;
  d.postings = {{BookKey::System(Slot::kEuroExternal), INT64_MIN},
                {BookKey::System(Slot::kEuroExternal), -1}};
  Effects e;
  CHECK(ComputeEffects(s, d, &e).code() == Code::kBalanceOverflow);
}

TEST_CASE("a reserve with 110 % backing needs 1.10 euro per unit", "[ledger][invariants]") {
  ReserveCovered inv(1, 1);
  MemoryState empty;
  Governance g;
  g.rules.backing_num = 11;
  g.rules.backing_den = 10;
  empty.PutGovernance(g);
  Effects e;
  e.totals_after[static_cast<size_t>(Slot::kMember)] = 1'000;
  e.totals_after[static_cast<size_t>(Slot::kFund)] = 1'099;
  CHECK(inv.Check(empty, Delta{}, e).code() == Code::kReserveShort);
  e.totals_after[static_cast<size_t>(Slot::kFund)] = 1'100;
  CHECK(inv.Check(empty, Delta{}, e).ok());
}

TEST_CASE("a full recount finds a total that drifted from its accounts", "[ledger][invariants]") {
  Fixture f = Funded();
  Totals t = f.state().totals();
  t[static_cast<size_t>(Slot::kMember)] += 1;
  CHECK(CheckTotals(f.state().NonZeroBalances(), t).code() == Code::kCorruption);
}

TEST_CASE("a genesis whose opening balances exceed the fund is refused", "[ledger][genesis]") {
  Genesis g;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {testing::KeyFor("b").public_key()};
  g.accounts = {{testing::KeyFor("a").public_key(), AccountKind::kResident, "a", Amount(100)}};
  g.opening_fund = Amount(99);
  std::unique_ptr<Ledger> ledger;
  REQUIRE(Ledger::Create(g, codec::EncodeGenesis(g), &ledger).ok());
  MemoryState empty;
  Delta d;
  CHECK(ledger->GenesisDelta(empty, &d).code() == Code::kReserveShort);
}

TEST_CASE("genesis validation names what is wrong", "[ledger][genesis]") {
  Genesis g;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {testing::KeyFor("b").public_key()};
  REQUIRE(ValidateGenesis(g).ok());
  auto invalid = [](Genesis bad) { return ValidateGenesis(bad).code() == Code::kInvalidArgument; };
  Genesis x = g;
  x.currency_code = "roue";
  CHECK(invalid(x));
  x = g;
  x.currency_code = "R";
  CHECK(invalid(x));
  x = g;
  x.board_threshold = 2;
  CHECK(invalid(x));
  x = g;
  x.board_keys.push_back(x.board_keys[0]);
  CHECK(invalid(x));
  x = g;
  x.board_keys.clear();
  CHECK(invalid(x));
  x = g;
  x.decimals = 7;
  CHECK(invalid(x));
  x = g;
  x.rules.backing_num = 9;
  x.rules.backing_den = 10;
  CHECK(invalid(x));
  x = g;
  x.accounts = {{testing::KeyFor("a").public_key(), AccountKind::kResident, "a", Amount(1)},
                {testing::KeyFor("a").public_key(), AccountKind::kResident, "b", Amount(1)}};
  CHECK(invalid(x));
}

TEST_CASE("the ledger id is the hash of the genesis bytes", "[ledger][genesis]") {
  Fixture f = Funded();
  std::string bytes = codec::EncodeGenesis(f.genesis());
  CHECK(f.ledger().id() == LedgerIdOf(bytes));
  Genesis other = f.genesis();
  other.currency_name = "la Roue bis";
  CHECK(LedgerIdOf(codec::EncodeGenesis(other)) != f.ledger().id());
  Genesis decoded;
  REQUIRE(codec::DecodeGenesis(bytes, &decoded).ok());
  CHECK(codec::EncodeGenesis(decoded) == bytes);
}

}  // namespace
}  // namespace liard
