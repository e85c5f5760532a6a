// Streams against the real node: capped per peer and in all, no thread each, bounded memory for a
// lagging client, a thread cap on the synchronous server, and a clear answer to a request that
// does not decode. Many streams are held by one StreamFlood (harness.h): no client thread each.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;
using Clock = std::chrono::steady_clock;

const std::string kWatch = "/liard.v1.LedgerService/Watch";
const std::string kJournal = "/liard.v1.LedgerService/StreamJournal";
const std::string kReflection = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }

struct Node {
  TempDir tmp;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Client> client;

  explicit Node(const std::string& config_toml) {
    const std::string data = tmp.Join("data");
    InitLedger(data, StandardGenesis());
    WriteFile(tmp.Join("node.toml"), config_toml);
    node = std::make_unique<NodeProcess>(
        data, std::vector<std::string>{"--config", tmp.Join("node.toml")});
    node->Start();
    client = std::make_unique<Client>(node->channel());
  }
  Client& c() { return *client; }
};

std::string Limits(int total, int per_peer) {
  return "[limits]\nmax_streams = " + std::to_string(total) +
         "\nmax_streams_per_peer = " + std::to_string(per_peer) + "\n";
}

// A Watch request for `account`, signed by the account itself.
std::string WatchBytes(Client& c, std::string_view account, uint64_t from) {
  const AccountId id = Id(account);
  pb::WatchRequest req;
  req.set_account(std::string(id.view()));
  req.set_from_sequence(from);
  ReadCall call{"Watch", &id};
  call.from_sequence = from;
  *req.mutable_auth() = c.SignRead(KeyFor(account), call);
  return req.SerializeAsString();
}

// A following StreamJournal request, signed by the association (a treasurer).
std::string FollowBytes(Client& c) {
  pb::StreamJournalRequest req;
  req.set_from_sequence(1);
  req.set_follow(true);
  ReadCall call{"StreamJournal", nullptr};
  call.from_sequence = 1;
  call.follow = true;
  *req.mutable_auth() = c.SignRead(KeyFor("association"), call);
  return req.SerializeAsString();
}

// GetHead's latency, in milliseconds (it must answer OK).
int64_t HeadMs(Client& c) {
  const auto t0 = Clock::now();
  pb::Head head = c.Head();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// The median of a few GetHead calls: a shared test machine may stall any one call.
int64_t HeadMedianMs(Client& c, int n = 5) {
  std::vector<int64_t> ms;
  for (int i = 0; i < n; ++i) ms.push_back(HeadMs(c));
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

TEST_CASE("streams beyond the per-peer cap are RESOURCE_EXHAUSTED and the others keep working",
          "[e2e][streams]") {
  Node n(Limits(8, 4));
  Client& c = n.c();
  StreamFlood flood(n.node->channel());
  for (int i = 0; i < 4; ++i) {
    const std::string req = WatchBytes(c, "shop", 0);
    flood.Open(kWatch, &req, true, true, Millis(30'000));
  }
  flood.Settle(Millis(1'000));
  REQUIRE(flood.open() == 4);

  // The fifth from the same address, a Watch or a StreamJournal, is refused with the cap named.
  const std::string watch = WatchBytes(c, "shop", 0);
  const size_t fifth = flood.Open(kWatch, &watch, true, true, Millis(30'000));
  const std::string follow = FollowBytes(c);
  const size_t sixth = flood.Open(kJournal, &follow, true, true, Millis(30'000));
  REQUIRE(flood.Settle(Millis(5'000), [&] { return flood.ended(fifth) && flood.ended(sixth); }));
  for (size_t i : {fifth, sixth}) {
    INFO("call " << i << ": " << flood.status(i).error_message());
    CHECK(flood.status(i).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(flood.status(i).error_message().find("max_streams_per_peer = 4") != std::string::npos);
  }
  CHECK(flood.open() == 4);

  // Reads still answer at once, and the four open streams get the shop's receipt.
  CHECK(HeadMedianMs(c) < 200);
  REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 1'00, 1)).status.ok());
  REQUIRE(flood.Settle(Millis(5'000), [&] {
    for (size_t i = 0; i < 4; ++i)
      if (flood.messages(i) != 1) return false;
    return true;
  }));

  // A stream that ends gives its place back.
  flood.Cancel(0);
  REQUIRE(flood.Settle(Millis(5'000), [&] { return flood.ended(0); }));
  bool accepted = false;
  for (int attempt = 0; attempt < 20 && !accepted; ++attempt) {
    const std::string again = WatchBytes(c, "shop", 0);
    const size_t i = flood.Open(kWatch, &again, true, true, Millis(30'000));
    flood.Settle(Millis(250));
    accepted = !flood.ended(i);
  }
  CHECK(accepted);
}

TEST_CASE("streams beyond the node's total cap are RESOURCE_EXHAUSTED", "[e2e][streams]") {
  Node n(Limits(3, 16));
  Client& c = n.c();
  StreamFlood flood(n.node->channel());
  for (int i = 0; i < 3; ++i) {
    const std::string req = FollowBytes(c);
    flood.Open(kJournal, &req, true, true, Millis(30'000));
  }
  flood.Settle(Millis(1'000));
  REQUIRE(flood.open() == 3);
  const std::string watch = WatchBytes(c, "bob", 0);
  const size_t extra = flood.Open(kWatch, &watch, true, true, Millis(30'000));
  REQUIRE(flood.Settle(Millis(5'000), [&] { return flood.ended(extra); }));
  INFO(flood.status(extra).error_message());
  CHECK(flood.status(extra).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(flood.status(extra).error_message().find("max_streams = 3") != std::string::npos);
  // The followers still follow: each gets the new entry.
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  const size_t before = flood.messages(0);
  CHECK(flood.Settle(Millis(5'000), [&] {
    return flood.messages(0) > before && flood.messages(1) > before && flood.messages(2) > before;
  }));
}

TEST_CASE("500 open streams hold no thread each", "[e2e][streams]") {
  Node n(Limits(600, 600));
  Client& c = n.c();
  const pid_t pid = n.node->pid();
  REQUIRE(c.Head().sequence() == 0);
  const int64_t threads_before = ProcStatus(pid, "Threads");
  REQUIRE(threads_before > 0);

  StreamFlood flood(n.node->channel());
  for (int i = 0; i < 500; ++i) {
    const std::string req = (i % 5 == 0) ? FollowBytes(c) : WatchBytes(c, "shop", 0);
    flood.Open(i % 5 == 0 ? kJournal : kWatch, &req, true, true, Millis(60'000));
  }
  flood.Settle(Millis(2'000));
  REQUIRE(flood.open() == 500);
  const int64_t threads = ProcStatus(pid, "Threads");
  INFO("threads: " << threads_before << " before, " << threads << " with 500 streams");
  CHECK(threads <= threads_before + 16);
  CHECK(HeadMedianMs(c) < 200);

  // Every one of them is alive: a payment to the shop reaches each Watch and each follower.
  REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 1'00, 1)).status.ok());
  CHECK(flood.Settle(Millis(10'000), [&] {
    for (size_t i = 0; i < flood.size(); ++i)
      if (flood.messages(i) < 1) return false;
    return true;
  }));
  CHECK(ProcStatus(pid, "Threads") <= threads_before + 16);
}

TEST_CASE("a flood of reflection streams meets the thread cap, not a thread each",
          "[e2e][streams]") {
  Node n(Limits(1000, 1000));
  Client& c = n.c();
  const pid_t pid = n.node->pid();
  REQUIRE(c.Head().sequence() == 0);
  StreamFlood flood(n.node->channel());
  for (int i = 0; i < 400; ++i) flood.Open(kReflection, nullptr, false, true, Millis(60'000));
  flood.Settle(Millis(3'000));
  const int64_t threads = ProcStatus(pid, "Threads");
  size_t exhausted = 0;
  for (size_t i = 0; i < flood.size(); ++i)
    if (flood.ended(i) && flood.status(i).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
      ++exhausted;
  INFO("threads with 400 reflection streams: " << threads << ", refused: " << exhausted);
  // gRPC's synchronous server holds at most 128 threads; the rest of the node a few dozen.
  CHECK(threads < 200);
  CHECK(exhausted > 0);
  CHECK(n.node->running());

  // Ledger streams need no such thread: a Watch opened during the flood still works.
  StreamFlood mine(n.node->channel());
  const std::string watch = WatchBytes(c, "shop", 0);
  mine.Open(kWatch, &watch, true, true, Millis(30'000));
  mine.Settle(Millis(500));
  REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 1'00, 1)).status.ok());
  CHECK(mine.Settle(Millis(5'000), [&] { return mine.messages(0) == 1; }));
}

TEST_CASE("server reflection is off when the config says reflection = false", "[e2e][streams]") {
  Node n("[server]\nreflection = false\n");
  std::vector<std::string> responses;
  grpc::Status s = RawBidiCall(n.node->channel(), kReflection, {}, &responses, Millis(5'000));
  CHECK(s.error_code() == grpc::StatusCode::UNIMPLEMENTED);
}

TEST_CASE("a node under a thread limit survives a flood of streams", "[e2e][streams]") {
  if (geteuid() != 0) {
    WARN("skipped: needs root to run the node as another user (RLIMIT_NPROC spares root)");
    return;
  }
  // The node runs as nobody with RLIMIT_NPROC = 250: at most 250 threads (of that user's) at
  // once. A thread per stream would run into it; the node must not.
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  WriteFile(tmp.Join("node.toml"), Limits(1000, 1000));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp.path()))
    REQUIRE(chown(entry.path().c_str(), 65534, 65534) == 0);
  REQUIRE(chown(tmp.path().c_str(), 65534, 65534) == 0);
  const std::string wrapper = tmp.Join("capped-node.sh");
  WriteFile(wrapper,
            "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "
            "prlimit --nproc=250:250 -- " +
                NodePath() + " \"$@\"\n");
  REQUIRE(chmod(wrapper.c_str(), 0755) == 0);
  struct Binary {  // the harness starts NodePath(): the wrapper, for this test only
    std::string old;
    bool had;
    explicit Binary(const std::string& path) {
      const char* v = std::getenv("LIARD_NODE_BINARY");
      had = v != nullptr;
      if (had) old = v;
      setenv("LIARD_NODE_BINARY", path.c_str(), 1);
    }
    ~Binary() {
      if (had)
        setenv("LIARD_NODE_BINARY", old.c_str(), 1);
      else
        unsetenv("LIARD_NODE_BINARY");
    }
  } binary(wrapper);
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.Start();
  Client c(node.channel());
  REQUIRE(ProcStatus(node.pid(), "Uid") == 65534);

  StreamFlood flood(node.channel());
  for (int i = 0; i < 400; ++i) {
    const std::string req = WatchBytes(c, "shop", 0);
    flood.Open(kWatch, &req, true, true, Millis(60'000));
  }
  for (int i = 0; i < 300; ++i) flood.Open(kReflection, nullptr, false, true, Millis(60'000));
  flood.Settle(Millis(3'000));
  INFO("threads: " << ProcStatus(node.pid(), "Threads"));
  REQUIRE(node.running());
  // Every Watch is open and gets the shop's receipt.
  size_t watches_open = 0;
  for (size_t i = 0; i < 400; ++i) watches_open += flood.ended(i) ? 0 : 1;
  CHECK(watches_open == 400);
  REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 1'00, 1)).status.ok());
  CHECK(flood.Settle(Millis(10'000), [&] {
    for (size_t i = 0; i < 400; ++i)
      if (flood.messages(i) < 1) return false;
    return true;
  }));
  CHECK(node.running());
}

TEST_CASE("lagging Watch streams over a long history cost bounded memory and slow nobody",
          "[e2e][streams]") {
  Node n(Limits(1000, 1000));
  Client& c = n.c();
  const pid_t pid = n.node->pid();
  // 20,000 entries, every one touching alice: one cent to bob and back, 10,000 times. The
  // issue's figures (100,000 entries, 300 watchers) with LIARD_E2E_LAG_ROUNDS=50000
  // LIARD_E2E_LAG_WATCHERS=300.
  const int kRounds = EnvInt("LIARD_E2E_LAG_ROUNDS", 10'000);
  const int kWatchers = EnvInt("LIARD_E2E_LAG_WATCHERS", 100);
  std::vector<pb::SignedOperation> batch;
  for (int i = 1; i <= kRounds; ++i) {
    batch.push_back(c.SignTransfer("alice", "bob", 1, i));
    batch.push_back(c.SignTransfer("bob", "alice", 1, i));
    if (batch.size() == 2'000) {
      pb::SubmitBatchResponse r;
      REQUIRE(c.SubmitBatch(batch, &r).ok());
      batch.clear();
    }
  }
  REQUIRE(c.Head().sequence() == 2 * kRounds);
  const int64_t rss_before = ProcStatus(pid, "VmRSS");

  // The watchers replay alice's whole history and never read.
  StreamFlood laggards(n.node->channel());
  for (int i = 0; i < kWatchers; ++i) {
    const std::string req = WatchBytes(c, "alice", 1);
    laggards.Open(kWatch, &req, true, false, Millis(60'000));
  }
  laggards.Settle(Millis(3'000));
  CHECK(laggards.open() == static_cast<size_t>(kWatchers));
  const int64_t rss = ProcStatus(pid, "VmRSS");
  const int64_t head_ms = HeadMedianMs(c);
  INFO("VmRSS " << rss_before << " kB before, " << rss << " kB with " << kWatchers
                << " lagging watchers; GetHead " << head_ms << " ms");
  std::fprintf(stderr,
               "%d lagging watchers over %d entries: VmRSS %lld kB before, %lld kB after; "
               "GetHead median %lld ms\n",
               kWatchers, 2 * kRounds, static_cast<long long>(rss_before),
               static_cast<long long>(rss), static_cast<long long>(head_ms));
  CHECK(rss - rss_before < 8 * 1024);  // kB; one thread per stream with its replay list: ~20 MB
  CHECK(head_ms < 200);

  // A watcher that reads gets its receipts at once, laggards or not.
  StreamFlood reader(n.node->channel());
  const std::string req = WatchBytes(c, "alice", 2 * kRounds - 9);
  reader.Open(kWatch, &req, true, true, Millis(30'000));
  CHECK(reader.Settle(Millis(2'000), [&] { return reader.messages(0) == 10; }));
}

TEST_CASE("a Watch or StreamJournal request that does not decode is INVALID_ARGUMENT",
          "[e2e][streams]") {
  Node n(Limits(8, 4));
  for (const std::string& method : {kWatch, kJournal}) {
    std::vector<std::string> responses;
    grpc::Status s = RawBidiCall(n.node->channel(), method, {std::string("\xff\xff\xff\x01", 4)},
                                 &responses, Millis(5'000));
    INFO(method << ": " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find("does not decode") != std::string::npos);
    CHECK(responses.empty());
  }
  // Refused before the caps count them: the four a peer may hold are all still there.
  StreamFlood flood(n.node->channel());
  for (int i = 0; i < 4; ++i) {
    const std::string req = WatchBytes(n.c(), "shop", 0);
    flood.Open(kWatch, &req, true, true, Millis(30'000));
  }
  flood.Settle(Millis(1'000));
  CHECK(flood.open() == 4);
}

}  // namespace liard::e2e
