// The figures of a refusal (ledger/status.h): the numbers its sentence states, as named
// integers, so that a client says the refusal in its own language. A sample of refusals through
// real signatures and the wire codec, each with the figures docs/protocol.md (section 11) lists.
#include <catch2/catch.hpp>

#include <string>

#include "ledger/limits.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

Fixture Town(const std::function<void(Genesis*)>& customize = nullptr) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 10'000}, Member{"bob", AccountKind::kResident, 500},
       Member{"shop", AccountKind::kMerchant, 5'000},
       Member{"town", AccountKind::kMunicipality, 20'000}},
      0, customize);
}

// The figure `name` of `s`; fails the test when it is missing.
int64_t FigureOf(const Status& s, std::string_view name) {
  INFO(s.ToString() << ": figure " << name);
  const int64_t* v = s.figure(name);
  REQUIRE(v != nullptr);
  return *v;
}

TEST_CASE("figures: a figure's name is lower-case letters, digits and '_'", "[ledger][figures]") {
  CHECK(IsFigureName("balance_units"));
  CHECK(IsFigureName("until_ms"));
  CHECK(IsFigureName("legs"));
  CHECK_FALSE(IsFigureName(""));
  CHECK_FALSE(IsFigureName("Balance"));
  CHECK_FALSE(IsFigureName("balance-units"));
  CHECK_FALSE(IsFigureName("balance units"));
  CHECK_FALSE(IsFigureName(std::string(33, 'a')));
  // An ok status carries none; figures come in the order they were added, and copy with it.
  CHECK(Status::Ok().figures().empty());
  Status s = Status(Code::kInsufficientFunds, "x").With("balance_units", 1).With("amount_units", 2);
  Status copy = s;
  REQUIRE(copy.figures().size() == 2);
  CHECK(copy.figures()[0] == Figure{"balance_units", 1});
  CHECK(copy.figures()[1] == Figure{"amount_units", 2});
  CHECK(copy.figure("legs") == nullptr);
}

TEST_CASE("figures: insufficient funds states the balance and the amount in minor units",
          "[ledger][figures]") {
  Fixture f = Town();
  Status s = f.Submit(f.TransferOp("bob", "alice", 501));
  REQUIRE(s.code() == Code::kInsufficientFunds);
  CHECK(FigureOf(s, "balance_units") == 500);
  CHECK(FigureOf(s, "amount_units") == 501);
  CHECK(s.figures().size() == 2);
  // The English sentence the node logs is unchanged.
  CHECK(s.message() == "the balance is 5.00 ROUE, less than 5.01 ROUE");
}

TEST_CASE("figures: sequence numbers, expiry and a memo's length", "[ledger][figures]") {
  Fixture f = Town();
  Operation op = f.TransferOp("alice", "bob", 1);
  op.sequence = 3;
  Status gap = f.Submit(op);
  REQUIRE(gap.code() == Code::kSequenceGap);
  CHECK(FigureOf(gap, "got") == 3);
  CHECK(FigureOf(gap, "expected") == 1);
  op.sequence = 1;
  REQUIRE(f.Submit(op).ok());
  Status used = f.Submit(f.MakeOp("alice", Transfer{Fixture::Id("bob"), Amount(2), "again"}));
  REQUIRE(used.ok());
  Operation replay = f.TransferOp("alice", "bob", 3);
  replay.sequence = 1;
  Status s = f.Submit(replay);
  REQUIRE(s.code() == Code::kSequenceUsed);
  CHECK(FigureOf(s, "got") == 1);
  CHECK(FigureOf(s, "expected") == 3);

  Operation late = f.TransferOp("alice", "bob", 1);
  late.not_after_ms = kNow;
  Status expired = f.SubmitEnvelope(f.Sign(late), kNow + 7);
  REQUIRE(expired.code() == Code::kExpired);
  CHECK(FigureOf(expired, "valid_until_ms") == kNow);
  CHECK(FigureOf(expired, "now_ms") == kNow + 7);

  Status memo = f.Submit(f.TransferOp("alice", "bob", 1, std::string(300, 'x')));
  REQUIRE(memo.code() == Code::kMemoTooLong);
  CHECK(FigureOf(memo, "bytes") == 300);
  CHECK(FigureOf(memo, "max_bytes") == 256);
}

TEST_CASE("figures: an expired membership states when it ended", "[ledger][figures]") {
  Fixture f = Town();
  const int64_t until = kNow + 30 * kDay;
  REQUIRE(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("dan"), AccountKind::kResident, "Dan",
                                                  until, Amount(0)}))
              .ok());
  f.Remember("dan");
  REQUIRE(f.Submit(f.MakeOp("office", Conversion{Fixture::Id("dan"), Amount(2'000), ""})).ok());
  Status s = f.SubmitAt(f.TransferOp("dan", "shop", 100), until + 1);
  REQUIRE(s.code() == Code::kMembershipExpired);
  CHECK(FigureOf(s, "until_ms") == until);
}

TEST_CASE("figures: a multi-leg payment's leg refusal keeps its figures and its leg",
          "[ledger][figures]") {
  Fixture f = Town([](Genesis* g) {
    g->rules.limits = {KindLimits{AccountKind::kMunicipality, 600, 0, 0}};
  });
  MultiTransfer big{
      {Leg{Fixture::Id("alice"), Amount(100), "a"}, Leg{Fixture::Id("bob"), Amount(601), "b"}}};
  Status s = f.Submit(f.MakeOp("town", big));
  REQUIRE(s.code() == Code::kAboveMaximum);
  CHECK(s.item() == 2);
  CHECK(FigureOf(s, "maximum_units") == 600);

  MultiTransfer many;
  for (int i = 0; i < 40; ++i) many.legs.push_back(Leg{Fixture::Id("alice"), Amount(600), "x"});
  Status short_of = f.Submit(f.MakeOp("town", many));
  REQUIRE(short_of.code() == Code::kInsufficientFunds);
  CHECK(FigureOf(short_of, "balance_units") == 20'000);
  CHECK(FigureOf(short_of, "amount_units") == 24'000);
  CHECK(FigureOf(short_of, "legs") == 40);

  Status none = f.Submit(f.MakeOp("town", MultiTransfer{}));
  REQUIRE(none.code() == Code::kBadLegCount);
  CHECK(FigureOf(none, "legs") == 0);
  CHECK(FigureOf(none, "max_legs") == 10'000);
}

TEST_CASE("figures: the daily limit and the balance ceiling state their amounts",
          "[ledger][figures]") {
  Fixture f = Town([](Genesis* g) {
    g->rules.limits = {KindLimits{AccountKind::kResident, 0, 8'000, 0},
                       KindLimits{AccountKind::kMerchant, 0, 0, 5'050}};
  });
  REQUIRE(f.Submit(f.TransferOp("alice", "bob", 7'000)).ok());
  Status daily = f.Submit(f.TransferOp("alice", "bob", 1'500));
  REQUIRE(daily.code() == Code::kDailyLimit);
  CHECK(FigureOf(daily, "reached_units") == 8'500);
  CHECK(FigureOf(daily, "limit_units") == 8'000);
  Status ceiling = f.Submit(f.TransferOp("bob", "shop", 51));
  REQUIRE(ceiling.code() == Code::kBalanceCeiling);
  CHECK(FigureOf(ceiling, "ceiling_units") == 5'050);
}

}  // namespace
}  // namespace liard
