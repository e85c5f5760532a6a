// Synchronous standbys (issue 23, step 2): a real primary with sync_standbys = 1 and a real
// standby on loopback. Every operation the primary acknowledges is in the standby's durable
// store at that moment (the standby SIGKILLed at random moments, its store then read); with the
// standby gone, writes fail UNAVAILABLE within the timeout ("fail") or wait until it is back
// ("wait"); acks from a stranger, or that do not match the primary's entry, count for nothing.
#include <unistd.h>

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "liard/v1/replication.grpc.pb.h"
#include "node/store.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// The primary's config: one listed standby, "s1", counted for `k` copies.
std::string PrimaryConfig(const TempDir& tmp, int k, int timeout_ms, const std::string& mode) {
  const std::string path = tmp.Join("primary.toml");
  WriteFile(path, "[metrics]\nlisten = \"127.0.0.1:0\"\n[replication]\nsync_standbys = " +
                      std::to_string(k) + "\nsync_timeout_ms = " + std::to_string(timeout_ms) +
                      "\non_sync_timeout = \"" + mode + "\"\nstandbys = [\"s1=" + ReaderIdHex() +
                      "\"]\n");
  return path;
}

std::string StandbyConfig(const TempDir& tmp, const std::string& primary,
                          const std::string& ledger_hex) {
  const std::string config = tmp.Join("s1.toml");
  WriteFile(config, StandbyToml(tmp, "s1", primary, ledger_hex, "name = \"s1\"\n"));
  return config;
}

// Waits (bounded) until the primary counts its standby's copy up to its own head.
bool StandbyCounted(NodeProcess& primary, Millis timeout = Millis(30'000)) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const pb::ReplicationStatus st = Replication(primary);
    if (st.standbys_size() == 1 && st.standbys(0).connected() &&
        st.sync_watermark() == st.sequence())
      return true;
    std::this_thread::sleep_for(Millis(20));
  }
  return false;
}

TEST_CASE(
    "with sync_standbys = 1, every operation the primary acknowledges is already in its "
    "standby's durable store, whenever the standby is killed; writes wait while it is down",
    "[e2e][sync]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("primary"), ReplicaGenesis());
  NodeProcess primary(tmp.Join("primary"), {"--config", PrimaryConfig(tmp, 1, 200, "wait")});
  const std::string primary_at = FreeAddress();
  primary.set_listen(primary_at);
  primary.Start();
  NodeProcess standby(tmp.Join("s1"), {"--config", StandbyConfig(tmp, primary_at, ledger_hex)});
  standby.Start();
  REQUIRE(StandbyCounted(primary));

  // Three paying threads, one cent at a time; each acknowledged operation id is recorded.
  constexpr int kPerThread = 150;
  const std::vector<std::string> payers = {"alice", "bob", "carol"};
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::mutex mu;
  std::vector<Hash> acknowledged;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (const std::string& from : payers) {
    threads.emplace_back([&, from] {
      Client c(MakeChannel(primary_at));
      for (int i = 1; i <= kPerThread && !stop; ++i) {
        const pb::SignedOperation op = c.SignTransfer(from, "shop", 1, static_cast<uint64_t>(i));
        // "wait": an answer comes once the standby holds it, however long it was down.
        SubmitOutcome o = c.Submit(op, Millis(60'000));
        std::lock_guard lock(mu);
        if (o.status.ok()) {
          acknowledged.push_back(c.OperationIdOf(op));
        } else {
          failures.push_back(from + " #" + std::to_string(i) + ": " + o.status.error_message());
        }
        ++answered;
      }
    });
  }
  // SIGKILL the standby at random moments; at each, every operation acknowledged so far must be
  // in the store it left on disk.
  const uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  int kills = 0;
  size_t checked = 0;
  for (int round = 0; round < 3; ++round) {
    const int target = (round + 1) * 3 * kPerThread / 4 + static_cast<int>(rng() % 40);
    const auto deadline = Clock::now() + Millis(60'000);
    while (answered < target && Clock::now() < deadline) std::this_thread::sleep_for(Millis(2));
    std::this_thread::sleep_for(Millis(rng() % 20));
    standby.Kill();
    ++kills;
    std::vector<Hash> acked_now;
    {
      std::lock_guard lock(mu);
      acked_now = acknowledged;
    }
    {
      std::unique_ptr<node::Store> store;
      REQUIRE(node::Store::Open(tmp.Join("s1"), false, &store).ok());
      size_t missing = 0;
      for (const Hash& id : acked_now) {
        uint64_t seq = 0;
        if (!store->FindOperation(id, &seq).ok()) ++missing;
      }
      INFO("round " << round << ": acknowledged " << acked_now.size());
      CHECK(missing == 0);
      checked += acked_now.size();
    }
    // While it is down, writes wait: nothing is answered for a while.
    const int before = answered;
    std::this_thread::sleep_for(Millis(300));
    CHECK(answered - before <= 3);  // at most the answers already on their way
    standby.Start();
  }
  for (auto& t : threads) t.join();
  INFO("failures: " << failures.size() << (failures.empty() ? "" : " first: " + failures[0]));
  CHECK(failures.empty());
  CHECK(acknowledged.size() == 3 * kPerThread);
  CHECK(kills == 3);
  CHECK(checked > 0);

  // The primary's view: the standby holds everything; waits were counted.
  REQUIRE(StandbyCounted(primary));
  const pb::ReplicationStatus st = Replication(primary);
  CHECK(st.sync_standbys() == 1);
  CHECK(st.standbys(0).name() == "s1");
  CHECK(st.standbys(0).acked_sequence() == st.sequence());
  CHECK_FALSE(st.standbys(0).forked());
  const std::string page = MetricsPage(primary);
  CHECK(Contains(page, "\nliard_sync_watermark " + std::to_string(st.sequence()) + "\n"));
  CHECK(Contains(page, "liard_sync_standby_acked_sequence{standby=\"s1\"} " +
                           std::to_string(st.sequence()) + "\n"));
  CHECK(Contains(page, "\nliard_sync_standby_connected{standby=\"s1\"} 1\n"));
  CHECK(Contains(page, "\nliard_sync_timeouts_total "));  // the waits past 200 ms were logged
  CHECK(Contains(primary.err(), "event=sync-waiting"));
  CHECK(standby.Stop() == 0);
  CHECK(primary.Stop() == 0);
}

TEST_CASE(
    "with on_sync_timeout = fail, a write the standby cannot confirm is answered UNAVAILABLE "
    "within the timeout, kept in the primary's journal, and reaches the standby once it is back",
    "[e2e][sync]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("primary"), ReplicaGenesis());
  NodeProcess primary(tmp.Join("primary"), {"--config", PrimaryConfig(tmp, 1, 800, "fail")});
  const std::string primary_at = FreeAddress();
  primary.set_listen(primary_at);
  primary.Start();
  Client client(primary.channel());

  // Before any standby connected: the write fails, it does not succeed silently.
  const pb::SignedOperation first = client.SignTransfer("alice", "shop", 1'00, 1);
  auto t0 = Clock::now();
  SubmitOutcome o = client.Submit(first);
  auto took = Clock::now() - t0;
  CHECK(o.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(o.liard_code == "6");
  CHECK(Contains(o.status.error_message(), "look it up by operation id"));
  CHECK(took >= Millis(700));
  CHECK(took < Millis(5'000));
  // It is in the primary's journal all the same.
  pb::Receipt r;
  CHECK(client.GetOperation(client.OperationIdOf(first), &r).ok());

  NodeProcess standby(tmp.Join("s1"), {"--config", StandbyConfig(tmp, primary_at, ledger_hex)});
  standby.Start();
  REQUIRE(StandbyCounted(primary));
  // The same envelope again: now confirmed, answered as the first result.
  o = client.Submit(first);
  REQUIRE(o.status.ok());
  CHECK(o.response.duplicate());
  REQUIRE(client.Submit(client.SignTransfer("alice", "shop", 1'00, 2)).status.ok());

  // The standby dies: writes fail within the timeout, and none is acknowledged.
  standby.Kill();
  std::vector<std::future<SubmitOutcome>> pending;
  t0 = Clock::now();
  // Three payers at once, each with its own sequence.
  for (const auto& [from, seq] :
       std::vector<std::pair<std::string, uint64_t>>{{"alice", 3}, {"bob", 1}, {"carol", 1}})
    pending.push_back(std::async(std::launch::async, [&, from = from, seq = seq] {
      Client c(MakeChannel(primary_at));
      return c.Submit(c.SignTransfer(from, "shop", 1'00, seq), Millis(10'000));
    }));
  for (auto& f : pending) {
    const SubmitOutcome x = f.get();
    CHECK(x.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  }
  took = Clock::now() - t0;
  CHECK(took < Millis(5'000));
  CHECK(Contains(primary.err(), "event=sync-timeout"));
  const uint64_t head = Client(primary.channel()).Head().sequence();
  CHECK(head == 5);  // kept in the primary's journal: durable there, outcome unknown

  // Back: it copies them, and writes are acknowledged again.
  standby.Start();
  REQUIRE(StandbyCounted(primary));
  CHECK(Client(standby.channel()).Head().sequence() == 5);
  REQUIRE(client.Submit(client.SignTransfer("alice", "shop", 1'00, 4)).status.ok());
  CHECK(Contains(MetricsPage(primary), "\nliard_sync_timeouts_total 4\n"));
  CHECK(standby.Stop() == 0);
  CHECK(primary.Stop() == 0);
}

// What a standby signs, written here from docs/protocol.md ("Synchronous standbys").
std::string AckMessage(const Hash& ledger, const std::string& nonce, uint64_t sequence,
                       const Hash& hash, const std::string& name) {
  std::string m("liard/v1/standby-ack", 20);
  m.push_back('\0');
  m.append(ledger.view());
  m.append(nonce);
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<char>((sequence >> (8 * i)) & 0xff));
  m.append(hash.view());
  m.append(name);
  return m;
}

// A ReportDurable stream opened by the test: it reads the challenge, then sends acks.
struct AckStream {
  grpc::ClientContext ctx;
  std::unique_ptr<pb::ReplicationService::Stub> stub;
  std::unique_ptr<grpc::ClientReaderWriter<pb::StandbyAck, pb::SyncChallenge>> rw;
  pb::SyncChallenge challenge;

  explicit AckStream(const std::shared_ptr<grpc::Channel>& channel)
      : stub(pb::ReplicationService::NewStub(channel)) {
    SetDeadline(&ctx, Millis(20'000));
    rw = stub->ReportDurable(&ctx);
    REQUIRE(rw->Read(&challenge));
  }
  bool Send(const std::string& name, const KeyPair& key, uint64_t sequence, const Hash& hash,
            const std::string& nonce_override = "") {
    Hash ledger;
    REQUIRE(ledger.Assign(challenge.ledger_id()));
    pb::StandbyAck ack;
    ack.set_name(name);
    ack.set_public_key(std::string(key.public_key().view()));
    ack.set_sequence(sequence);
    ack.set_entry_hash(std::string(hash.view()));
    const std::string nonce = nonce_override.empty() ? challenge.nonce() : nonce_override;
    ack.set_signature(
        std::string(key.Sign(AckMessage(ledger, nonce, sequence, hash, name)).view()));
    return rw->Write(ack);
  }
  grpc::Status End() {
    rw->WritesDone();
    return rw->Finish();
  }
};

TEST_CASE(
    "a stranger's acks, an ack signed for another stream and an ack of another history count "
    "for nothing; the listed standby's signed ack releases the write",
    "[e2e][sync]") {
  TempDir tmp;
  InitLedger(tmp.Join("primary"), ReplicaGenesis());
  NodeProcess primary(tmp.Join("primary"), {"--config", PrimaryConfig(tmp, 1, 1'500, "fail")});
  primary.Start();
  Client client(primary.channel());
  const KeyPair association = testing::KeyFor("association");
  const KeyPair bob = testing::KeyFor("bob");

  // The write waits; meanwhile, acks that must not count.
  auto write = std::async(std::launch::async, [&] {
    Client c(primary.channel());
    return c.Submit(c.SignTransfer("alice", "shop", 1'00, 1), Millis(10'000));
  });
  uint64_t seq = 0;
  const auto deadline = Clock::now() + Millis(5'000);
  while (seq == 0 && Clock::now() < deadline) seq = client.Head().sequence();
  REQUIRE(seq == 1);
  Hash hash;
  REQUIRE(hash.Assign(client.Head().head_hash()));
  {  // the listed name, signed by another key
    AckStream s(primary.channel());
    s.Send("s1", bob, seq, hash);
    const grpc::Status st = s.End();
    CHECK(st.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(Contains(st.error_message(), "current key"));
  }
  {  // a name the primary does not list
    AckStream s(primary.channel());
    s.Send("s2", association, seq, hash);
    const grpc::Status st = s.End();
    CHECK(st.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(Contains(st.error_message(), "does not list"));
  }
  {  // the right key, signed over another stream's challenge (a replayed ack)
    AckStream s(primary.channel());
    s.Send("s1", association, seq, hash, std::string(32, 'x'));
    const grpc::Status st = s.End();
    CHECK(st.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(Contains(st.error_message(), "signature"));
  }
  SubmitOutcome o = write.get();
  CHECK(o.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  pb::ReplicationStatus st = Replication(primary);
  CHECK(st.sync_watermark() == 0);
  CHECK(st.standbys(0).acked_sequence() == 0);

  {  // the listed standby, but with another entry at that sequence: a fork, not counted
    AckStream s(primary.channel());
    Hash other = hash;
    other.data[0] ^= 1;
    s.Send("s1", association, seq, other);
    const grpc::Status end = s.End();
    CHECK(end.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(Contains(primary.err(), "event=standby-forked"));
    st = Replication(primary);
    CHECK(st.standbys(0).forked());
    CHECK(st.sync_watermark() == 0);
  }
  // The listed standby's true ack: the next write is released by it.
  AckStream good(primary.channel());
  REQUIRE(good.Send("s1", association, seq, hash));
  auto second = std::async(std::launch::async, [&] {
    Client c(primary.channel());
    return c.Submit(c.SignTransfer("alice", "shop", 1'00, 2), Millis(10'000));
  });
  uint64_t seq2 = 0;
  const auto deadline2 = Clock::now() + Millis(5'000);
  while (seq2 < 2 && Clock::now() < deadline2) seq2 = client.Head().sequence();
  REQUIRE(seq2 == 2);
  Hash hash2;
  REQUIRE(hash2.Assign(client.Head().head_hash()));
  REQUIRE(good.Send("s1", association, seq2, hash2));
  o = second.get();
  CHECK(o.status.ok());
  st = Replication(primary);
  CHECK(st.standbys(0).connected());
  CHECK_FALSE(st.standbys(0).forked());
  CHECK(st.sync_watermark() == 2);
  good.ctx.TryCancel();

  // A bad [replication] on a primary: clear errors, exit 2.
  WriteFile(tmp.Join("bad.toml"),
            "[replication]\nsync_standbys = 2\nstandbys = [\"s1=" + ReaderIdHex() + "\"]\n");
  CommandResult r = RunNode({"run", "--data", tmp.Join("x"), "--listen", "127.0.0.1:0", "--config",
                             tmp.Join("bad.toml")});
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "sync_standbys = 2 but standbys lists 1"));
  WriteFile(tmp.Join("bad.toml"), "[replication]\non_sync_timeout = \"maybe\"\n");
  r = RunNode({"run", "--data", tmp.Join("x"), "--listen", "127.0.0.1:0", "--config",
               tmp.Join("bad.toml")});
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "on_sync_timeout must be"));
  WriteFile(tmp.Join("bad.toml"), "[replication]\nstandbys = [\"s1\"]\n");
  r = RunNode({"run", "--data", tmp.Join("x"), "--listen", "127.0.0.1:0", "--config",
               tmp.Join("bad.toml")});
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "NAME=ACCOUNT-ID"));
  CHECK(primary.Stop() == 0);
}

TEST_CASE(
    "a standby's web port forwards a page's payment to its primary, and reads from its own copy",
    "[e2e][standby][web]") {
  TempDir tmp;
  const std::string ledger_hex = InitLedger(tmp.Join("primary"), ReplicaGenesis());
  NodeProcess primary(tmp.Join("primary"));
  const std::string primary_at = FreeAddress();
  primary.set_listen(primary_at);
  primary.Start();
  NodeProcess standby(tmp.Join("s1"), {"--config", StandbyConfig(tmp, primary_at, ledger_hex),
                                       "--web-listen", "127.0.0.1:0"});
  standby.Start();
  REQUIRE(standby.web_port() > 0);
  Client client(primary.channel());
  const auto post = [&](const std::string& method, const google::protobuf::Message& m) {
    std::string json;
    REQUIRE(google::protobuf::util::MessageToJsonString(m, &json).ok());
    httplib::Client h("127.0.0.1", standby.web_port());
    h.set_read_timeout(35, 0);
    return h.Post(("/liard.v1.LedgerService/" + method).c_str(),
                  httplib::Headers{{"Connect-Protocol-Version", "1"}}, json, "application/json");
  };
  pb::SubmitRequest req;
  *req.mutable_operation() = client.SignTransfer("alice", "shop", 2'50, 1);
  auto r = post("Submit", req);
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 200);
  pb::SubmitResponse resp;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r->body, &resp).ok());
  CHECK(resp.sequence() == 1);
  CHECK(client.Head().sequence() == 1);
  // Its reads are its own: GetHead answers from the standby's copy.
  const auto deadline = Clock::now() + Millis(10'000);
  while (Client(standby.channel()).Head().sequence() < 1 && Clock::now() < deadline)
    std::this_thread::sleep_for(Millis(20));
  r = post("GetHead", pb::GetHeadRequest());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(Contains(r->body, "\"sequence\":\"1\""));
  // The primary gone: the write is refused (503), and nothing is applied.
  REQUIRE(primary.Stop() == 0);
  *req.mutable_operation() = client.SignTransfer("alice", "shop", 2'50, 2);
  r = post("Submit", req);
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(Client(standby.channel()).Head().sequence() == 1);
  CHECK(standby.Stop() == 0);
}

// Not a test (hidden, never run by ctest): the figures of docs/operator.md, "Synchronous
// standbys", measured with real processes on this machine. Run it alone:
//   build/tests/node_e2e_tests "[sync-bench]"
TEST_CASE("measure what synchronous standbys cost: one client's latency, eight clients' rate",
          "[.][sync-bench]") {
  constexpr int kSingle = 400, kPerClient = 300, kClients = 8;
  for (const std::string mode : {"primary alone", "async standby", "sync_standbys = 1"}) {
    TempDir tmp;
    GenesisSpec spec = ReplicaGenesis();
    for (int i = 1; i <= kClients; ++i)
      spec.members.push_back({"p" + std::to_string(i), "resident", 100'00});
    const std::string ledger_hex = InitLedger(tmp.Join("primary"), spec);
    std::vector<std::string> args;
    if (mode != "primary alone")
      args = {"--config", PrimaryConfig(tmp, mode == "async standby" ? 0 : 1, 5'000, "fail")};
    NodeProcess primary(tmp.Join("primary"), args);
    const std::string primary_at = FreeAddress();
    primary.set_listen(primary_at);
    primary.Start();
    std::unique_ptr<NodeProcess> standby;
    if (mode != "primary alone") {
      standby = std::make_unique<NodeProcess>(
          tmp.Join("s1"),
          std::vector<std::string>{"--config", StandbyConfig(tmp, primary_at, ledger_hex)});
      standby->Start();
      REQUIRE(StandbyCounted(primary));
    }
    Client one(MakeChannel(primary_at));
    std::vector<int64_t> us;
    for (int i = 1; i <= kSingle; ++i) {
      const pb::SignedOperation op = one.SignTransfer("p1", "shop", 1, static_cast<uint64_t>(i));
      const auto t0 = Clock::now();
      REQUIRE(one.Submit(op).status.ok());
      us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int c = 1; c <= kClients; ++c)
      threads.emplace_back([&, c] {
        Client cl(MakeChannel(primary_at));
        const std::string from = "p" + std::to_string(c);
        const uint64_t first = c == 1 ? kSingle + 1 : 1;
        for (uint64_t i = first; i < first + kPerClient; ++i)
          if (!cl.Submit(cl.SignTransfer(from, "shop", 1, i)).status.ok()) ++failed;
      });
    for (auto& t : threads) t.join();
    const double seconds =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count() / 1e6;
    CHECK(failed == 0);
    std::printf("%-18s one client: p50 %.2f ms, p99 %.2f ms; %d clients: %.0f transfers/s\n",
                mode.c_str(), us[us.size() / 2] / 1000.0, us[us.size() * 99 / 100] / 1000.0,
                kClients, kClients * kPerClient / seconds);
    std::fflush(stdout);
    if (standby) CHECK(standby->Stop() == 0);
    CHECK(primary.Stop() == 0);
  }
}

}  // namespace
}  // namespace liard::e2e
