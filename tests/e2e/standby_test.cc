// Standbys (issue 23, step 1): a real liard-node following a real primary on loopback. Under
// load it ends with the primary's head hash and state digest, holds every acknowledged
// operation, serves reads, refuses writes naming the primary, survives its own SIGKILL and the
// primary's restart, and stops, without rewriting anything, on a primary whose history forks.
#include <signal.h>
#include <unistd.h>


#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "liard/v1/replication.grpc.pb.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// The standby's [replication]: it reads the journal with the association's key (treasurer).
std::string StandbyConfig(const TempDir& tmp, const std::string& name, const std::string& primary,
                          const std::string& ledger_hex, const std::string& extra = "") {
  const std::string config = tmp.Join(name + ".toml");
  WriteFile(config, StandbyToml(tmp, name, primary, ledger_hex, extra));
  return config;
}

// Sends `op` until the node answers it (a restart in between: the same envelope again is safe).
// Returns the final answer; `acked` tells whether it was applied.
SubmitOutcome SubmitUntilAnswered(Client& client, const pb::SignedOperation& op,
                                  const std::atomic<bool>& stop) {
  SubmitOutcome o;
  for (int attempt = 0; attempt < 400 && !stop; ++attempt) {
    o = client.Submit(op, Millis(5'000));
    const auto code = o.status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED &&
        code != grpc::StatusCode::CANCELLED)
      return o;
    std::this_thread::sleep_for(Millis(50));
  }
  return o;
}

TEST_CASE(
    "a standby follows a primary under load to the same head and state, holds every "
    "acknowledged operation, serves reads, refuses writes naming the primary, and survives its "
    "own SIGKILL and the primary's restart",
    "[e2e][standby]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("primary"), ReplicaGenesis());
  // Checkpoints often, so that the standby matches some against its own state digest.
  WriteFile(tmp.Join("primary.toml"), "[checkpoint]\nevery_entries = 25\nevery_seconds = 1\n");
  NodeProcess primary(tmp.Join("primary"), {"--config", tmp.Join("primary.toml")});
  const std::string primary_at = FreeAddress();
  primary.set_listen(primary_at);
  primary.Start();
  Client client(primary.channel());

  NodeProcess standby(tmp.Join("standby"),
                      {"--config", StandbyConfig(tmp, "standby", primary_at, ledger_hex,
                                                 "[metrics]\nlisten = \"127.0.0.1:0\"\n")});
  standby.Start();
  REQUIRE(Replication(standby).role() == pb::ReplicationStatus::STANDBY);
  REQUIRE(Replication(primary).role() == pb::ReplicationStatus::PRIMARY);

  // Three paying threads, each with its own account and sequence, one cent at a time.
  constexpr int kPerThread = 120;
  const std::vector<std::pair<std::string, std::string>> payers = {
      {"alice", "shop"}, {"bob", "shop"}, {"carol", "shop"}};
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::mutex mu;
  std::vector<Hash> acknowledged;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (const auto& [from, to] : payers) {
    threads.emplace_back([&, from = from, to = to] {
      Client c(MakeChannel(primary_at));
      for (int i = 1; i <= kPerThread && !stop; ++i) {
        const pb::SignedOperation op = c.SignTransfer(from, to, 1, static_cast<uint64_t>(i));
        SubmitOutcome o = SubmitUntilAnswered(c, op, stop);
        std::lock_guard lock(mu);
        if (o.status.ok()) {
          acknowledged.push_back(c.OperationIdOf(op));
        } else {
          failures.push_back(from + " #" + std::to_string(i) + ": " + o.status.error_message());
        }
        ++sent;
      }
    });
  }
  const auto wait_sent = [&](int n) {
    const auto deadline = Clock::now() + Millis(60'000);
    while (sent < n && Clock::now() < deadline) std::this_thread::sleep_for(Millis(10));
  };
  // The standby dies mid-stream and comes back: it resumes from its own head.
  wait_sent(60);
  standby.Kill();
  wait_sent(120);
  standby.Start();
  // The primary restarts (SIGTERM) on the same address: the standby reconnects by itself.
  wait_sent(200);
  REQUIRE(primary.Stop() == 0);
  primary.Start();
  for (auto& t : threads) t.join();
  INFO("failures: " << failures.size() << (failures.empty() ? "" : " first: " + failures[0]));
  REQUIRE(failures.empty());
  REQUIRE(acknowledged.size() == 3 * kPerThread);

  REQUIRE(CaughtUp(primary, standby));
  const pb::Head p = HeadOf(primary), s = HeadOf(standby);
  CHECK(s.sequence() == 3 * kPerThread);
  CHECK(s.head_hash() == p.head_hash());
  CHECK(s.state_digest() == p.state_digest());

  // Every acknowledged operation is on the standby, exactly once, and the chain verifies.
  Client on_standby(standby.channel());
  for (const Hash& id : acknowledged) {
    pb::Receipt r;
    REQUIRE(on_standby.GetOperation(id, &r).ok());
  }
  const std::vector<pb::JournalEntry> journal = on_standby.Journal(1);
  REQUIRE(journal.size() == 3 * kPerThread);
  CHECK(VerifyChain(journal, on_standby.ledger_id()).empty());
  Replay replay;
  CHECK(ReplayJournal(on_standby.genesis_bytes(), journal, &replay).empty());
  CHECK(replay.state.digest().view() == s.state_digest());

  // Reads: a private one signed for the standby, and the public ones.
  CHECK(on_standby.Balance("shop") == 3 * kPerThread);
  CHECK(on_standby.Balance("alice") == client.Balance("alice"));

  // Writes: refused UNAVAILABLE, code 6, naming the primary; nothing changes.
  const pb::SignedOperation extra = client.SignTransfer("alice", "bob", 1, kPerThread + 1);
  const SubmitOutcome refused = on_standby.Submit(extra);
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(refused.liard_code == "6");
  CHECK(Contains(refused.status.error_message(), primary_at));
  CHECK(HeadOf(standby).sequence() == 3 * kPerThread);

  // Its status: caught up, connected, and it matched at least one of the primary's checkpoints.
  const auto deadline = Clock::now() + Millis(10'000);
  pb::ReplicationStatus st = Replication(standby);
  while ((st.verified_checkpoint() == 0 || st.lag_entries() != 0) && Clock::now() < deadline) {
    std::this_thread::sleep_for(Millis(100));
    st = Replication(standby);
  }
  CHECK(st.primary() == primary_at);
  CHECK(st.connected());
  CHECK(st.lag_entries() == 0);
  CHECK(st.lag_ms() == 0);
  CHECK(st.verified_checkpoint() > 0);
  // The same figures on its metrics page.
  {
    const std::string page = MetricsPage(standby);
    REQUIRE(!page.empty());
    CHECK(Contains(page, "\nliard_replication_connected 1\n"));
    CHECK(Contains(page, "\nliard_replication_lag_entries 0\n"));
    CHECK(Contains(page, "\nliard_replication_lag_seconds 0.000\n"));
    CHECK(Contains(page, "\nliard_journal_head " + std::to_string(3 * kPerThread) + "\n"));
  }
  // Its checkpoint is the primary's, signed by the key the ledger names.
  pb::SignedCheckpoint ck;
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(5'000));
    REQUIRE(on_standby.stub().GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &ck).ok());
  }
  CHECK(ck.node_key() == client.Governance().node_key());
  CHECK(ck.sequence() >= st.verified_checkpoint());

  // A write sent to the primary now reaches the standby.
  REQUIRE(client.Submit(extra).status.ok());
  CHECK(CaughtUp(primary, standby));
  CHECK(standby.Stop() == 0);
}

TEST_CASE(
    "a standby stops, loudly and without rewriting anything, on a primary whose history forks "
    "from the one it holds",
    "[e2e][standby]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis());
  NodeProcess a(tmp.Join("a"));
  a.Start();
  {
    Client c(a.channel());
    for (uint64_t i = 1; i <= 5; ++i)
      REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1, i)).status.ok());
  }
  // B: a copy of A's data directory, taken while A is stopped; from here on they differ.
  REQUIRE(a.Stop() == 0);
  std::filesystem::copy(tmp.Join("a"), tmp.Join("b"), std::filesystem::copy_options::recursive);
  a.Start();
  NodeProcess b(tmp.Join("b"));
  b.Start();
  Client ca(a.channel()), cb(b.channel());
  REQUIRE(ca.Submit(ca.SignTransfer("alice", "bob", 100, 6)).status.ok());
  REQUIRE(cb.Submit(cb.SignTransfer("alice", "carol", 200, 6)).status.ok());
  REQUIRE(HeadOf(a).head_hash() != HeadOf(b).head_hash());

  NodeProcess standby(tmp.Join("standby"),
                      {"--config", StandbyConfig(tmp, "standby", a.target(), ledger_hex)});
  standby.Start();
  REQUIRE(CaughtUp(a, standby));
  REQUIRE(standby.Stop() == 0);
  const pb::Head held = HeadOf(a);

  // Pointed at B, whose entry 6 is another one: it stops with a non-zero status, saying why.
  StandbyConfig(tmp, "standby", b.target(), ledger_hex);
  standby.Launch();
  const auto deadline = Clock::now() + Millis(30'000);
  while (standby.running() && Clock::now() < deadline) std::this_thread::sleep_for(Millis(50));
  REQUIRE_FALSE(standby.running());
  CHECK(standby.Stop() == 1);
  CHECK(Contains(standby.err(), "event=follow-stopped"));
  CHECK(Contains(standby.err(), "a fork"));

  // Its store still holds A's history: pointed at A again, it starts and agrees with A.
  StandbyConfig(tmp, "standby", a.target(), ledger_hex);
  standby.Start();
  CHECK(HeadOf(standby).head_hash() == held.head_hash());
  REQUIRE(ca.Submit(ca.SignTransfer("alice", "bob", 100, 7)).status.ok());
  CHECK(CaughtUp(a, standby));
  CHECK(standby.Stop() == 0);

  // With its primary down, a standby still starts from what it holds and serves reads.
  const pb::Head last = HeadOf(a);
  REQUIRE(a.Stop() == 0);
  standby.Start();
  CHECK(HeadOf(standby).head_hash() == last.head_hash());
  Client cs(standby.channel());
  CHECK(cs.Balance("bob") == 50'00 + 5 + 100 + 100);
  CHECK_FALSE(Replication(standby).connected());
  CHECK(standby.Stop() == 0);
}

TEST_CASE("liard-node follow takes the standby's settings as flags", "[e2e][standby]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis());
  NodeProcess a(tmp.Join("a"));
  a.Start();
  Client ca(a.channel());
  for (uint64_t i = 1; i <= 3; ++i)
    REQUIRE(ca.Submit(ca.SignTransfer("carol", "shop", 2'00, i)).status.ok());
  const std::string seed = tmp.Join("reader.seed");
  WriteFile(seed, ToHex(testing::KeyFor("association").seed()) + "\n");
  ChildProcess follow(NodePath(),
                      {"follow", "--data", tmp.Join("s"), "--primary", a.target(), "--ledger",
                       ledger_hex, "--reader-key", seed, "--listen", "127.0.0.1:0"});
  REQUIRE(follow.WaitFor("liard-node listening on 127.0.0.1:", false, Millis(30'000)));
  static const std::regex kListening("liard-node listening on 127\\.0\\.0\\.1:([0-9]+)\n");
  std::smatch m;
  const std::string out = follow.out();
  REQUIRE(std::regex_search(out, m, kListening));
  Client cs(MakeChannel("127.0.0.1:" + m[1].str()));
  const auto deadline = Clock::now() + Millis(30'000);
  while (cs.Head().sequence() < 3 && Clock::now() < deadline)
    std::this_thread::sleep_for(Millis(50));
  CHECK(cs.Head().head_hash() == HeadOf(a).head_hash());
  CHECK(cs.Balance("shop") == 6'00);
  CHECK(follow.Signal(SIGTERM) == 0);
}

TEST_CASE("a standby refuses a primary that serves another ledger, and a bad [replication]",
          "[e2e][standby]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis());
  NodeProcess a(tmp.Join("a"));
  a.Start();
  std::string other = ledger_hex;
  other[0] = other[0] == '0' ? '1' : '0';
  CommandResult r = RunNode({"run", "--data", tmp.Join("s"), "--listen", "127.0.0.1:0", "--config",
                             StandbyConfig(tmp, "s", a.target(), other)});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "serves ledger " + ledger_hex));
  CHECK_FALSE(std::filesystem::exists(tmp.Join("s") + "/CURRENT"));

  WriteFile(tmp.Join("bad.toml"), "[replication]\nprimary = \"" + a.target() + "\"\nledger = \"" +
                                      ledger_hex + "\"\nreader_key = \"relative/seed\"\n");
  r = RunNode({"run", "--data", tmp.Join("s"), "--listen", "127.0.0.1:0", "--config",
               tmp.Join("bad.toml")});
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "reader_key must be an absolute path"));
}

}  // namespace
}  // namespace liard::e2e
