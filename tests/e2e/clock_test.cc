// The clock guard on the real liard-node: the node's wall clock is moved with libfaketime
// (Debian's `faketime`, preloaded; its offset read from a file at every call, the monotonic
// clock left real), and the node must stop writing, say so once, turn NOT_SERVING and never
// write an entry with the wrong time; reads go on. docs/operator.md, "The clock".
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "tests/e2e/fake_clock.h"
#include "tests/e2e/harness.h"

namespace liard::e2e {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr char kLedgerService[] = "liard.v1.LedgerService";

int LedgerHealth(const NodeProcess& node) {
  int serving = -1;
  grpc::Status s = HealthCheck(node.channel(), kLedgerService, &serving, Millis(2'000));
  return s.ok() ? serving : -1;
}

// Waits up to 5 s for the LedgerService health to be `want` (1 SERVING, 2 NOT_SERVING).
bool WaitHealth(const NodeProcess& node, int want) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (LedgerHealth(node) == want) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return false;
}

// Initialises a ledger in tmp/data, runs the node on it for one payment (alice's, sequence 1)
// and stops it; returns the data directory.
std::string LedgerWithOnePayment(const TempDir& tmp) {
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1, 1)).status.ok());
  REQUIRE(node.Stop() == 0);
  return data;
}

// The latest entry time of the journal.
int64_t LatestEntryTime(Client& c) {
  int64_t latest = 0;
  for (const pb::JournalEntry& e : c.Journal()) latest = std::max<int64_t>(latest, e.time_ms());
  return latest;
}

TEST_CASE("a clock jump of a year while running stops writes until the clock is back", "[clock]") {
  TempDir tmp;
  FakeClock clock(tmp);  // before the node starts, so that it runs under libfaketime
  RunningLedger ledger;
  NodeProcess& node = ledger.node;
  Client& c = ledger.client();
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1, 1)).status.ok());
  REQUIRE(LedgerHealth(node) == 1);

  clock.Set("+365d");
  CHECK(WaitHealth(node, 2));
  SubmitOutcome refused = c.Submit(c.SignTransfer("alice", "bob", 2, 2));
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(refused.status.error_message().find("clock is not trusted") != std::string::npos);
  CHECK(refused.liard_code == "6");
  // Reads go on (signed reads are bound to the reader's time, so a public one here).
  CHECK(c.Head().sequence() == 1);
  CHECK(c.Reserves().circulation() > 0);
  // One critical line for the jump, however many refusals.
  for (int i = 0; i < 10; ++i) c.Submit(c.SignTransfer("alice", "bob", 2, 2));
  CHECK(Count(node.err(), "critical event=clock-untrusted reason=jumped") == 1);

  clock.Set("+0");
  CHECK(WaitHealth(node, 1));
  CHECK(node.err().find("event=clock-trusted") != std::string::npos);
  CHECK(c.Submit(c.SignTransfer("alice", "bob", 2, 2)).status.ok());
  CHECK(c.Head().sequence() == 2);
  // No entry carries the year-ahead time.
  CHECK(LatestEntryTime(c) < NowMs() + kDayMs);
  CHECK(node.Stop() == 0);
}

TEST_CASE("a restart with the clock a year past the journal writes only with --trust-clock",
          "[clock]") {
  TempDir tmp;
  FakeClock clock(tmp);
  const std::string data = LedgerWithOnePayment(tmp);
  clock.Set("+365d");
  {
    NodeProcess node(data);
    node.Start();
    Client c(node.channel());
    CHECK(WaitHealth(node, 2));
    SubmitOutcome refused = c.Submit(c.SignTransfer("alice", "bob", 2, 2));
    CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(c.Head().sequence() == 1);
    CHECK(Count(node.err(), "critical event=clock-untrusted reason=past-max-gap") == 1);
    REQUIRE(node.Stop() == 0);
  }
  {
    NodeProcess node(data, {"--trust-clock"});
    node.Start();
    Client c(node.channel());
    CHECK(WaitHealth(node, 1));
    CHECK(c.Submit(c.SignTransfer("alice", "bob", 2, 2)).status.ok());
    CHECK(node.err().find("event=clock-untrusted") == std::string::npos);
    REQUIRE(node.Stop() == 0);
  }
}

TEST_CASE("a restart with the clock a day behind the journal refuses writes", "[clock]") {
  TempDir tmp;
  FakeClock clock(tmp);
  const std::string data = LedgerWithOnePayment(tmp);
  clock.Set("-1d");
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  CHECK(WaitHealth(node, 2));
  SubmitOutcome refused = c.Submit(c.SignTransfer("alice", "bob", 2, 2));
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(c.Head().sequence() == 1);
  CHECK(Count(node.err(), "critical event=clock-untrusted reason=behind-journal") == 1);
  // Back within tolerance of the journal: writes resume by themselves.
  clock.Set("+0");
  CHECK(WaitHealth(node, 1));
  CHECK(c.Submit(c.SignTransfer("alice", "bob", 2, 2)).status.ok());
  CHECK(node.Stop() == 0);
}

TEST_CASE("init with a clock in 1960 refuses with a sentence", "[clock]") {
  TempDir tmp;
  FakeClock clock(tmp);
  clock.Set("@1960-01-01 00:00:00");
  CommandResult r = RunNode({"init", "--data", tmp.Join("data"), "--demo"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("before 2000") != std::string::npos);
  CHECK(r.err.find("Assertion") == std::string::npos);
  CHECK(Count(r.err, "\n") == 1);
}

}  // namespace
}  // namespace liard::e2e
