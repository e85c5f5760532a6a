// The applier on a real RocksDB store in a temporary directory: answers by callback and by
// future, duplicates whatever their path, refusals, answers after stopping, the counts the
// node logs when it stops, and a disk that fails under it (tests/node/fault_env.h).
#include "node/applier.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "proto/codec.h"
#include "tests/ledger/fixture.h"
#include "tests/node/fault_env.h"

namespace liard::node {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;
using testing::Member;

constexpr int64_t kNow = 1'700'000'100'000;

// A store initialised with the fixture's genesis, in a directory removed at the end, and an
// applier on it, as liard-node run sets them up.
class World {
 public:
  // The applier's wall and monotonic clocks are the world's: kNow and 0 until a test moves them.
  // The store's files go through `env` (a FaultEnv to make its disk fail).
  explicit World(ApplierOptions options = {}, StorageEnv& env = StorageEnv::Default())
      : f_({Member{"alice", AccountKind::kResident, 10'000},
            Member{"bob", AccountKind::kResident, 500},
            Member{"shop", AccountKind::kMerchant, 0}}) {
    std::random_device rd;
    dir_ = (fs::temp_directory_path() / ("liard-applier-test-" + std::to_string(rd()))).string();
    REQUIRE(Store::Open(dir_, /*create=*/true, &store_, env).ok());
    const std::string genesis = codec::EncodeGenesis(f_.genesis());
    REQUIRE(store_->Initialize(genesis, f_.ledger().id(), f_.state()).ok());
    MemoryState state;
    HeadState head;
    REQUIRE(store_->Load(&state, &head).ok());
    StartCheckpointer();
    Begin(std::move(state), head, std::move(options));
  }

  // The machine stops (`env` crashes: nothing more reaches its disk, and what was not synced is
  // lost) and the node starts again on a healthy disk, on what the store holds.
  void PowerCycle(testing::FaultEnv& env, ApplierOptions options = {}) {
    applier_->Stop();
    applier_.reset();
    checkpointer_.reset();
    env.Crash();
    store_.reset();
    env.DropUnsyncedData();
    Status s = Store::Open(dir_, /*create=*/false, &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
    MemoryState state(StateDigestRuleOf(f_.genesis()));
    HeadState head;
    REQUIRE(store_->Load(&state, &head).ok());
    StartCheckpointer();
    Begin(std::move(state), head, std::move(options));
  }

  // Stops the applier and starts a new one on what the store holds, as a restarted node does.
  void Restart(ApplierOptions options = {}) {
    applier_->Stop();
    applier_.reset();
    MemoryState state(StateDigestRuleOf(f_.genesis()));
    HeadState head;
    REQUIRE(store_->Load(&state, &head).ok());
    Begin(std::move(state), head, std::move(options));
  }

  std::atomic<int64_t> wall{kNow};
  std::atomic<int64_t> mono{0};
  ~World() {
    applier_->Stop();
    applier_.reset();
    checkpointer_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A transfer signed by `from` (or by `signer`) with the given sequence, decoded and verified
  // as the node's service does before handing it to the applier.
  VerifiedOperation Transfer(std::string_view from, std::string_view to, int64_t amount,
                             uint64_t sequence, const KeyPair* signer = nullptr) {
    Operation op = f_.TransferOp(from, to, amount);
    op.sequence = sequence;
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(f_.Sign(op, signer), &so).ok());
    VerifiedOperation v;
    REQUIRE(f_.ledger().Preflight(std::move(so), &v).ok());
    return v;
  }

  int64_t Balance(std::string_view name) {
    return applier_->Read([&](const MemoryState& s, const HeadState&) {
      return s.Balance(BookKey::Member(Fixture::Id(name)));
    });
  }

  Applier& applier() { return *applier_; }
  Store& store() { return *store_; }

 private:
  void StartCheckpointer() {
    Seed seed;
    seed.data = Sha256({"applier-test-node"}).data;
    checkpointer_ =
        std::make_unique<Checkpointer>(f_.ledger().id(), store_.get(), KeyPair::FromSeed(seed),
                                       NextNodeKeyPath(dir_), 1'000, 60'000);
    REQUIRE(checkpointer_->Init(Governance{}).ok());
  }

  void Begin(MemoryState state, HeadState head, ApplierOptions options) {
    options.monotonic = [this] { return mono.load(); };
    applier_ = std::make_unique<Applier>(
        f_.ledger(), store_.get(), std::move(state), head, checkpointer_.get(), &hub_,
        [this] { return wall.load(); }, std::move(options));
    applier_->Start();
  }

  Fixture f_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Checkpointer> checkpointer_;
  WatchHub hub_{64};
  std::unique_ptr<Applier> applier_;
};

// Waits for a SubmitThen answer, failing the test rather than hanging if none comes.
SubmitOutcome Await(std::future<SubmitOutcome>& f) {
  REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

TEST_CASE("the applier answers by callback once durable, in order, on its own thread",
          "[node][applier]") {
  World w;
  std::vector<std::promise<SubmitOutcome>> answered(3);
  std::vector<std::thread::id> threads(3);
  for (int i = 0; i < 3; ++i)
    w.applier().SubmitThen(w.Transfer("alice", "shop", 1'00, i + 1), [&, i](SubmitOutcome o) {
      threads[i] = std::this_thread::get_id();
      answered[i].set_value(std::move(o));
    });
  for (int i = 0; i < 3; ++i) {
    auto f = answered[i].get_future();
    SubmitOutcome o = Await(f);
    INFO(o.status.ToString());
    CHECK(o.status.ok());
    CHECK(o.sequence == static_cast<uint64_t>(i + 1));
    CHECK_FALSE(o.duplicate);
    CHECK(threads[i] != std::this_thread::get_id());
    // Answered only once durable: the durable sequence already covers it.
    CHECK(w.applier().durable_sequence() >= o.sequence);
  }
  CHECK(w.Balance("alice") == 97'00);
  CHECK(w.Balance("shop") == 3'00);
}

TEST_CASE("a resent operation gets its first answer, found in the group or in the index",
          "[node][applier]") {
  World w;
  VerifiedOperation first = w.Transfer("alice", "bob", 2'00, 1);
  // Twice in one submission: the second is found among the group's own operations.
  std::vector<VerifiedOperation> twice;
  twice.push_back(first);
  twice.push_back(first);
  auto futures = w.applier().SubmitAll(std::move(twice));
  SubmitOutcome a = Await(futures[0]), b = Await(futures[1]);
  REQUIRE(a.status.ok());
  CHECK_FALSE(a.duplicate);
  CHECK(b.duplicate);
  CHECK(b.sequence == a.sequence);
  CHECK(b.entry_hash == a.entry_hash);

  // Alice's sequence moves on; the old operation, resent, is looked up in the op-id index (its
  // sequence is not beyond the account's) and answered with its first result.
  auto next = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  REQUIRE(Await(next).status.ok());
  auto again = w.applier().Submit(first);
  SubmitOutcome c = Await(again);
  INFO(c.status.ToString());
  REQUIRE(c.status.ok());
  CHECK(c.duplicate);
  CHECK(c.sequence == a.sequence);
  CHECK(c.time_ms == a.time_ms);
  CHECK(c.entry_hash == a.entry_hash);
  CHECK(w.Balance("alice") == 97'00);  // paid once, not twice

  // A sequence already used by another operation is not a duplicate: the core refuses it.
  auto reused = w.applier().Submit(w.Transfer("alice", "bob", 5'00, 2));
  SubmitOutcome d = Await(reused);
  CHECK(d.status.code() == Code::kSequenceUsed);
  CHECK_FALSE(d.duplicate);
  CHECK(w.Balance("alice") == 97'00);

  const Applier::Stats stats = w.applier().stats();
  CHECK(stats.applied == 2);
  CHECK(stats.operations == 5);
  CHECK(stats.groups == 2);  // refusals and duplicates alone write nothing
}

TEST_CASE("the same body signed by another key is refused WRONG_KEY, never answered as a duplicate",
          "[node][applier][envelope]") {
  World w;
  const KeyPair mallory = testing::KeyFor("mallory");
  VerifiedOperation honest = w.Transfer("alice", "bob", 2'00, 1);
  VerifiedOperation forged = w.Transfer("alice", "bob", 2'00, 1, &mallory);
  // One operation id (the body's), two signers: only the account's key is alice's.
  REQUIRE(forged.id() == honest.id());
  REQUIRE(forged.signed_op().key != honest.signed_op().key);

  // Before the honest one applied: the core refuses the forged one.
  auto early = w.applier().Submit(forged);
  SubmitOutcome e = Await(early);
  CHECK(e.status.code() == Code::kWrongKey);
  CHECK_FALSE(e.duplicate);
  CHECK(w.Balance("alice") == 100'00);

  // In the same group as the honest one, after it: not found among the group's own operations.
  std::vector<VerifiedOperation> both;
  both.push_back(honest);
  both.push_back(forged);
  auto futures = w.applier().SubmitAll(std::move(both));
  SubmitOutcome a = Await(futures[0]), b = Await(futures[1]);
  REQUIRE(a.status.ok());
  INFO(b.status.ToString());
  CHECK(b.status.code() == Code::kWrongKey);
  CHECK_FALSE(b.duplicate);
  CHECK(b.sequence == 0);
  CHECK(b.entry_hash == Hash{});

  // Later, from the op-id index: still not the honest one's answer.
  auto late = w.applier().Submit(forged);
  SubmitOutcome l = Await(late);
  INFO(l.status.ToString());
  CHECK(l.status.code() == Code::kWrongKey);
  CHECK_FALSE(l.duplicate);
  CHECK(l.sequence == 0);

  // The honest envelope, resent, is still its own duplicate.
  auto again = w.applier().Submit(honest);
  SubmitOutcome h = Await(again);
  REQUIRE(h.status.ok());
  CHECK(h.duplicate);
  CHECK(h.sequence == a.sequence);
  CHECK(h.entry_hash == a.entry_hash);
  CHECK(w.Balance("alice") == 98'00);
  CHECK(w.Balance("bob") == 7'00);
}

TEST_CASE("after Stop, a submission is answered at once that the node is shutting down",
          "[node][applier]") {
  World w;
  w.applier().Stop();
  std::promise<SubmitOutcome> answered;
  std::thread::id thread;
  w.applier().SubmitThen(w.Transfer("alice", "bob", 1'00, 1), [&](SubmitOutcome o) {
    thread = std::this_thread::get_id();
    answered.set_value(std::move(o));
  });
  auto f = answered.get_future();
  SubmitOutcome o = Await(f);
  CHECK(o.status.code() == Code::kUnavailable);
  CHECK(o.sequence == 0);
  CHECK(thread == std::this_thread::get_id());  // on the caller's thread, before returning
  CHECK(w.Balance("alice") == 100'00);
}

}  // namespace
}  // namespace liard::node

namespace liard::node {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 86'400'000;

// Waits up to 5 s for the applier's writable() to be `want` (it rechecks its clock every 200 ms
// when idle).
bool WaitWritable(Applier& a, bool want) {
  for (int i = 0; i < 250; ++i) {
    if (a.writable() == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_CASE("a wall clock that jumps against the monotonic clock stops writes until it is back",
          "[node][applier][clock]") {
  World w;
  std::vector<bool> told;
  std::mutex told_mu;
  w.applier().SetWritableListener([&](bool writable) {
    std::lock_guard lock(told_mu);
    told.push_back(writable);
  });
  auto first = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 1));
  REQUIRE(Await(first).status.ok());

  // Four minutes pass on both clocks: within tolerance (5 minutes) of nothing, all is well.
  w.mono += 4 * kMinute;
  w.wall += 4 * kMinute;
  auto second = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  SubmitOutcome ok = Await(second);
  REQUIRE(ok.status.ok());
  CHECK(ok.time_ms == kNow + 4 * kMinute);

  // The wall clock jumps a year ahead: refused, never written with that time.
  w.wall += 365 * kDay;
  auto third = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 3));
  SubmitOutcome refused = Await(third);
  CHECK(refused.status.code() == Code::kUnavailable);
  CHECK(refused.status.message().find("clock is not trusted") != std::string::npos);
  CHECK_FALSE(w.applier().writable());
  CHECK(w.applier().durable_sequence() == 2);
  CHECK(w.Balance("bob") == 7'00);
  // Later submissions are answered at once.
  auto fourth = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 3));
  CHECK(Await(fourth).status.code() == Code::kUnavailable);

  // Back where the monotonic clock says it should be: writes resume by themselves.
  w.wall -= 365 * kDay;
  REQUIRE(WaitWritable(w.applier(), true));
  auto fifth = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 3));
  SubmitOutcome resumed = Await(fifth);
  CHECK(resumed.status.ok());
  CHECK(resumed.time_ms < kNow + kDay);
  // A jump backwards by more than the tolerance stops writes too.
  w.wall -= 10 * kMinute;
  REQUIRE(WaitWritable(w.applier(), false));
  w.applier().SetWritableListener(nullptr);
  std::lock_guard lock(told_mu);
  CHECK(told == std::vector<bool>{true, false, true, false});
}

TEST_CASE("a small step back within the tolerance keeps writing, at the journal's time",
          "[node][applier][clock]") {
  World w;
  auto first = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 1));
  REQUIRE(Await(first).status.ok());
  w.wall -= 2 * kMinute;
  auto second = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  SubmitOutcome o = Await(second);
  REQUIRE(o.status.ok());
  CHECK(o.time_ms == kNow);  // std::max(clock, head.time_ms): the journal never runs backwards
  CHECK(w.applier().writable());
}

TEST_CASE(
    "at start, a clock behind the journal or far past it stops writes, and --trust-clock "
    "lifts that",
    "[node][applier][clock]") {
  World w;
  auto first = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 1));
  REQUIRE(Await(first).status.ok());

  // A day behind the journal's last entry.
  w.wall = kNow - kDay;
  w.Restart();
  CHECK_FALSE(w.applier().writable());
  auto behind = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  CHECK(Await(behind).status.code() == Code::kUnavailable);
  // Back within tolerance of the journal: writes resume.
  w.wall = kNow + kMinute;
  REQUIRE(WaitWritable(w.applier(), true));

  // Forty days past it (max gap 31): refused until the operator vouches for the clock.
  w.wall = kNow + 40 * kDay;
  w.Restart();
  CHECK_FALSE(w.applier().writable());
  auto gap = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  CHECK(Await(gap).status.code() == Code::kUnavailable);
  CHECK(w.applier().durable_sequence() == 1);

  ApplierOptions trusted;
  trusted.trust_clock = true;
  w.Restart(trusted);
  CHECK(w.applier().writable());
  auto ok = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  SubmitOutcome o = Await(ok);
  CHECK(o.status.ok());
  CHECK(o.time_ms == kNow + 40 * kDay);

  // A shorter gap (within max_gap_days) needs nothing.
  w.wall = kNow + 50 * kDay;
  w.Restart();
  CHECK(w.applier().writable());
}

TEST_CASE("a failed write answers UNAVAILABLE, reloads the durable state and stops writes",
          "[node][applier][disk]") {
  std::atomic<bool> full{false};
  ApplierOptions options;
  options.disk_check = [&full]() {
    return full ? Status(Code::kIOError, "the disk is full") : Status();
  };
  World w(options);
  bool told_writable = true;
  w.applier().SetWritableListener([&](bool writable) { told_writable = writable; });
  auto first = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 1));
  REQUIRE(Await(first).status.ok());

  full = true;
  std::vector<VerifiedOperation> group;
  group.push_back(w.Transfer("alice", "bob", 1'00, 2));
  group.push_back(w.Transfer("alice", "shop", 2'00, 3));
  auto futures = w.applier().SubmitAll(std::move(group));
  for (auto& f : futures) {
    SubmitOutcome o = Await(f);
    CHECK(o.status.code() == Code::kUnavailable);
    CHECK(o.status.message().find("could not write to its disk") != std::string::npos);
    CHECK(o.sequence == 0);
  }
  // The working state is what is durable: the group's effects are gone.
  CHECK(w.Balance("alice") == 99'00);
  CHECK(w.Balance("bob") == 6'00);
  CHECK(w.Balance("shop") == 0);
  CHECK(w.applier().Read([](const MemoryState&, const HeadState& h) { return h.sequence; }) == 1);
  CHECK(w.applier().disk_failed());
  CHECK_FALSE(w.applier().writable());
  w.applier().SetWritableListener(nullptr);
  CHECK_FALSE(told_writable);

  // Space back or not, writes stay stopped until a restart.
  full = false;
  auto later = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  CHECK(Await(later).status.code() == Code::kUnavailable);
  w.Restart(options);
  auto again = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 2));
  CHECK(Await(again).status.ok());
  CHECK(w.Balance("bob") == 7'00);
}

// The lines the node logs while it lives, as written (the pattern is the message alone).
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    sink_->set_pattern("%v");
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  // The lines that hold every one of `parts`.
  std::vector<std::string> Find(std::initializer_list<std::string_view> parts) const {
    std::vector<std::string> found;
    for (const std::string& line : sink_->last_formatted()) {
      bool all = true;
      for (std::string_view p : parts) all &= line.find(p) != std::string::npos;
      if (all) found.push_back(line);
    }
    return found;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST_CASE(
    "a log sync failing under the applier answers UNAVAILABLE, logs one line, keeps reads, and "
    "a restart recovers the durable entries",
    "[node][applier][disk][fault]") {
  testing::FaultEnv env;
  LogCapture log;  // before the world: added before its threads log, removed after they stop
  World w({}, env);
  auto first = w.applier().Submit(w.Transfer("alice", "bob", 1'00, 1));
  REQUIRE(Await(first).status.ok());

  // The disk fails the write-ahead log's fsync: the group's record never becomes durable.
  env.Fail(testing::FaultFile::kWal, testing::FaultOp::kSync, EIO);
  auto second = w.applier().Submit(w.Transfer("alice", "bob", 2'00, 2));
  SubmitOutcome o = Await(second);
  INFO(o.status.ToString());
  CHECK(env.faults_injected() > 0);
  CHECK(o.status.code() == Code::kUnavailable);
  CHECK(static_cast<int>(o.status.code()) == 6);
  CHECK(o.status.message().find("could not write to its disk") != std::string::npos);
  CHECK(o.sequence == 0);

  // One clear line, naming the group, the durable entry and the disk's error.
  std::vector<std::string> lines =
      log.Find({"event=append-failed", "sequence=2", "durable_sequence=1",
                "injected: Input/output error", "free space, then restart the node"});
  CHECK(lines.size() == 1);
  CHECK(w.applier().disk_failed());
  CHECK_FALSE(w.applier().writable());

  // Reads go on, from what is durable: the state and the store.
  CHECK(w.Balance("alice") == 99'00);
  CHECK(w.Balance("bob") == 6'00);
  JournalEntry entry;
  Hash hash;
  CHECK(w.store().ReadEntry(1, &entry, &hash).ok());
  CHECK(w.store().ReadEntry(2, &entry, &hash).code() == Code::kNotFound);
  // Writes stay stopped.
  auto third = w.applier().Submit(w.Transfer("alice", "bob", 2'00, 2));
  CHECK(Await(third).status.code() == Code::kUnavailable);

  // A power cut and a restart on a healthy disk: entry 1 is there, nothing after it, and the
  // operation that was refused is applied when sent again.
  w.PowerCycle(env);
  CHECK(w.applier().Read([](const MemoryState&, const HeadState& h) { return h.sequence; }) == 1);
  CHECK(w.store().ReadEntry(2, &entry, &hash).code() == Code::kNotFound);
  CHECK(w.Balance("bob") == 6'00);
  auto again = w.applier().Submit(w.Transfer("alice", "bob", 2'00, 2));
  SubmitOutcome a = Await(again);
  INFO(a.status.ToString());
  CHECK(a.status.ok());
  CHECK(a.sequence == 2);
  CHECK(w.Balance("bob") == 8'00);
}

}  // namespace
}  // namespace liard::node
