// Standing orders on the real liard-node: its clock moved across eleven months (both
// daylight-saving changes in Europe/Paris) with libfaketime, the node stopped, SIGKILLed and
// restarted at random points, even in the middle of a catch-up. Every execution due runs exactly
// once, never before 00:00 of its day in Paris; the books stay backed; the journal replays.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "ledger/civil_time.h"
#include "proto/codec.h"
#include "tests/e2e/fake_clock.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;

constexpr int64_t kHourMs = 3'600'000;

int64_t RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Moves the clock of the processes started from now on so that it reads `target_ms` now;
// returns the offset (ms) for the test's own clients (Client::set_clock_offset_ms).
int64_t SetClock(FakeClock& clock, int64_t target_ms) {
  const int64_t offset_s = (target_ms - RealNowMs()) / 1000;
  clock.Set((offset_s >= 0 ? "+" : "") + std::to_string(offset_s));
  return offset_s * 1000;
}

// The days an order runs on, by a plain walk over the calendar (not the ledger's arithmetic).
struct Terms {
  std::string payer;
  PlaceOrder order;
};

bool RunsOn(const PlaceOrder& o, int64_t day, int64_t first_day) {
  int y = 0, m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  switch (o.schedule) {
    case OrderSchedule::kMonthly: {
      int last = 31;
      while (!IsValidDate(y, m, last)) --last;
      return d == std::min<int>(static_cast<int>(o.every), last);
    }
    case OrderSchedule::kWeekly:
      return ((day + 3) % 7) + 1 == o.every;  // 1970-01-01 was a Thursday (4)
    case OrderSchedule::kEveryDays:
      return (day - first_day) % o.every == 0;
  }
  return false;
}

// The local days of the executions due at `now_ms`, in order.
std::vector<int64_t> DueDays(const PlaceOrder& o, const TimeZone& zone, int64_t now_ms) {
  const int64_t first =
      DaysFromCivil(o.first_date / 10000, o.first_date / 100 % 100, o.first_date % 100);
  std::vector<int64_t> out;
  for (int64_t day = first; zone.StartOfDay(day) <= now_ms; ++day) {
    if (o.count != 0 && out.size() >= o.count) break;
    if (RunsOn(o, day, first)) out.push_back(day);
  }
  return out;
}

struct Execution {
  uint32_t index = 0;
  uint32_t failed = 0;
  int64_t time_ms = 0;
};

// The executions in the journal, by order id; fails the test on a duplicate.
std::map<Hash, std::vector<Execution>> ExecutionsIn(const std::vector<pb::JournalEntry>& entries,
                                                    const Hash& ledger_id) {
  std::map<Hash, std::vector<Execution>> out;
  std::set<std::pair<Hash, std::pair<uint32_t, uint32_t>>> seen;
  for (const auto& e : entries) {
    SignedOperation op;
    REQUIRE(codec::DecodeEnvelope(e.envelope(), &op).ok());
    const auto* x = std::get_if<ExecuteOrder>(&op.op.payload);
    if (x == nullptr) continue;
    const Hash id = OperationId(ledger_id, x->order_body);
    INFO("entry " << e.sequence());
    REQUIRE(seen.insert({id, {x->index, x->attempt}}).second);  // never twice
    out[id].push_back(Execution{x->index, x->failed, e.time_ms()});
  }
  return out;
}

PlaceOrder Order(std::vector<Leg> legs, OrderSchedule schedule, uint32_t every, uint32_t first_date,
                 uint32_t count = 0) {
  PlaceOrder o;
  o.legs = std::move(legs);
  o.schedule = schedule;
  o.every = every;
  o.first_date = first_date;
  o.count = count;
  o.memo = "ordre permanent";
  return o;
}

TEST_CASE("standing orders run exactly once across months, DST and node kills",
          "[e2e][order][property][crash]") {
  const uint64_t seed = testing::PropertySeed();
  INFO("seed " << seed << " (LIARD_TEST_SEED to repeat)");
  std::printf("order_schedule_test seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  TempDir tmp;
  FakeClock clock(tmp);
  GenesisSpec spec = StandardGenesis();  // alice 100.00, carol 0, the association reads
  spec.members.push_back({"town", "municipality", 5'000'00});
  spec.members.push_back({"landlord", "resident", 0});
  spec.time_zone = "Europe/Paris";
  const std::string data = tmp.Join("data");
  InitLedger(data, spec);
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  const auto id = [](const char* n) { return KeyFor(n).public_key(); };
  // Friday 4 December 2026, noon in Paris.
  int64_t now = paris.StartOfDay(DaysFromCivil(2026, 12, 4)) + 12 * kHourMs;
  int64_t offset = SetClock(clock, now);
  NodeProcess node(data, {"--trust-clock"});
  node.Start();

  std::vector<Terms> terms = {
      {"alice",
       Order({Leg{id("landlord"), Amount(4'000), "loyer"}}, OrderSchedule::kMonthly, 31, 20261204)},
      {"town", Order({Leg{id("alice"), Amount(2'500), "indemnité"},
                      Leg{id("carol"), Amount(1'000), "indemnité"}},
                     OrderSchedule::kMonthly, 1, 20261205)},
      {"alice",
       Order({Leg{id("shop"), Amount(300), "panier"}}, OrderSchedule::kWeekly, 7, 20261204)},
      {"carol", Order({Leg{id("shop"), Amount(2'000), "cotisation"}}, OrderSchedule::kEveryDays, 10,
                      20261210)},
      {"alice",
       Order({Leg{id("shop"), Amount(100), "essai"}}, OrderSchedule::kEveryDays, 1, 20261204, 5)},
  };
  std::vector<Hash> ids;
  {
    Client c(node.channel());
    c.set_clock_offset_ms(offset);
    std::map<std::string, uint64_t> sequence;
    for (const Terms& t : terms) {
      Operation op;
      op.ledger_id = c.ledger_id();
      op.account = id(t.payer.c_str());
      op.sequence = ++sequence[t.payer];
      op.payload = t.order;
      const pb::SignedOperation signed_op = c.Sign(KeyFor(t.payer), op);
      SubmitOutcome out = c.Submit(signed_op);
      REQUIRE(out.status.ok());
      ids.push_back(c.OperationIdOf(signed_op));
    }
  }

  const int64_t end = paris.StartOfDay(DaysFromCivil(2027, 11, 10));
  int steps = 0;
  while (now < end) {
    // Down: stopped or killed; the clock moves 1 to 30 days on, to some hour of the day.
    if (rng() % 2) {
      node.Kill();
    } else {
      REQUIRE(node.Stop() == 0);
    }
    const int64_t day = paris.DayOf(now) + static_cast<int64_t>(rng() % 30) + 1;
    now = paris.StartOfDay(day) + static_cast<int64_t>(rng() % 22 + 1) * kHourMs;
    offset = SetClock(clock, now);
    node.Start();
    // Sometimes killed again in the middle of its catch-up.
    if (rng() % 3 == 0) {
      std::this_thread::sleep_for(Millis(static_cast<int64_t>(rng() % 400)));
      node.Kill();
      node.Start();
    }
    ++steps;
    INFO("step " << steps << ", now " << now);
    Client c(node.channel());
    c.set_clock_offset_ms(offset);
    size_t expected_total = 0;
    std::vector<std::vector<int64_t>> due(terms.size());
    for (size_t k = 0; k < terms.size(); ++k) {
      due[k] = DueDays(terms[k].order, paris, now);
      expected_total += due[k].size();
    }
    std::map<Hash, std::vector<Execution>> runs;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      runs = ExecutionsIn(c.Journal(), c.ledger_id());
      size_t total = 0;
      for (const auto& [order, list] : runs) total += list.size();
      if (total >= expected_total || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(Millis(100));
    }
    for (size_t k = 0; k < terms.size(); ++k) {
      const std::vector<Execution>& got = runs[ids[k]];
      INFO("order " << k);
      REQUIRE(got.size() == due[k].size());
      for (size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].index == i);
        CHECK(got[i].time_ms >= paris.StartOfDay(due[k][i]));  // never before its day
        // Paid, or refused because the payer was short (carol's, alice's late in the year).
        CHECK((got[i].failed == 0 ||
               got[i].failed == static_cast<uint32_t>(Code::kInsufficientFunds)));
      }
    }
    const pb::Reserves r = c.Reserves();
    CHECK(r.fund() == r.circulation());
  }
  INFO("steps " << steps);
  CHECK(steps >= 10);

  // The journal replays through the core to the node's own balances.
  Client c(node.channel());
  c.set_clock_offset_ms(offset);
  const std::vector<pb::JournalEntry> journal = c.Journal();
  CHECK(VerifyChain(journal, c.ledger_id()).empty());
  Replay replay;
  REQUIRE(ReplayJournal(c.genesis_bytes(), journal, &replay) == "");
  for (const char* name : {"town", "alice", "carol", "landlord", "shop"})
    CHECK(replay.state.Balance(BookKey::Member(id(name))) == c.Balance(name));
  // Some executions were refused for a short balance and some were paid.
  size_t refused = 0, paid = 0;
  for (const auto& [order, list] : ExecutionsIn(journal, c.ledger_id()))
    for (const Execution& x : list) (x.failed == 0 ? paid : refused)++;
  CHECK(paid > 20);
  CHECK(refused > 0);
  REQUIRE(node.Stop() == 0);
}

TEST_CASE(
    "each payee of a list order's execution reads its own leg; the payer and the treasurer "
    "read it whole",
    "[e2e][order][privacy]") {
  TempDir tmp;
  GenesisSpec spec = StandardGenesis();  // alice 100.00, carol 0, the association reads
  spec.members.push_back({"town", "municipality", 5'000'00});
  spec.time_zone = "Europe/Paris";
  const std::string data = tmp.Join("data");
  InitLedger(data, spec);
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  const auto id = [](const char* n) { return KeyFor(n).public_key(); };
  NodeProcess node(data, {"--trust-clock"});
  node.Start();
  Client c(node.channel());
  // Due today at 00:00 in Paris: the node runs it at once.
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const CivilTime today = paris.Civil(now);
  const auto date = static_cast<uint32_t>(today.year * 10000 + today.month * 100 + today.day);
  Operation op;
  op.ledger_id = c.ledger_id();
  op.account = id("town");
  op.sequence = 1;
  op.payload = Order({Leg{id("alice"), Amount(25'00), "indemnité d'Alice"},
                      Leg{id("carol"), Amount(10'00), "indemnité de Carole"}},
                     OrderSchedule::kMonthly, static_cast<uint32_t>(today.day), date, 1);
  const pb::SignedOperation placed = c.Sign(KeyFor("town"), op);
  REQUIRE(c.Submit(placed).status.ok());
  std::vector<pb::Receipt> carols;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((carols = c.HistoryAs(KeyFor("carol"), id("carol"))).empty() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(Millis(100));
  REQUIRE(carols.size() == 1);
  const pb::Receipt& r = carols[0];
  REQUIRE(r.has_redacted());
  CHECK(r.redacted().payer() == std::string(id("town").view()));
  CHECK(r.redacted().leg_count() == 2);
  REQUIRE(r.redacted().legs_size() == 1);
  CHECK(r.redacted().legs(0).to() == std::string(id("carol").view()));
  CHECK(r.redacted().legs(0).amount() == 10'00);
  // Which order and which of its executions: the payee can read its legs of the order with it.
  CHECK(r.redacted().order_id() == std::string(c.OperationIdOf(placed).view()));
  CHECK(r.redacted().execution() == 1);
  CHECK(r.operation_id().empty());
  CHECK(r.envelope().empty());
  CHECK_FALSE(r.has_operation());
  REQUIRE(r.postings_size() == 1);
  CHECK(r.postings(0).owner() == std::string(id("carol").view()));
  CHECK(r.postings(0).amount() == 10'00);
  const std::string bytes = r.SerializeAsString();
  CHECK(bytes.find(std::string(id("alice").view())) == std::string::npos);
  CHECK(bytes.find("indemnité d'Alice") == std::string::npos);
  // Alice's own view names her leg only.
  std::vector<pb::Receipt> alices = c.HistoryAs(KeyFor("alice"), id("alice"));
  REQUIRE_FALSE(alices.empty());
  REQUIRE(alices[0].has_redacted());
  REQUIRE(alices[0].redacted().legs_size() == 1);
  CHECK(alices[0].redacted().legs(0).amount() == 25'00);
  CHECK(alices[0].SerializeAsString().find(std::string(id("carol").view())) == std::string::npos);
  // The payer reads its execution whole, and so does the treasurer (the association).
  std::vector<pb::Receipt> towns = c.HistoryAs(KeyFor("town"), id("town"));
  REQUIRE(towns.size() == 2);  // the order, its execution
  CHECK_FALSE(towns[0].has_redacted());
  CHECK(towns[0].sequence() == r.sequence());
  CHECK(towns[0].entry_hash() == r.entry_hash());
  std::vector<pb::Receipt> treasurers = c.HistoryAs(KeyFor("association"), id("carol"));
  REQUIRE(treasurers.size() == 1);
  CHECK_FALSE(treasurers[0].has_redacted());
  CHECK(treasurers[0].envelope() == towns[0].envelope());
  REQUIRE(node.Stop() == 0);
}

}  // namespace
}  // namespace liard::e2e
