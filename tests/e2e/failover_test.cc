// Leadership and fencing through etcd (issue 23, step 3): real liard-node processes and a real
// etcd (Debian's etcd-server) on loopback. A primary with [leadership] takes the leader key,
// writes the key's revision as the term of every entry, and stops acknowledging writes within
// half its lease once it cannot renew it; when the primary dies, a standby that holds its whole
// journal takes the key and becomes the primary.
#include <signal.h>
#include <unistd.h>

#include <sodium.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
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
  ClusterNode a(tmp, "a", a_at);
  ClusterNode b(tmp, "b", b_at);
  ClusterNode c(tmp, "c", c_at);
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
  REQUIRE(acknowledged.size() == 3 * static_cast<size_t>(kPerThread));
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
  const SubmitOutcome next = SubmitUntilAcknowledged(
      on_leader, on_leader.SignTransfer("alice", "bob", 5, kPerThread + 1), Millis(10'000));
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

int64_t SyncKillScenario(size_t acked_before_kill, bool rejoin);

// The long-running check (docs/operator.md, "Failover"): the two kill scenarios many times, the
// old primary rejoining as a standby each time; each round's scenario, load and kill time drawn
// from its seed, printed. Not in the default run:
//   LIARD_FAILOVER_ROUNDS=50 build/tests/node_e2e_tests '[failover-soak]'
TEST_CASE("the kill scenarios, repeated with a seed per round", "[failover-soak][soak]") {
  const char* rounds_env = std::getenv("LIARD_FAILOVER_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::atoi(rounds_env) : 10;
  const char* seed_env = std::getenv("LIARD_FAILOVER_SEED");
  uint32_t seed = seed_env != nullptr ? static_cast<uint32_t>(std::strtoul(seed_env, nullptr, 10))
                                      : static_cast<uint32_t>(std::random_device{}());
  int64_t worst = 0, total = 0;
  for (int round = 1; round <= rounds; ++round, ++seed) {
    std::mt19937 rng(seed);
    const bool sync = rng() % 2 == 1;
    const int per_thread = 5 + static_cast<int>(rng() % 60);
    const Millis delay(rng() % 1'000);
    const size_t before_kill = 1 + rng() % 60;
    if (sync)
      std::printf(
          "failover round %d/%d seed %u: synchronous standbys, kill under load once %zu "
          "operations were acknowledged\n",
          round, rounds, seed, before_kill);
    else
      std::printf(
          "failover round %d/%d seed %u: %d transfers per payer, kill %lld ms after catch-up\n",
          round, rounds, seed, per_thread, static_cast<long long>(delay.count()));
    std::fflush(stdout);
    INFO("round " << round << " seed " << seed << " (LIARD_FAILOVER_SEED=" << seed
                  << " LIARD_FAILOVER_ROUNDS=1 repeats it)");
    const int64_t took = sync ? SyncKillScenario(before_kill, /*rejoin=*/true)
                              : KillScenario(per_thread, delay, /*rejoin=*/true);
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
  constexpr int kTtl = 3;
  PrimaryAndStandby nodes(tmp, kTtl);
  ClusterNode& a = *nodes.a;
  ClusterNode& b = *nodes.b;
  const std::string &a_at = nodes.a_at, &b_at = nodes.b_at;
  const uint64_t first_term = nodes.first_term;

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
  for (const char* from : {"bob", "carol"})
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
  const SubmitOutcome on_new =
      SubmitUntilAcknowledged(on_b, on_b.SignTransfer("alice", "bob", 2, 21), Millis(10'000));
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

// The rejoin scenario (issue 23, step 3): a primary "a" with one synchronous standby "b"
// (sync_standbys = 1, on_sync_timeout = fail). b is paused, so a writes entries it never has
// acknowledged (UNAVAILABLE: "outcome unknown"); then a is paused (or killed) and b, which holds
// every acknowledged entry, takes the key and writes on. a, resumed (or started again with its
// own config), sees b's newer term, sets its unacknowledged entries aside in DATA/set-aside/,
// cuts its journal back to the common prefix and follows b by itself.
enum class Back { kResumed, kRestarted, kCrashBeforeCut };

void RejoinScenario(Back back) {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  etcd.Start();
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis(7));
  constexpr int kTtl = 3;
  const std::string a_at = "127.0.0.1:" + std::to_string(FreePort());
  const std::string b_at = "127.0.0.1:" + std::to_string(FreePort());
  // b's [replication] is a standby's, named "b"; a's lists b as synchronous and holds what it
  // needs to follow once deposed (ledger, reader_key).
  const std::string b_toml = StandbyToml(
      tmp, "b", a_at, ledger_hex, "name = \"b\"\n" + LeadershipToml(etcd, "b", b_at, kTtl, 1));
  WriteFile(tmp.Join("b.toml"), b_toml);
  // a's: a standby's section without `primary` (StandbyToml's, with its reader seed file).
  WriteFile(tmp.Join("a.toml"),
            StandbyToml(tmp, "a", "", ledger_hex,
                        "sync_standbys = 1\nsync_timeout_ms = 500\non_sync_timeout = "
                        "\"fail\"\nstandbys = [\"b=" +
                            ReaderIdHex() + "\"]\nname = \"a\"\n" +
                            LeadershipToml(etcd, "a", a_at, kTtl, 1)));
  ClusterNode a(tmp, "a", a_at);
  const uint64_t first_term = WaitLeading(a, Millis(20'000));
  REQUIRE(first_term > 0);
  ClusterNode b(tmp, "b", b_at);

  Client client(MakeChannel(a_at));
  std::set<std::string> acked, unacked;
  const auto id_of = [&](const pb::SignedOperation& op) {
    return std::string(client.OperationIdOf(op).view());
  };
  // Acknowledged: b confirmed each (retried with the same envelope until b is counted).
  for (uint64_t i = 1; i <= 5; ++i) {
    const pb::SignedOperation op = client.SignTransfer("alice", "shop", 1, i);
    REQUIRE(SubmitUntilAcknowledged(client, op, Millis(20'000)).status.ok());
    acked.insert(id_of(op));
  }
  // b down: a writes three entries that b cannot confirm; each is answered UNAVAILABLE. (b is
  // killed, not paused: a paused process's socket still takes in what a sends it.)
  b.Kill();
  for (const auto& [from, seq] :
       std::vector<std::pair<std::string, uint64_t>>{{"bob", 1}, {"bob", 2}, {"carol", 1}}) {
    const pb::SignedOperation op = client.SignTransfer(from, "shop", 2, seq);
    const SubmitOutcome o = client.Submit(op, Millis(5'000));
    REQUIRE(o.status.error_code() == grpc::StatusCode::UNAVAILABLE);
    unacked.insert(id_of(op));
  }
  REQUIRE(HeadOf(a).sequence() == 8);
  // a paused (or killed), b back: b holds every acknowledged entry and takes the key once a's
  // lease lapsed.
  if (back == Back::kResumed) {
    REQUIRE(::kill(a.pid(), SIGSTOP) == 0);
  } else {
    a.Kill();
  }
  b.Start();
  uint64_t term = 0;
  REQUIRE(WaitNewLeader({&b}, Millis(kTtl * 1000 + 15'000), &term) == &b);
  CHECK(term > first_term);
  Client on_b(b.channel());
  for (uint64_t i = 6; i <= 7; ++i) {
    const pb::SignedOperation op = on_b.SignTransfer("alice", "shop", 1, i);
    REQUIRE(SubmitUntilAcknowledged(on_b, op, Millis(10'000)).status.ok());
    acked.insert(id_of(op));
  }

  const std::string set_aside = tmp.Join("a") + "/set-aside";
  if (back == Back::kCrashBeforeCut) {
    // Stopped between the side file and the cut: the side file is there, the journal whole.
    ::setenv("LIARD_TEST_STOP_BEFORE_CUT", "1", 1);
    a.Launch();
    ::unsetenv("LIARD_TEST_STOP_BEFORE_CUT");
    const auto deadline = Clock::now() + Millis(30'000);
    while (Clock::now() < deadline && !Contains(a.err(), "event=entries-set-aside"))
      std::this_thread::sleep_for(Millis(100));
    REQUIRE(Contains(a.err(), "event=entries-set-aside"));
    CHECK(a.Stop() == 70);
  }
  if (back == Back::kResumed) {
    REQUIRE(::kill(a.pid(), SIGCONT) == 0);
  } else {
    a.Start();
  }
  // By itself, a ends up following b, its journal equal to b's.
  bool following = false;
  const auto deadline = Clock::now() + Millis(40'000);
  while (Clock::now() < deadline && !following) {
    try {
      const pb::ReplicationStatus st = Replication(a.channel());
      following = st.role() == pb::ReplicationStatus::STANDBY && st.primary() == b_at &&
                  HeadOf(a).head_hash() == HeadOf(b).head_hash();
    } catch (const std::exception&) {
    }
    if (!following) std::this_thread::sleep_for(Millis(200));
  }
  INFO(a.err());
  REQUIRE(following);
  const std::vector<pb::JournalEntry> on_a = Client(a.channel()).Journal();
  const std::vector<pb::JournalEntry> journal = on_b.Journal();
  REQUIRE(on_a.size() == journal.size());
  for (size_t i = 0; i < journal.size(); ++i)
    CHECK(on_a[i].entry_hash() == journal[i].entry_hash());
  CHECK(HeadOf(a).state_digest() == HeadOf(b).state_digest());
  CHECK(VerifyChain(journal, on_b.ledger_id()) == "");
  // Every acknowledged operation on both, exactly once; none of the unacknowledged ones.
  std::multiset<std::string> ids;
  for (const auto& e : journal) {
    pb::SignedOperation so;
    REQUIRE(so.ParseFromString(e.envelope()));
    ids.insert(id_of(so));
  }
  for (const std::string& id : acked) CHECK(ids.count(id) == 1);
  for (const std::string& id : unacked) CHECK(ids.count(id) == 0);
  CHECK(journal.size() == 7);

  // The side file(s): exactly the entries a wrote after the common prefix, 6 to 8, all
  // unacknowledged. After a crash before the cut, a second file holds the same entries.
  std::vector<std::string> files;
  REQUIRE(std::filesystem::is_directory(set_aside));
  for (const auto& f : std::filesystem::directory_iterator(set_aside))
    files.push_back(f.path().string());
  std::sort(files.begin(), files.end());
  CHECK(files.size() == (back == Back::kCrashBeforeCut ? 2u : 1u));
  for (const std::string& file : files) {
    INFO(file);
    CHECK(Contains(file, "-term-" + std::to_string(term) + ".jsonl"));
    std::set<std::string> in_file;
    std::vector<uint64_t> sequences;
    std::istringstream lines(ReadFile(file));
    for (std::string line; std::getline(lines, line);) {
      const auto j = nlohmann::json::parse(line);
      sequences.push_back(j["sequence"].get<uint64_t>());
      CHECK(j["term"].get<uint64_t>() == first_term);
      std::string id;
      REQUIRE(FromHex(j["operation_id"].get<std::string>(), &id));
      in_file.insert(id);
      // The envelope as written: the very bytes its signer can send again.
      const std::string b64 = j["envelope"].get<std::string>();
      std::string envelope(b64.size(), '\0');
      size_t len = 0;
      REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(envelope.data()), envelope.size(),
                                b64.data(), b64.size(), nullptr, &len, nullptr,
                                sodium_base64_VARIANT_ORIGINAL) == 0);
      envelope.resize(len);
      pb::SignedOperation so;
      REQUIRE(so.ParseFromString(envelope));
      CHECK(id_of(so) == id);
    }
    CHECK(sequences == std::vector<uint64_t>{6, 7, 8});
    CHECK(in_file == unacked);
  }
  CHECK(Contains(a.err(), "event=entries-set-aside"));
  CHECK(Contains(a.err(), "event=journal-cut kept=5 removed=3"));

  // The treasurer lists them, then sends them again to the new primary: the very same
  // envelopes, each applied once; a second run finds them all in the ledger.
  CommandResult listed = RunNode({"set-aside", "--file", files.front()});
  CHECK(listed.exit_code == 0);
  CHECK(Contains(listed.out, "3 entries set aside"));
  CHECK(Contains(listed.out, "\n7  "));
  CommandResult sent = RunNode({"set-aside", "--file", files.front(), "--send", b_at});
  INFO(sent.out << sent.err);
  CHECK(sent.exit_code == 0);
  CHECK(Contains(sent.out, "applied now at entry 8"));
  CHECK(Contains(sent.out, "applied now at entry 10"));
  CHECK(Contains(sent.out, "each settled"));
  sent = RunNode({"set-aside", "--file", files.back(), "--send", b_at});
  CHECK(sent.exit_code == 0);
  CHECK(Contains(sent.out, "already in the ledger at entry 9"));
  CHECK_FALSE(Contains(sent.out, "applied now"));
  REQUIRE(CaughtUp(b, a));
  const std::vector<pb::JournalEntry> after = on_b.Journal();
  REQUIRE(after.size() == 10);
  for (size_t i = 7; i < after.size(); ++i) {
    pb::SignedOperation so;
    REQUIRE(so.ParseFromString(after[i].envelope()));
    CHECK(unacked.count(id_of(so)) == 1);
  }
  CHECK(a.Stop() == 0);
  CHECK(b.Stop() == 0);
}

TEST_CASE(
    "a deposed primary, resumed after a pause past its lease, sets aside the entries it wrote but "
    "never had acknowledged, cuts its journal back and follows the new primary by itself",
    "[e2e][failover][rejoin]") {
  RejoinScenario(Back::kResumed);
}

TEST_CASE(
    "a primary killed with unacknowledged entries and started again with its own config sets "
    "them aside and follows the new primary",
    "[e2e][failover][rejoin]") {
  RejoinScenario(Back::kRestarted);
}

TEST_CASE(
    "a crash between the side file and the cut leaves the whole old journal: the next start sets "
    "the same entries aside in a new file, then cuts",
    "[e2e][failover][rejoin]") {
  RejoinScenario(Back::kCrashBeforeCut);
}

// The kill under load with synchronous standbys: a primary and two standbys, each listing the two
// others as synchronous (K = 1, N = 2, min_candidates 2); three payers; the primary SIGKILLed once
// `acked_before_kill` operations were acknowledged. The standby promoted keeps the promise (every
// acknowledged operation once; with its other standby down it acknowledges nothing). With
// `rejoin`, the old primary starts again with its own config: it sets aside what it wrote and
// was never acknowledged, cuts, follows. Returns how long, in ms, until a standby said it leads.
int64_t SyncKillScenario(size_t acked_before_kill, bool rejoin) {
  TempDir tmp;
  Etcd etcd(tmp.Join("etcd"));
  etcd.Start();
  const std::string ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis(7));
  constexpr int kTtl = 3;
  const std::map<std::string, std::string> at = {
      {"a", FreeAddress()}, {"b", FreeAddress()}, {"c", FreeAddress()}};
  // N = 2 standbys, K = 1 synchronous: min_candidates = N - K + 1 = 2. Each node lists the two
  // others as its synchronous standbys, for when it leads.
  const auto sync_of = [&](const std::string& self) {
    std::string list;
    for (const auto& [name, address] : at)
      if (name != self)
        list += std::string(list.empty() ? "" : ", ") + "\"" + name + "=" + ReaderIdHex() + "\"";
    return "name = \"" + self +
           "\"\nsync_standbys = 1\nsync_timeout_ms = 1000\non_sync_timeout = \"fail\"\nstandbys = "
           "[" +
           list + "]\n" + LeadershipToml(etcd, self, at.at(self), kTtl, 2);
  };
  // a holds what it needs to follow once deposed (ledger, reader_key).
  WriteFile(tmp.Join("a.toml"), StandbyToml(tmp, "a", "", ledger_hex, sync_of("a")));
  for (const std::string name : {"b", "c"})
    WriteFile(tmp.Join(name + ".toml"),
              StandbyToml(tmp, name, at.at("a"), ledger_hex, sync_of(name)));
  std::map<std::string, std::unique_ptr<NodeProcess>> nodes;
  for (const auto& [name, address] : at) {
    nodes[name] = std::make_unique<NodeProcess>(
        tmp.Join(name), std::vector<std::string>{"--config", tmp.Join(name + ".toml")});
    nodes[name]->set_listen(address);
  }
  NodeProcess& a = *nodes["a"];
  for (const auto& [name, node] : nodes) node->Start();
  // Equal heads at the first election: the smallest name, a, takes the key.
  uint64_t first_term = 0;
  REQUIRE(WaitNewLeader({&a}, Millis(20'000), &first_term) == &a);

  // Three payers under load; a is killed while they pay.
  std::mutex mu;
  std::vector<Hash> acknowledged;
  std::vector<std::thread> threads;
  for (const std::string from : {"alice", "bob", "carol"})
    threads.emplace_back([&, from] {
      Client cl(MakeChannel(at.at("a")));
      for (uint64_t i = 1; i <= 40; ++i) {
        const pb::SignedOperation op = cl.SignTransfer(from, "shop", 1, i);
        SubmitOutcome o = cl.Submit(op, Millis(3'000));
        if (o.status.ok()) {
          std::lock_guard lock(mu);
          acknowledged.push_back(cl.OperationIdOf(op));
        }
      }
    });
  const auto load_deadline = Clock::now() + Millis(20'000);
  while (Clock::now() < load_deadline) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= acked_before_kill) break;
    }
    std::this_thread::sleep_for(Millis(10));
  }
  a.Kill();
  const auto killed = Clock::now();
  for (auto& t : threads) t.join();
  INFO("acknowledged before the kill: " << acknowledged.size());
  REQUIRE(acknowledged.size() >= acked_before_kill);

  uint64_t term = 0;
  NodeProcess* leader =
      WaitNewLeader({nodes["b"].get(), nodes["c"].get()}, Millis(kTtl * 1000 + 15'000), &term);
  REQUIRE(leader != nullptr);
  const int64_t took = std::chrono::duration_cast<Millis>(Clock::now() - killed).count();
  CHECK(term > first_term);
  NodeProcess* other = leader == nodes["b"].get() ? nodes["c"].get() : nodes["b"].get();
  Client on_leader(leader->channel());
  // Every acknowledged operation, exactly once.
  for (const Hash& id : acknowledged) {
    pb::Receipt r;
    CHECK(on_leader.GetOperation(id, &r).ok());
  }
  std::vector<pb::JournalEntry> journal = on_leader.Journal();
  CHECK(VerifyChain(journal, on_leader.ledger_id()) == "");
  Replay replay;
  CHECK(ReplayJournal(on_leader.genesis_bytes(), journal, &replay).empty());
  std::set<std::string> ids;
  for (const Hash& id : replay.op_ids) CHECK(ids.insert(std::string(id.view())).second);

  // Its synchronous standby is the other one, which now reports to it: a write is acknowledged
  // once the other holds it.
  pb::AccountInfo alice;
  REQUIRE(on_leader.GetAccount(testing::KeyFor("alice").public_key(), &alice).ok());
  const uint64_t alice_next = alice.sequence() + 1;
  const SubmitOutcome next = SubmitUntilAcknowledged(
      on_leader, on_leader.SignTransfer("alice", "bob", 5, alice_next), Millis(20'000));
  INFO(next.status.error_message() << "\n--- leader:\n"
                                   << leader->err() << "\n--- other:\n"
                                   << other->err());
  REQUIRE(next.status.ok());
  pb::ReplicationStatus st = Replication(*leader);
  CHECK(st.sync_standbys() == 1);
  CHECK(st.sync_watermark() >= next.response.sequence());
  CHECK(HeadOf(*other).sequence() >= next.response.sequence());
  if (rejoin) {
    // The old primary, started again with its own config, sees the newer term: what it wrote
    // and was never acknowledged goes to its side file, and it follows the new primary.
    a.Start();
    bool following = false;
    const auto deadline = Clock::now() + Millis(40'000);
    while (Clock::now() < deadline && !following) {
      try {
        following = Replication(a).role() == pb::ReplicationStatus::STANDBY &&
                    HeadOf(a).head_hash() == HeadOf(*leader).head_hash();
      } catch (const std::exception&) {
      }
      if (!following) std::this_thread::sleep_for(Millis(200));
    }
    INFO(a.err());
    REQUIRE(following);
    CHECK(HeadOf(a).state_digest() == HeadOf(*leader).state_digest());
    // Nothing acknowledged was set aside; what was set aside is not in the ledger.
    std::set<std::string> acked_ids;
    for (const Hash& id : acknowledged) acked_ids.insert(std::string(id.view()));
    const std::string dir = tmp.Join("a") + "/set-aside";
    size_t set_aside = 0;
    if (std::filesystem::is_directory(dir))
      for (const auto& f : std::filesystem::directory_iterator(dir)) {
        std::vector<std::string> aside;
        std::istringstream lines(ReadFile(f.path().string()));
        for (std::string line; std::getline(lines, line);) {
          std::string id;
          REQUIRE(FromHex(nlohmann::json::parse(line)["operation_id"].get<std::string>(), &id));
          CHECK(acked_ids.count(id) == 0);
          ++set_aside;
          pb::Receipt r;
          Hash h;
          REQUIRE(h.Assign(id));
          CHECK(on_leader.GetOperation(h, &r).error_code() == grpc::StatusCode::NOT_FOUND);
        }
      }
    std::printf("the old primary rejoined, %zu unacknowledged entries set aside\n", set_aside);
    CHECK(a.Stop() == 0);
  }
  // Without its standbys, the new primary acknowledges nothing: UNAVAILABLE, outcome unknown.
  other->Kill();
  const SubmitOutcome alone =
      on_leader.Submit(on_leader.SignTransfer("alice", "bob", 5, alice_next + 1), Millis(10'000));
  CHECK(alone.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Contains(alone.status.error_message(), "fewer than 1 standby"));
  CHECK(leader->Stop() == 0);
  return took;
}

TEST_CASE(
    "a standby promoted by etcd keeps the synchronous promise: every operation acknowledged "
    "before the kill is on it once, the other standby reports to it, the old primary sets aside "
    "what was never acknowledged and follows, and without its standbys it acknowledges nothing",
    "[e2e][failover][sync]") {
  SyncKillScenario(20, /*rejoin=*/true);
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
