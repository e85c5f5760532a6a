// Multi-leg payments (a municipality paying indemnities) and simulation (previews).
#include <catch2/catch.hpp>

#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

std::vector<Member> Councillors(int n) {
  std::vector<Member> m = {{"metropole", AccountKind::kMunicipality, 100'000'000}};
  for (int i = 0; i < n; ++i) m.push_back({"elu-" + std::to_string(i), AccountKind::kResident, 0});
  return m;
}

Leg To(std::string_view who, int64_t amount, std::string memo = "indemnité novembre") {
  return Leg{Fixture::Id(who), Amount(amount), std::move(memo)};
}

TEST_CASE("a municipality pays 10,000 people in one operation", "[ledger][multi]") {
  Fixture f(Councillors(10'000));
  MultiTransfer mt;
  for (int i = 0; i < 10'000; ++i) mt.legs.push_back(To("elu-" + std::to_string(i), 1'000 + i));
  Status s = f.Submit(f.MakeOp("metropole", mt));
  INFO(s.ToString());
  REQUIRE(s.ok());
  for (int i = 0; i < 10'000; ++i) REQUIRE(f.BalanceOf("elu-" + std::to_string(i)) == 1'000 + i);
  CHECK(f.BalanceOf("metropole") == 100'000'000 - 59'995'000);
  CHECK(f.last_note() == "paid 599950.00 ROUE to 10000 accounts");
  CHECK(f.NextSequence("metropole") == 2);  // one operation, one sequence
}

TEST_CASE("one bad leg refuses the whole payment and is named", "[ledger][multi]") {
  Fixture f(Councillors(5));
  auto before = f.state().NonZeroBalances();
  MultiTransfer mt{{To("elu-0", 100), To("elu-1", 100), To("nobody", 100), To("elu-3", 100)}};
  Status s = f.Submit(f.MakeOp("metropole", mt));
  CHECK(s.code() == Code::kUnknownDestination);
  CHECK(s.message().rfind("leg 3: ", 0) == 0);
  CHECK(f.state().NonZeroBalances().size() == before.size());
  CHECK(f.BalanceOf("elu-0") == 0);

  mt.legs[2] = To("elu-2", 0);
  s = f.Submit(f.MakeOp("metropole", mt));
  CHECK(s.code() == Code::kAmountNotPositive);
  CHECK(s.message().rfind("leg 3: ", 0) == 0);

  mt.legs[2] = To("elu-2", 100, std::string(257, 'x'));
  CHECK(f.Submit(f.MakeOp("metropole", mt)).code() == Code::kMemoTooLong);
  mt.legs[2] = To("metropole", 100);
  CHECK(f.Submit(f.MakeOp("metropole", mt)).code() == Code::kTransferToSelf);

  Account frozen = *f.state().FindAccount(Fixture::Id("elu-3"));
  frozen.status = AccountStatus::kFrozen;
  f.state().PutAccount(frozen);
  mt.legs[2] = To("elu-2", 100);
  s = f.Submit(f.MakeOp("metropole", mt));
  CHECK(s.code() == Code::kDestinationFrozen);
  CHECK(s.message().rfind("leg 4: ", 0) == 0);
  CHECK(f.BalanceOf("elu-0") == 0);
}

TEST_CASE("a payment whose total exceeds the balance is refused whole", "[ledger][multi]") {
  Fixture f({{"mairie", AccountKind::kMunicipality, 1'000},
             {"a", AccountKind::kResident, 0},
             {"b", AccountKind::kResident, 0}});
  MultiTransfer mt{{To("a", 600), To("b", 401)}};
  Status s = f.Submit(f.MakeOp("mairie", mt));
  CHECK(s.code() == Code::kInsufficientFunds);
  CHECK(s.message().find("10.01 ROUE") != std::string::npos);
  CHECK(f.BalanceOf("a") == 0);
  mt.legs[1].amount = Amount(400);
  REQUIRE(f.Submit(f.MakeOp("mairie", mt)).ok());
  CHECK(f.BalanceOf("mairie") == 0);
}

TEST_CASE("legs paying the same person twice both arrive", "[ledger][multi]") {
  Fixture f({{"mairie", AccountKind::kMunicipality, 1'000}, {"a", AccountKind::kResident, 0}});
  REQUIRE(f.Submit(f.MakeOp("mairie", MultiTransfer{{To("a", 300), To("a", 200)}})).ok());
  CHECK(f.BalanceOf("a") == 500);
}

TEST_CASE("no legs, or more than 10,000, is refused", "[ledger][multi]") {
  Fixture f(Councillors(1));
  CHECK(f.Submit(f.MakeOp("metropole", MultiTransfer{})).code() == Code::kBadLegCount);
  MultiTransfer big;
  big.legs.assign(10'001, To("elu-0", 1));
  CHECK(f.Submit(f.MakeOp("metropole", big)).code() == Code::kBadLegCount);
}

TEST_CASE("legs whose sum overflows are refused before any state is read", "[ledger][multi]") {
  Fixture f(Councillors(2));
  MultiTransfer mt{{To("elu-0", INT64_MAX), To("elu-1", 1)}};
  CHECK(f.Submit(f.MakeOp("metropole", mt)).code() == Code::kAmountTooLarge);
}

TEST_CASE("a simulation tells what would happen and changes nothing", "[ledger][simulate]") {
  Fixture f(Councillors(3));
  auto before = f.state().digest();
  Operation op = f.MakeOp("metropole", MultiTransfer{{To("elu-0", 100), To("elu-1", 250)}});
  Delta d;
  Status s = f.ledger().Simulate(f.state(), op, Fixture::Id("metropole"), ApplyContext{0}, &d);
  REQUIRE(s.ok());
  CHECK(d.note == "paid 3.50 ROUE to 2 accounts");
  CHECK(d.postings.size() == 3);
  CHECK(f.state().digest() == before);
  // Refusals are the same as Apply's, with the bad leg named.
  op = f.MakeOp("metropole", MultiTransfer{{To("elu-0", 100), To("ghost", 1)}});
  s = f.ledger().Simulate(f.state(), op, Fixture::Id("metropole"), ApplyContext{0}, &d);
  CHECK(s.code() == Code::kUnknownDestination);
  CHECK(d.postings.empty());
  // The key is still checked against the account: a preview cannot impersonate.
  s = f.ledger().Simulate(f.state(), f.TransferOp("metropole", "elu-0", 1), Fixture::Id("elu-0"),
                          ApplyContext{0}, &d);
  CHECK(s.code() == Code::kWrongKey);
}

}  // namespace
}  // namespace liard
