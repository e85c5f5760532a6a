// The per-kind limits of limits.h, checked directly: the largest payment, the daily outgoing
// tally and the balance ceiling. Through Apply they are pinned by governance_test.cc.
#include <catch2/catch.hpp>

#include "ledger/limits.h"
#include "ledger/memory_state.h"
#include "ledger/money.h"

namespace liard {
namespace {

const UnitsFormat kRoue{2, "ROUE"};
constexpr int64_t kNoon = 1'790'000'000'000;  // 2026-09-21, 13:33 UTC
const TimeZone kUtc = TimeZone::Utc();

AccountId Id(char c) {
  AccountId id;
  id.data.fill(static_cast<uint8_t>(c));
  return id;
}

TEST_CASE("limits: the largest single payment", "[limits]") {
  KindLimits l{AccountKind::kResident, 15'000, 0, 0};
  CHECK(CheckMaxPayment(nullptr, INT64_MAX, kRoue).ok());  // the kind has no limits
  CHECK(CheckMaxPayment(&l, 15'000, kRoue).ok());          // exactly the largest
  Status s = CheckMaxPayment(&l, 15'001, kRoue);
  CHECK(s.code() == Code::kAboveMaximum);
  CHECK(s.message() == "the largest single payment is 150.00 ROUE");
  l.max_payment = 0;  // no limit
  CHECK(CheckMaxPayment(&l, INT64_MAX, kRoue).ok());
}

TEST_CASE("limits: the daily outgoing tally is charged, or refused and left alone", "[limits]") {
  KindLimits l{AccountKind::kResident, 0, 8'000, 0};
  MemoryState state;
  const AccountId alice = Id('a');
  const BookKey tally = DailyOutTallyKey(alice, kNoon, kUtc);
  state.PutBalance(tally, 7'000);  // paid out earlier today

  Delta delta;
  Status s = ChargeDailyOutgoing(&l, state, alice, kNoon, kUtc, 1'500, kRoue, &delta);
  CHECK(s.code() == Code::kDailyLimit);
  CHECK(s.message() ==
        "today's payments would reach 85.00 ROUE, above the daily limit of 80.00 ROUE");
  CHECK(delta.postings.empty());

  // The sum past INT64_MAX is shown capped, not wrapped.
  s = ChargeDailyOutgoing(&l, state, alice, kNoon, kUtc, INT64_MAX, kRoue, &delta);
  CHECK(s.code() == Code::kDailyLimit);
  CHECK(s.message().find("-") == std::string::npos);

  REQUIRE(ChargeDailyOutgoing(&l, state, alice, kNoon, kUtc, 1'000, kRoue, &delta).ok());
  REQUIRE(delta.postings.size() == 1);
  CHECK(delta.postings[0].key == tally);
  CHECK(delta.postings[0].amount == 1'000);

  // Tomorrow is a new tally; a kind without a daily limit posts nothing.
  Delta tomorrow;
  REQUIRE(ChargeDailyOutgoing(&l, state, alice, kNoon + 86'400'000, kUtc, 8'000, kRoue, &tomorrow)
              .ok());
  CHECK(tomorrow.postings.size() == 1);
  l.daily_outgoing = 0;
  Delta none;
  REQUIRE(ChargeDailyOutgoing(&l, state, alice, kNoon, kUtc, 1'000'000, kRoue, &none).ok());
  REQUIRE(ChargeDailyOutgoing(nullptr, state, alice, kNoon, kUtc, 1'000'000, kRoue, &none).ok());
  CHECK(none.postings.empty());
}

TEST_CASE("limits: the balance ceiling of the account's kind", "[limits]") {
  Rules rules;
  rules.limits = {KindLimits{AccountKind::kResident, 0, 0, 200'000}};
  Account alice;
  alice.id = Id('a');
  alice.kind = AccountKind::kResident;
  alice.name = "Alice";
  CHECK(CheckBalanceCeiling(rules, alice, 200'000, kRoue).ok());
  Status s = CheckBalanceCeiling(rules, alice, 200'001, kRoue);
  CHECK(s.code() == Code::kBalanceCeiling);
  CHECK(s.message() ==
        "the balance of the account 'Alice' would pass the resident ceiling of "
        "2000.00 ROUE");
  Account shop = alice;
  shop.kind = AccountKind::kMerchant;  // no limits for merchants
  CHECK(CheckBalanceCeiling(rules, shop, INT64_MAX, kRoue).ok());
}

}  // namespace
}  // namespace liard
