// Leadership and fencing through etcd (issue 23, step 3): real liard-node processes and a real
// etcd (Debian's etcd-server) on loopback. A primary with [leadership] takes the leader key,
// writes the key's revision as the term of every entry, and stops acknowledging writes within
// half its lease once it cannot renew it; when the primary dies, a standby that holds its whole
// journal takes the key and becomes the primary.
#include <signal.h>
#include <unistd.h>


#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
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

TEST_CASE(
    "a primary with [leadership] writes its leader key's revision as every entry's term and "
    "acknowledges nothing once half its lease passed without a renewal",
    "[e2e][failover]") {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  etcd.Start();
  const std::string ledger_hex = InitLedger(tmp.Join("primary"), ReplicaGenesis(7));
  const std::string address = FreeAddress();
  constexpr int kTtl = 4;
  WriteFile(tmp.Join("primary.toml"), LeadershipToml(etcd, "a", address, kTtl, 1));
  NodeProcess primary(tmp.Join("primary"), {"--config", tmp.Join("primary.toml")});
  primary.set_listen(address);
  primary.Start();
  const uint64_t term = WaitLeading(primary, Millis(15'000));
  REQUIRE(term > 0);
  // The term is the revision at which etcd created the leader key.
  CHECK(etcd.CreateRevision("/liard/" + ledger_hex + "/leader") == static_cast<int64_t>(term));

  Client client(primary.channel());
  for (uint64_t i = 1; i <= 5; ++i) {
    SubmitOutcome o = client.Submit(client.SignTransfer("alice", "shop", 1, i));
    REQUIRE(o.status.ok());
    pb::Receipt r;
    REQUIRE(
        client.GetOperation(client.OperationIdOf(client.SignTransfer("alice", "shop", 1, i)), &r)
            .ok());
    CHECK(r.term() == term);
  }
  std::vector<pb::JournalEntry> journal = client.Journal();
  REQUIRE(journal.size() == 5);
  for (const auto& e : journal) CHECK(e.term() == term);
  CHECK(VerifyChain(journal, client.ledger_id()) == "");
  // A changed term changes the entry's hash: the chain no longer verifies.
  std::vector<pb::JournalEntry> altered = journal;
  altered[2].set_term(term + 1);
  CHECK(VerifyChain(altered, client.ledger_id()) != "");

  // etcd gone: the lease cannot be renewed. Within half the lease (plus a renewal period) the
  // node refuses writes, UNAVAILABLE; nothing is acknowledged after that deadline.
  etcd.Kill();
  const auto killed = Clock::now();
  const auto deadline = killed + Millis(kTtl * 1000 / 2);
  std::string refusal;
  uint64_t next = 6;
  bool late_ack = false;
  while (Clock::now() < killed + Millis(kTtl * 1000 * 2)) {
    // The node's deadline is at most half a lease after its last renewal, sent before the kill:
    // a write sent after `deadline` reaches it fenced.
    const auto sent_at = Clock::now();
    const SubmitOutcome o =
        client.Submit(client.SignTransfer("alice", "shop", 1, next), Millis(3'000));
    if (o.status.ok()) {
      ++next;
      if (sent_at > deadline) late_ack = true;  // sent after the deadline, yet acknowledged
    } else {
      REQUIRE(o.status.error_code() == grpc::StatusCode::UNAVAILABLE);
      refusal = o.status.error_message();
      CHECK(o.liard_code == "6");
      break;
    }
    std::this_thread::sleep_for(Millis(20));
  }
  CHECK_FALSE(late_ack);
  // Refused before it was applied, or (the deadline passed during its fsync) written but not
  // acknowledged: then it is in the journal, unacknowledged, and its resend settles it.
  const bool during_write = Contains(refusal, "lapsed while it wrote");
  INFO("refusal: " << refusal);
  CHECK((Contains(refusal, "not sure it is still the primary") || during_write));
  // And it stays so: a write a second later is refused too and applied nowhere.
  std::this_thread::sleep_for(Millis(1'000));
  SubmitOutcome later = client.Submit(client.SignTransfer("alice", "shop", 1, next));
  CHECK(later.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  const size_t in_journal = client.Journal().size();
  CHECK(in_journal >= 5 + (next - 6));
  CHECK(in_journal <= 5 + (next - 6) + (during_write ? 1 : 0));
  CHECK(Contains(primary.err(), "event=leadership-lapsed"));

  // etcd back with its data: the lease it kept is renewed, the same term goes on.
  etcd.Start();
  const auto back = Clock::now() + Millis(20'000);
  SubmitOutcome resumed;
  while (Clock::now() < back) {
    resumed = client.Submit(client.SignTransfer("alice", "shop", 1, next));
    if (resumed.status.ok()) break;
    std::this_thread::sleep_for(Millis(200));
  }
  REQUIRE(resumed.status.ok());
  journal = client.Journal();
  CHECK(journal.back().term() >= term);
  CHECK(VerifyChain(journal, client.ledger_id()) == "");
  CHECK(primary.Stop() == 0);
}

// The kill scenario: a primary and two standbys with [leadership], three paying threads of
// `per_thread` transfers each, the primary SIGKILLed `kill_delay` after the standbys caught up.
// Returns how long, in ms, until a standby said it leads.
// With `rejoin`, the old primary then starts again as a standby of the new one and catches up.
int64_t KillScenario(int per_thread, Millis kill_delay, bool rejoin = false) {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  etcd.Start();
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis(7));
  constexpr int kTtl = 3;
  const std::string a_at = FreeAddress();
  const std::string b_at = FreeAddress();
  const std::string c_at = FreeAddress();
  // Two standbys, both of which must report before either may take the key.
  WriteFile(tmp.Join("a.toml"), LeadershipToml(etcd, "a", a_at, kTtl, 2));
  WriteFile(tmp.Join("b.toml"),
            StandbyToml(tmp, "b", a_at, ledger_hex, LeadershipToml(etcd, "b", b_at, kTtl, 2)));
  WriteFile(tmp.Join("c.toml"),
            StandbyToml(tmp, "c", a_at, ledger_hex, LeadershipToml(etcd, "c", c_at, kTtl, 2)));
  NodeProcess a(tmp.Join("a"), {"--config", tmp.Join("a.toml")});
  a.set_listen(a_at);
  a.Start();
  NodeProcess b(tmp.Join("b"), {"--config", tmp.Join("b.toml")});
  b.set_listen(b_at);
  b.Start();
  NodeProcess c(tmp.Join("c"), {"--config", tmp.Join("c.toml")});
  c.set_listen(c_at);
  c.Start();
  uint64_t first_term = 0;
  REQUIRE(WaitNewLeader({&a}, Millis(20'000), &first_term) == &a);

  // Three paying threads.
  const int kPerThread = per_thread;
  const std::vector<std::string> payers = {"alice", "bob", "carol"};
  std::mutex mu;
  std::vector<Hash> acknowledged;
  std::vector<std::thread> threads;
  for (const std::string& from : payers)
    threads.emplace_back([&, from] {
      Client cl(MakeChannel(a_at));
      for (int i = 1; i <= kPerThread; ++i) {
        const pb::SignedOperation op = cl.SignTransfer(from, "shop", 1, static_cast<uint64_t>(i));
        SubmitOutcome o = cl.Submit(op, Millis(5'000));
        if (o.status.ok()) {
          std::lock_guard lock(mu);
          acknowledged.push_back(cl.OperationIdOf(op));
        }
      }
    });
  for (auto& t : threads) t.join();
  REQUIRE(acknowledged.size() == 3 * kPerThread);
  // Without synchronous standbys (issue 23 step 2) only entries a standby holds survive the
  // primary: wait until both do, then crash it.
  REQUIRE(CaughtUp(a, b));
  REQUIRE(CaughtUp(a, c));
  const pb::Head before = HeadOf(a);
  std::this_thread::sleep_for(kill_delay);
  a.Kill();
  const auto killed = Clock::now();

  uint64_t term = 0;
  NodeProcess* leader = WaitNewLeader({&b, &c}, Millis(kTtl * 1000 + 10'000), &term);
  REQUIRE(leader != nullptr);
  const auto took = std::chrono::duration_cast<Millis>(Clock::now() - killed).count();
  INFO("a standby was primary " << took << " ms after the kill");
  CHECK(took < kTtl * 1000 + 5'000);
  CHECK(term > first_term);
  NodeProcess* other = leader == &b ? &c : &b;

  // Every acknowledged operation, exactly once, on the new primary; it writes under its term.
  Client on_leader(leader->channel());
  for (const Hash& id : acknowledged) {
    pb::Receipt r;
    REQUIRE(on_leader.GetOperation(id, &r).ok());
    CHECK(r.term() == first_term);
  }
  SubmitOutcome next;
  const auto write_deadline = Clock::now() + Millis(10'000);
  while (Clock::now() < write_deadline) {
    next = on_leader.Submit(on_leader.SignTransfer("alice", "bob", 5, kPerThread + 1));
    if (next.status.ok()) break;
    std::this_thread::sleep_for(Millis(100));
  }
  REQUIRE(next.status.ok());
  std::vector<pb::JournalEntry> journal = on_leader.Journal();
  REQUIRE(journal.size() == before.sequence() + 1);
  CHECK(journal.back().term() == term);
  CHECK(VerifyChain(journal, on_leader.ledger_id()) == "");
  std::set<std::string> ids;
  Replay replay;
  CHECK(ReplayJournal(on_leader.genesis_bytes(), journal, &replay).empty());
  for (const Hash& id : replay.op_ids) CHECK(ids.insert(std::string(id.view())).second);
  // The other standby follows the new primary: it gets the new entry.
  REQUIRE(CaughtUp(*leader, *other));
  // A write sent to it is refused, naming the new primary.
  Client on_other(other->channel());
  const SubmitOutcome refused =
      on_other.Submit(on_other.SignTransfer("bob", "alice", 1, kPerThread + 1));
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(refused.status.error_message(), leader == &b ? b_at : c_at));
  CHECK(Contains(leader->err(), "event=promoted"));
  if (rejoin) {
    // Its journal is a prefix of the new primary's (the standbys held all of it): restarted as a
    // standby of the new primary, it follows, and takes no key while one is held.
    const std::string leader_at = leader == &b ? b_at : c_at;
    WriteFile(tmp.Join("a2.toml"), StandbyToml(tmp, "a", leader_at, ledger_hex,
                                               LeadershipToml(etcd, "a", a_at, kTtl, 2)));
    NodeProcess again(tmp.Join("a"), {"--config", tmp.Join("a2.toml")});
    again.set_listen(a_at);
    again.Start();
    REQUIRE(CaughtUp(*leader, again));
    CHECK(HeadOf(again).state_digest() == HeadOf(*leader).state_digest());
    CHECK(Replication(again.channel()).role() == pb::ReplicationStatus::STANDBY);
    CHECK(Replication(again.channel()).primary() == leader_at);
  }
  return took;
}

TEST_CASE(
    "when the primary is SIGKILLed, a standby holding its whole journal takes the leader key "
    "within seconds, keeps every acknowledged operation once, writes under a higher term, and "
    "the other standby follows it",
    "[e2e][failover]") {
  KillScenario(40, Millis(0), /*rejoin=*/true);
}

// The long-running check (docs/operator.md, "Failover"): the kill scenario many times, each
// round's load and kill time drawn from its seed, printed. Not in the default run:
//   LIARD_FAILOVER_ROUNDS=50 build/tests/node_e2e_tests '[failover-soak]'
TEST_CASE("the kill scenario, repeated with a seed per round", "[failover-soak][soak]") {
  const char* rounds_env = std::getenv("LIARD_FAILOVER_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::atoi(rounds_env) : 10;
  const char* seed_env = std::getenv("LIARD_FAILOVER_SEED");
  uint32_t seed = seed_env != nullptr ? static_cast<uint32_t>(std::strtoul(seed_env, nullptr, 10))
                                      : static_cast<uint32_t>(std::random_device{}());
  int64_t worst = 0, total = 0;
  for (int round = 1; round <= rounds; ++round, ++seed) {
    std::mt19937 rng(seed);
    const int per_thread = 5 + static_cast<int>(rng() % 60);
    const Millis delay(rng() % 1'000);
    std::printf(
        "failover round %d/%d seed %u: %d transfers per payer, kill %lld ms after catch-up\n",
        round, rounds, seed, per_thread, static_cast<long long>(delay.count()));
    std::fflush(stdout);
    INFO("round " << round << " seed " << seed << " (LIARD_FAILOVER_SEED=" << seed
                  << " LIARD_FAILOVER_ROUNDS=1 repeats it)");
    const int64_t took = KillScenario(per_thread, delay);
    std::printf("failover round %d: a standby led %lld ms after the kill\n", round,
                static_cast<long long>(took));
    worst = std::max(worst, took);
    total += took;
  }
  std::printf("failover: %d rounds, all passed; takeover %lld ms on average, %lld ms at worst\n",
              rounds, static_cast<long long>(total / std::max(rounds, 1)),
              static_cast<long long>(worst));
}

TEST_CASE(
    "a primary paused past its lease acknowledges nothing once resumed: a standby took over, "
    "and every acknowledgement the old primary sent is in the new primary's journal",
    "[e2e][failover]") {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  etcd.Start();
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis(7));
  constexpr int kTtl = 3;
  const std::string a_at = FreeAddress();
  const std::string b_at = FreeAddress();
  WriteFile(tmp.Join("a.toml"), LeadershipToml(etcd, "a", a_at, kTtl, 1));
  WriteFile(tmp.Join("b.toml"),
            StandbyToml(tmp, "b", a_at, ledger_hex, LeadershipToml(etcd, "b", b_at, kTtl, 1)));
  NodeProcess a(tmp.Join("a"), {"--config", tmp.Join("a.toml")});
  a.set_listen(a_at);
  a.Start();
  uint64_t first_term = 0;
  REQUIRE(WaitNewLeader({&a}, Millis(20'000), &first_term) == &a);
  NodeProcess b(tmp.Join("b"), {"--config", tmp.Join("b.toml")});
  b.set_listen(b_at);
  b.Start();

  std::mutex mu;
  std::vector<Hash> acked_by_a;
  Client client(MakeChannel(a_at));
  for (uint64_t i = 1; i <= 20; ++i) {
    const pb::SignedOperation op = client.SignTransfer("alice", "shop", 1, i);
    REQUIRE(client.Submit(op).status.ok());
    acked_by_a.push_back(client.OperationIdOf(op));
  }
  REQUIRE(CaughtUp(a, b));

  // Paused: a stand-in for a partition. Payers keep sending to it; their calls wait.
  REQUIRE(::kill(a.pid(), SIGSTOP) == 0);
  std::atomic<int> refused{0};
  std::vector<std::thread> payers;
  for (const std::string& from : {"bob", "carol"})
    payers.emplace_back([&, from] {
      Client c(MakeChannel(a_at));
      for (uint64_t i = 1; i <= 3; ++i) {
        const pb::SignedOperation op = c.SignTransfer(from, "shop", 1, i);
        SubmitOutcome o = c.Submit(op, Millis(30'000));
        std::lock_guard lock(mu);
        if (o.status.ok()) {
          acked_by_a.push_back(c.OperationIdOf(op));
        } else {
          ++refused;
        }
      }
    });
  uint64_t term = 0;
  REQUIRE(WaitNewLeader({&b}, Millis(kTtl * 1000 + 10'000), &term) == &b);
  CHECK(term > first_term);
  Client on_b(b.channel());
  const auto write_deadline = Clock::now() + Millis(10'000);
  SubmitOutcome on_new;
  while (Clock::now() < write_deadline) {
    on_new = on_b.Submit(on_b.SignTransfer("alice", "bob", 2, 21));
    if (on_new.status.ok()) break;
    std::this_thread::sleep_for(Millis(100));
  }
  REQUIRE(on_new.status.ok());

  // Resumed: its deadline passed long ago; it acknowledges nothing more.
  REQUIRE(::kill(a.pid(), SIGCONT) == 0);
  for (auto& t : payers) t.join();
  CHECK(refused == 6);
  const std::vector<pb::JournalEntry> journal = on_b.Journal();
  std::set<std::string> on_new_primary;
  for (const auto& e : journal) {
    pb::SignedOperation so;
    REQUIRE(so.ParseFromString(e.envelope()));
    on_new_primary.insert(std::string(on_b.OperationIdOf(so).view()));
  }
  for (const Hash& id : acked_by_a) CHECK(on_new_primary.count(std::string(id.view())) == 1);
  CHECK(VerifyChain(journal, on_b.ledger_id()) == "");
  // It learns it was deposed and sends writers to the new primary.
  const auto learn_deadline = Clock::now() + Millis(10'000);
  SubmitOutcome redirected;
  while (Clock::now() < learn_deadline) {
    redirected = client.Submit(client.SignTransfer("alice", "shop", 1, 21));
    if (Contains(redirected.status.error_message(), b_at)) break;
    std::this_thread::sleep_for(Millis(100));
  }
  CHECK(redirected.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(redirected.status.error_message(), b_at));
  CHECK(Contains(a.err(), "event=leadership-lost"));
}

TEST_CASE("[leadership] is refused on a ledger whose entries carry no term", "[e2e][failover]") {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  GenesisSpec spec = ReplicaGenesis(7);
  spec.genesis_version = 0;  // init's default, 6
  InitLedger(tmp.Join("node"), spec);
  WriteFile(tmp.Join("node.toml"), LeadershipToml(etcd, "a", "127.0.0.1:7421", 4, 1));
  CommandResult r = RunNode({"run", "--data", tmp.Join("node"), "--config", tmp.Join("node.toml"),
                             "--listen", "127.0.0.1:0"});
  CHECK(r.exit_code != 0);
  CHECK(Contains(r.err, "[leadership] needs a ledger whose entries carry the primary's term"));
  CHECK(Contains(r.err, "--genesis-version 7"));
}

}  // namespace
}  // namespace liard::e2e
