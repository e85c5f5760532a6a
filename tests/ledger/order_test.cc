// Standing orders (ledger/ops/order.cc): placed by the payer, executed under the node key at
// due times in the currency's zone, exactly once per execution; each refusal through real
// signatures and the wire codec; a seeded property run across months and daylight-saving
// changes; the audit replay of such a journal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "ledger/civil_time.h"
#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, mo, d) * kDay + h * kHour + mi * 60'000;
}
const int64_t kNow = Utc(2026, 12, 4, 9);  // Friday 4 December 2026, 10:00 in Paris

Fixture Town() {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 100'000}, Member{"bob", AccountKind::kResident, 0},
       Member{"landlord", AccountKind::kResident, 0},
       Member{"town", AccountKind::kMunicipality, 1'000'000},
       Member{"bakery", AccountKind::kMerchant, 0}},
      0, Fixture::Version4);
}

PlaceOrder Rent(int64_t amount = 50'000, uint32_t day = 5, uint32_t count = 0) {
  PlaceOrder o;
  o.legs = {Leg{Fixture::Id("landlord"), Amount(amount), "loyer"}};
  o.schedule = OrderSchedule::kMonthly;
  o.every = day;
  o.first_date = 20261205;
  o.count = count;
  o.memo = "Loyer";
  return o;
}

struct Placed {
  Hash id;
  std::string body;
  AccountId payer;
};

Placed Place(Fixture& f, std::string_view payer, const PlaceOrder& o, int64_t now = kNow) {
  const Operation op = f.MakeOp(payer, o);
  Hash id;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(op), now, nullptr, &id));
  return Placed{id, codec::EncodeOperation(op), Fixture::Id(payer)};
}

Operation ExecOp(const Fixture& f, const Placed& p, uint32_t index, uint32_t attempt = 0,
                 uint32_t failed = 0) {
  Operation op;
  op.ledger_id = f.ledger().id();
  op.account = p.payer;
  op.sequence = uint64_t{index} + 1;
  ExecuteOrder e;
  e.order_body = p.body;
  e.index = index;
  e.attempt = attempt;
  e.failed = failed;
  op.payload = e;
  // The decoded order, as the codec fills it (Simulate takes the operation as it is).
  Operation decoded;
  REQUIRE_OK(codec::DecodeOperation(codec::EncodeOperation(op), &decoded));
  return decoded;
}

const KeyPair& NodeKey() {
  static const KeyPair k = KeyFor("node");
  return k;
}

Status Execute(Fixture& f, const Placed& p, int64_t now, uint32_t index = 0, uint32_t attempt = 0,
               uint32_t failed = 0) {
  return f.SubmitEnvelope(f.Sign(ExecOp(f, p, index, attempt, failed), &NodeKey()), now);
}

int64_t Next(Fixture& f, const Placed& p) { return f.Held(Slot::kOrderNext, p.id); }

// What the node's scheduler does at `now`: every due execution of `p`, each recorded paid or
// refused with the code paying it gives. Returns how many entries it wrote.
int RunDue(Fixture& f, const Placed& p, int64_t now) {
  int written = 0;
  for (;;) {
    const int64_t next1 = Next(f, p);
    if (next1 == 0) return written;
    const uint32_t index = static_cast<uint32_t>(next1 - 1);
    const uint32_t attempt = static_cast<uint32_t>(f.state().Balance(ops::OrderTriesKey(p.id)));
    Delta d;
    Status s = f.ledger().Simulate(f.state(), ExecOp(f, p, index, attempt), NodeKey().public_key(),
                                   f.Context(now), &d);
    uint32_t failed = 0;
    if (!s.ok()) {
      if (s.code() == Code::kOrderNotDue) return written;
      failed = static_cast<uint32_t>(s.code());
    }
    REQUIRE_OK(Execute(f, p, now, index, attempt, failed));
    ++written;
  }
}

TEST_CASE("order: a monthly rent runs once on each due day, at 00:00 in Paris, then ends",
          "[ledger][order]") {
  Fixture f = Town();
  const Placed p = Place(f, "alice", Rent(40'000, 5, 2));
  CHECK(f.last_note() == "the first execution is due on 2026-12-05");
  CHECK(Next(f, p) == 1);
  CHECK(f.Held(Slot::kOrdersLive, Fixture::Id("alice")) == 1);
  // 5 December 00:00 in Paris is 4 December 23:00 UTC.
  const int64_t due = Utc(2026, 12, 4, 23);
  CHECK(ops::OrderDueMs(Rent(), 0, 0, *TimeZone::Named("Europe/Paris")) == due);
  CHECK(Execute(f, p, due - 1).code() == Code::kOrderNotDue);
  REQUIRE_OK(Execute(f, p, due));
  CHECK(f.last_note() == "execution 1 paid");
  CHECK(f.BalanceOf("alice") == 60'000);
  CHECK(f.BalanceOf("landlord") == 40'000);
  // Not twice: the same execution again, and the next one before its day.
  CHECK(Execute(f, p, due + kDay).code() == Code::kOrderDone);
  CHECK(Execute(f, p, due + kDay, 1).code() == Code::kOrderNotDue);
  // The payer's own sequence is untouched: its wallet keeps paying meanwhile.
  CHECK(f.NextSequence("alice") == 2);
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "bob", 100), due + kHour));
  // 5 January 00:00 in Paris, the second and last execution.
  REQUIRE_OK(Execute(f, p, Utc(2027, 1, 4, 23), 1));
  CHECK(f.last_note() == "execution 2 paid; it was the order's last");
  CHECK(Next(f, p) == 0);
  CHECK(f.Held(Slot::kOrdersLive, Fixture::Id("alice")) == 0);
  CHECK(Execute(f, p, Utc(2027, 2, 5), 2).code() == Code::kOrderEnded);
  CHECK(f.Circulation() == f.Reserve());
}

TEST_CASE("order: day 31 falls on the last day of a short month; weekly and every-k-days dates",
          "[ledger][order]") {
  PlaceOrder o = Rent(100, 31);
  o.first_date = 20270115;
  const auto day = [](int y, int m, int d) { return DaysFromCivil(y, m, d); };
  CHECK(ops::OrderDueDay(o, 0) == day(2027, 1, 31));
  CHECK(ops::OrderDueDay(o, 1) == day(2027, 2, 28));
  CHECK(ops::OrderDueDay(o, 2) == day(2027, 3, 31));
  CHECK(ops::OrderDueDay(o, 3) == day(2027, 4, 30));
  CHECK(ops::OrderDueDay(o, 13) == day(2028, 2, 29));  // a leap year
  o.every = 10;  // the 15th is past the 10th: the first execution is in February
  CHECK(ops::OrderDueDay(o, 0) == day(2027, 2, 10));
  o.schedule = OrderSchedule::kWeekly;
  o.every = 7;  // Sundays; 15 January 2027 is a Friday
  CHECK(ops::OrderDueDay(o, 0) == day(2027, 1, 17));
  CHECK(ops::OrderDueDay(o, 1) == day(2027, 1, 24));
  o.every = 5;  // Fridays: the first date itself
  CHECK(ops::OrderDueDay(o, 0) == day(2027, 1, 15));
  o.schedule = OrderSchedule::kEveryDays;
  o.every = 3;
  CHECK(ops::OrderDueDay(o, 2) == day(2027, 1, 21));
  o.count = 0;
  o.end_date = 20270120;
  CHECK(ops::OrderHasExecution(o, 1));
  CHECK_FALSE(ops::OrderHasExecution(o, 2));
}

TEST_CASE("order: a short balance is recorded, tried again each next day, then given up",
          "[ledger][order]") {
  Fixture f = Town();
  PlaceOrder o = Rent(150'000);
  o.retries = 2;
  const Placed p = Place(f, "alice", o);
  const int64_t due = Utc(2026, 12, 4, 23);
  // Paid is not what the ledger gives: the node must record the refusal.
  CHECK(Execute(f, p, due).code() == Code::kInsufficientFunds);
  const uint32_t short_code = static_cast<uint32_t>(Code::kInsufficientFunds);
  REQUIRE_OK(Execute(f, p, due, 0, 0, short_code));
  CHECK(f.last_note() == "execution 1 refused (INSUFFICIENT_FUNDS): tried again on 2026-12-06");
  CHECK(f.BalanceOf("alice") == 100'000);
  CHECK(f.state().Balance(ops::OrderTriesKey(p.id)) == 1);
  CHECK(Execute(f, p, due + kHour, 0, 1, short_code).code() == Code::kOrderNotDue);
  REQUIRE_OK(Execute(f, p, due + kDay, 0, 1, short_code));
  REQUIRE_OK(Execute(f, p, due + 2 * kDay, 0, 2, short_code));
  CHECK(f.last_note() == "execution 1 refused (INSUFFICIENT_FUNDS), not tried again");
  CHECK(Next(f, p) == 2);
  CHECK(f.state().Balance(ops::OrderTriesKey(p.id)) == 0);
  // The next month, with the money there, a recorded refusal is not what the ledger gives.
  REQUIRE_OK(f.SubmitAt(f.TransferOp("town", "alice", 60'000), due + 3 * kDay));
  const int64_t jan = Utc(2027, 1, 4, 23);
  CHECK(Execute(f, p, jan, 1, 0, short_code).code() == Code::kOrderOutcome);
  REQUIRE_OK(Execute(f, p, jan, 1));
  CHECK(f.BalanceOf("landlord") == 150'000);
}

TEST_CASE("order: only the node key the ledger names signs an execution", "[ledger][order]") {
  Fixture f = Town();
  const Placed p = Place(f, "alice", Rent());
  const int64_t due = Utc(2026, 12, 4, 23);
  const KeyPair alice = KeyFor("alice");
  CHECK(f.SubmitEnvelope(f.Sign(ExecOp(f, p, 0), &alice), due).code() == Code::kWrongKey);
  const KeyPair stranger = KeyFor("stranger");
  CHECK(f.SubmitEnvelope(f.Sign(ExecOp(f, p, 0), &stranger), due).code() == Code::kWrongKey);
  CHECK(Next(f, p) == 1);
}

TEST_CASE("order: executions of a malformed shape are refused as BAD_EXECUTION",
          "[ledger][order]") {
  Fixture f = Town();
  const Placed p = Place(f, "alice", Rent());
  const int64_t due = Utc(2026, 12, 4, 23);
  Operation op = ExecOp(f, p, 0);
  op.account = Fixture::Id("bob");  // not the order's payer
  CHECK(f.SubmitEnvelope(f.Sign(op, &NodeKey()), due).code() == Code::kBadExecution);
  op = ExecOp(f, p, 0);
  op.sequence = 7;
  CHECK(f.SubmitEnvelope(f.Sign(op, &NodeKey()), due).code() == Code::kBadExecution);
  op = ExecOp(f, p, 0, 1);  // a retry the order does not allow
  CHECK(f.SubmitEnvelope(f.Sign(op, &NodeKey()), due).code() == Code::kBadExecution);
  // A body that is not a PlaceOrder's: the codec refuses it.
  op = Operation{};
  op.ledger_id = f.ledger().id();
  op.account = p.payer;
  op.sequence = 1;
  ExecuteOrder bad;
  bad.order_body = codec::EncodeOperation(f.TransferOp("alice", "bob", 5));
  op.payload = bad;
  CHECK(f.SubmitEnvelope(f.Sign(op, &NodeKey()), due).code() == Code::kBadExecution);
  // An order body that was never placed (another memo) is no live order.
  PlaceOrder other = Rent();
  other.memo = "autre";
  Placed never{Hash{}, codec::EncodeOperation(f.MakeOp("alice", other)), Fixture::Id("alice")};
  CHECK(f.SubmitEnvelope(f.Sign(ExecOp(f, never, 0), &NodeKey()), due).code() ==
        Code::kOrderUnknown);
}

TEST_CASE("order: pause skips due executions (journaled), resume, cancel; only the payer",
          "[ledger][order]") {
  Fixture f = Town();
  const Placed p = Place(f, "alice", Rent(10'000));
  const auto set = [&](std::string_view who, OrderAction a, int64_t at = kNow + kHour) {
    return f.SubmitAt(f.MakeOp(who, SetOrderState{p.id, a}), at);
  };
  CHECK(set("bob", OrderAction::kPause).code() == Code::kOrderUnknown);
  CHECK(set("alice", OrderAction::kResume).code() == Code::kOrderActive);
  REQUIRE_OK(set("alice", OrderAction::kPause));
  CHECK(set("alice", OrderAction::kPause).code() == Code::kOrderPaused);
  const int64_t due = Utc(2026, 12, 4, 23);
  CHECK(Execute(f, p, due).code() == Code::kOrderPaused);
  REQUIRE_OK(Execute(f, p, due, 0, 0, static_cast<uint32_t>(Code::kOrderPaused)));
  CHECK(f.last_note() == "execution 1 skipped: the order is paused");
  CHECK(f.BalanceOf("alice") == 100'000);
  REQUIRE_OK(set("alice", OrderAction::kResume, due + kDay));
  REQUIRE_OK(Execute(f, p, Utc(2027, 1, 4, 23), 1));
  CHECK(f.BalanceOf("alice") == 90'000);
  CHECK(set("bob", OrderAction::kCancel, due + 40 * kDay).code() == Code::kOrderUnknown);
  REQUIRE_OK(set("alice", OrderAction::kCancel, due + 40 * kDay));
  CHECK(Next(f, p) == 0);
  CHECK(f.Held(Slot::kOrdersLive, Fixture::Id("alice")) == 0);
  CHECK(set("alice", OrderAction::kCancel, due + 41 * kDay).code() == Code::kOrderEnded);
  CHECK(Execute(f, p, Utc(2027, 2, 4, 23), 2).code() == Code::kOrderEnded);
}

TEST_CASE("order: malformed orders are refused as BAD_ORDER, past dates as ORDER_DATE",
          "[ledger][order]") {
  Fixture f = Town();
  const auto place = [&](const PlaceOrder& o) { return f.SubmitAt(f.MakeOp("alice", o), kNow); };
  PlaceOrder o = Rent();
  o.legs.clear();
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.legs.assign(kMaxOrderLegs + 1, o.legs.front());
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent(100, 32);
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent(100, 0);
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.schedule = OrderSchedule::kWeekly;
  o.every = 8;
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.schedule = OrderSchedule::kEveryDays;
  o.every = kMaxEveryDays + 1;
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.first_date = 20260231;
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.end_date = 20261201;  // before the first date
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.count = kMaxOrderCount + 1;
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent();
  o.retries = kMaxOrderRetries + 1;
  CHECK(place(o).code() == Code::kBadOrder);
  o = Rent(0);
  CHECK(place(o).code() == Code::kAmountNotPositive);
  o = Rent();
  o.legs.front().to = Fixture::Id("alice");
  CHECK_FALSE(place(o).ok());
  o = Rent();
  o.first_date = 20261203;  // yesterday in Paris
  CHECK(place(o).code() == Code::kOrderDate);
  o = Rent(100, 1);
  o.end_date = 20261231;  // the 1st of December is past, of January after the end
  CHECK(place(o).code() == Code::kOrderDate);
  o = Rent();
  o.legs.front().to = Fixture::Id("nobody");
  CHECK(place(o).code() == Code::kUnknownDestination);
  CHECK(f.Total(Slot::kOrdersLive) == 0);
}

TEST_CASE("order: an account holds at most 32 live orders", "[ledger][order]") {
  Fixture f = Town();
  for (int64_t i = 0; i < kMaxOrdersPerPayer; ++i) Place(f, "alice", Rent(100 + i));
  CHECK(f.SubmitAt(f.MakeOp("alice", Rent(99)), kNow).code() == Code::kOrderLimit);
  CHECK(f.Total(Slot::kOrdersLive) == kMaxOrdersPerPayer);
  Place(f, "bob", Rent(100));  // another payer is not held by alice's
}

TEST_CASE("order: a municipality's list pays every payee each month, or none", "[ledger][order]") {
  Fixture f = Town();
  PlaceOrder o = Rent();
  o.legs = {Leg{Fixture::Id("alice"), Amount(30'000), "indemnité"},
            Leg{Fixture::Id("bob"), Amount(20'000), "indemnité"}};
  o.memo = "Indemnités des élus";
  const Placed p = Place(f, "town", o);
  REQUIRE(RunDue(f, p, Utc(2027, 3, 10)) == 4);  // December to March: caught up, each once
  CHECK(f.BalanceOf("bob") == 80'000);
  CHECK(f.BalanceOf("town") == 1'000'000 - 200'000);
  CHECK(RunDue(f, p, Utc(2027, 3, 11)) == 0);
  // A payee frozen by the board: the whole execution is refused and recorded, nobody paid.
  Account bob = *f.state().FindAccount(Fixture::Id("bob"));
  bob.status = AccountStatus::kFrozen;
  Delta freeze;
  freeze.accounts.push_back(bob);
  f.state().Commit(freeze);
  REQUIRE(RunDue(f, p, Utc(2027, 4, 5)) == 1);
  CHECK(f.last_note() == "execution 5 refused (DESTINATION_FROZEN), not tried again");
  CHECK(f.BalanceOf("alice") == 100'000 + 4 * 30'000);
}

// The property: random orders, balances and pauses across 14 months (both daylight-saving
// changes), the scheduler's model run at random instants: every execution is journaled exactly
// once, on or after its day, paid exactly when the payer could pay; the books balance after
// each step; the audit replay of the whole journal agrees.
TEST_CASE("order property: every due execution runs exactly once, across months and DST",
          "[ledger][order][property]") {
  const uint64_t seed = testing::PropertySeed();
  INFO("seed " << seed << " (LIARD_TEST_SEED to repeat)");
  std::mt19937_64 rng(seed);
  ReplayedJournal j(Town());
  Fixture& f = j.f;
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  std::vector<Placed> placed;
  std::vector<PlaceOrder> terms;
  const char* payers[] = {"alice", "town"};
  for (int i = 0; i < 4; ++i) {
    PlaceOrder o;
    o.legs = {Leg{Fixture::Id(i % 2 ? "bakery" : "landlord"),
                  Amount(static_cast<int64_t>(rng() % 40'000 + 1)), ""}};
    o.schedule = static_cast<OrderSchedule>(rng() % 3 + 1);
    o.every = o.schedule == OrderSchedule::kMonthly  ? static_cast<uint32_t>(rng() % 31 + 1)
              : o.schedule == OrderSchedule::kWeekly ? static_cast<uint32_t>(rng() % 7 + 1)
                                                     : static_cast<uint32_t>(rng() % 20 + 1);
    o.first_date = 20261205 + static_cast<uint32_t>(rng() % 20);
    if (o.first_date > 20261231) o.first_date = 20270101 + (o.first_date - 20261232);
    o.retries = static_cast<uint32_t>(rng() % 3);
    if (rng() % 2) o.count = static_cast<uint32_t>(rng() % 30 + 1);
    const Operation op = f.MakeOp(payers[i % 2], o);
    const Hash id = j.Add(op, kNow);
    placed.push_back(Placed{id, codec::EncodeOperation(op), op.account});
    terms.push_back(o);
  }
  // The executions the journal holds, by (order, index): their entry time and final outcome.
  std::map<std::pair<size_t, uint32_t>, int> finals;
  int64_t now = kNow;
  const int64_t end = Utc(2028, 2, 1);
  while (now < end) {
    now += static_cast<int64_t>(rng() % (5 * kDay)) + 1;
    const int r = static_cast<int>(rng() % 10);
    if (r == 0) {
      const int64_t gift =
          std::min<int64_t>(static_cast<int64_t>(rng() % 60'000 + 1), f.BalanceOf("town"));
      if (gift > 0) j.Add(f.TransferOp("town", "alice", gift), now);
    } else if (r == 1 && f.BalanceOf("alice") > 0) {
      j.Add(f.TransferOp("alice", "bob", f.BalanceOf("alice") / 2 + 1), now);
    } else if (r == 2) {
      const size_t k = rng() % placed.size();
      const OrderAction a = f.Held(Slot::kOrderMark, ops::OrderPausedKey(placed[k].id).owner)
                                ? OrderAction::kResume
                                : OrderAction::kPause;
      Delta d;
      Operation op = f.MakeOp(payers[k % 2], SetOrderState{placed[k].id, a});
      if (f.ledger()
              .Simulate(f.state(), op, KeyFor(payers[k % 2]).public_key(), f.Context(now), &d)
              .ok())
        j.Add(op, now);
    }
    // The scheduler's tick: each order's due executions, in turn.
    for (size_t k = 0; k < placed.size(); ++k) {
      for (;;) {
        const Placed& p = placed[k];
        const int64_t next1 = Next(f, p);
        if (next1 == 0) break;
        const uint32_t index = static_cast<uint32_t>(next1 - 1);
        const uint32_t attempt = static_cast<uint32_t>(f.state().Balance(ops::OrderTriesKey(p.id)));
        Delta d;
        Status s = f.ledger().Simulate(f.state(), ExecOp(f, p, index, attempt),
                                       NodeKey().public_key(), f.Context(now), &d);
        if (s.code() == Code::kOrderNotDue) break;
        const uint32_t failed = s.ok() ? 0 : static_cast<uint32_t>(s.code());
        // Due: never before 00:00 of its day (plus its tries) in Paris.
        const int64_t due_day = ops::OrderDueDay(terms[k], index) + attempt;
        REQUIRE(paris.DayOf(now) >= due_day);
        j.Add(ExecOp(f, p, index, attempt, failed), now, &NodeKey());
        if (failed == 0 || attempt == terms[k].retries || failed == 259)
          REQUIRE(finals.emplace(std::make_pair(k, index), static_cast<int>(failed)).second);
        // Exactly once: the same execution again is refused.
        const Code again = f.ledger()
                               .Simulate(f.state(), ExecOp(f, p, index, attempt, failed),
                                         NodeKey().public_key(), f.Context(now), &d)
                               .code();
        REQUIRE((again == Code::kOrderDone || again == Code::kOrderEnded));
      }
    }
    REQUIRE(f.Circulation() == f.Reserve());
  }
  // Every execution whose day came was journaled, in order, and none after the order's count.
  for (size_t k = 0; k < placed.size(); ++k) {
    // At least every execution whose last try's day came; at most those whose day came.
    uint32_t at_least = 0, at_most = 0;
    while (ops::OrderHasExecution(terms[k], at_least) &&
           paris.StartOfDay(ops::OrderDueDay(terms[k], at_least) + terms[k].retries) <= now)
      ++at_least;
    while (ops::OrderHasExecution(terms[k], at_most) &&
           paris.StartOfDay(ops::OrderDueDay(terms[k], at_most)) <= now)
      ++at_most;
    uint32_t got = 0;
    while (finals.count({k, got})) ++got;
    INFO("order " << k << " schedule " << OrderScheduleName(terms[k].schedule) << " every "
                  << terms[k].every);
    CHECK(got >= at_least);
    CHECK(got <= at_most);
    CHECK(finals.size() >= got);
  }
  std::unique_ptr<Replay> replay;
  REQUIRE_OK(j.Replayed(&replay));
  CHECK(replay->state().digest() == f.state().digest());
}

}  // namespace
}  // namespace liard
