// The store on a disk that fails: a real RocksDB in a temporary directory, opened through the
// FaultEnv (tests/node/fault_env.h), which fails a write or a sync, fills the disk, tears a write
// or cuts the power, keeping what a real disk would keep. What was acknowledged survives, what was
// not is never served, and a store that lost acknowledged entries refuses to start.
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "node/head_anchor.h"
#include "node/store.h"
#include "tests/node/fault_env.h"
#include "tests/node/store_fixture.h"

namespace liard::node {
namespace {

namespace fs = std::filesystem;
using testing::Chain;
using testing::Contains;
using testing::FaultEnv;
using testing::FaultFile;
using testing::FaultOp;
using testing::Fixture;
using testing::OpenStore;
using testing::Prepare;
using testing::TempDir;
using testing::TransferGroup;
using testing::TwoMembers;

// Waits (up to 10 s: the settle runs 20 ms after an acknowledgement, later on a busy machine)
// until `done()`; false if it never was.
template <typename F>
bool WaitUntil(F done) {
  for (int i = 0; i < 1'000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

// Until the anchor in `dir` durably records `sequence` as acknowledged (its settle was written
// and synced): what a power cut would leave of it, as ReadHeadAnchor picks its current slot.
bool WaitForAnchor(const FaultEnv& env, const std::string& dir, uint64_t sequence) {
  return WaitUntil([&] {
    const std::string bytes = env.SyncedBytes(dir + "/head-anchor");
    AnchorRecord current;
    uint64_t current_counter = 0;
    bool found = false;
    for (size_t i = 0; bytes.size() == kHeadAnchorFileSize && i < 2; ++i) {
      AnchorRecord r;
      uint64_t c = 0;
      if (DecodeAnchorSlot(bytes.substr(i * kHeadAnchorSlotSize, kHeadAnchorSlotSize), &r, &c) &&
          (!found || c > current_counter)) {
        current = r;
        current_counter = c;
        found = true;
      }
    }
    return found && current.acknowledged == sequence;
  });
}

// A ledger of 200 entries in a temporary directory, its store open on a FaultEnv.
struct FaultyLedger {
  TempDir dir;
  FaultEnv env;
  Fixture f = TwoMembers();
  Chain chain{f};
  std::unique_ptr<Store> store = Prepare(dir.path(), f, chain, 200, env);

  // The power goes: nothing more reaches the disk, the store is closed, and every file keeps
  // only what was synced.
  void PowerCut() {
    env.Crash();
    store.reset();
    env.DropUnsyncedData();
  }
};

// What the store in `dir` holds after a restart on a healthy disk.
struct Reopened {
  std::unique_ptr<Store> store;
  MemoryState state;
  HeadState head;
};
Reopened Reopen(const std::string& dir) {
  Reopened r;
  r.store = OpenStore(dir, /*create=*/false);
  Status s = r.store->Load(&r.state, &r.head);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return r;
}

// The size of the largest write-ahead log file in `dir`.
uintmax_t WalBytes(const std::string& dir) {
  uintmax_t size = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".log") size = std::max(size, e.file_size());
  return size;
}

TEST_CASE(
    "an Append whose log write fails, whose fsync fails or that finds the disk full "
    "acknowledges nothing, and a restart finds the last durable entry",
    "[node][store][fault]") {
  struct Case {
    const char* name;
    FaultOp op;
    int error;
    const char* says;
  };
  const Case cases[] = {
      {"a failed write", FaultOp::kWrite, EIO, "injected: Input/output error"},
      {"a failed fsync", FaultOp::kSync, EIO, "injected: Input/output error"},
      {"a full disk", FaultOp::kWrite, ENOSPC, "(the disk is full)"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    FaultyLedger l;
    auto& [dir, env, f, chain, store] = l;
    const HeadState durable = chain.head();
    const Hash durable_digest = f.state().digest();

    env.Fail(FaultFile::kWal, c.op, c.error);
    Status s = store->Append(TransferGroup(f, chain, 100), f.state());
    INFO(s.ToString());
    CHECK(env.faults_injected() > 0);
    CHECK(s.code() == Code::kIOError);
    CHECK(Contains(s.message(), "appending entries 201 to 300 in " + dir.path()));
    CHECK(Contains(s.message(), c.says));
    // The head did not move: the next group must still start at 201 (this one, 301.., is
    // refused before anything is written), and a read finds no entry 201.
    Status next = store->Append(TransferGroup(f, chain, 1), f.state());
    CHECK(next.code() == Code::kInvalidArgument);
    CHECK(Contains(next.message(), "expected 201"));
    JournalEntry entry;
    Hash hash;
    CHECK(store->ReadEntry(201, &entry, &hash).code() == Code::kNotFound);
    // Reads of what is durable go on.
    REQUIRE(store->ReadEntry(200, &entry, &hash).ok());
    CHECK(hash == durable.head_hash);

    // The power goes; the node starts again on a healthy disk.
    l.PowerCut();
    Reopened r = Reopen(dir.path());
    CHECK(r.head.sequence == 200);
    CHECK(r.head.head_hash == durable.head_hash);
    CHECK(r.state.digest() == durable_digest);
    CHECK(r.store->ReadEntry(201, &entry, &hash).code() == Code::kNotFound);
  }
}

TEST_CASE(
    "an Append whose head anchor cannot be written fails, and a restart keeps the group "
    "its log made durable",
    "[node][store][fault]") {
  FaultyLedger l;
  auto& [dir, env, f, chain, store] = l;
  REQUIRE(WaitForAnchor(env, dir.path(), 200));
  // The anchor's fsync fails: the group is never recorded as in flight, so never acknowledged,
  // even though RocksDB's synced write of it succeeded.
  env.Fail(FaultFile::kAnchor, FaultOp::kSync, EIO);
  Status s = store->Append(TransferGroup(f, chain, 100), f.state());
  INFO(s.ToString());
  CHECK(env.faults_injected() > 0);
  CHECK(s.code() == Code::kIOError);
  CHECK(Contains(s.message(), "cannot write the head anchor " + dir.path() + "/head-anchor"));
  CHECK(Contains(s.message(), "Input/output error"));  // the errno the anchor's fsync returned
  const HeadState group = chain.head();
  l.PowerCut();

  // The group is durable in the database, above the anchor's acknowledged entry (200): it opens,
  // as a group in flight at a crash does, and the anchor moves up to it.
  Reopened r = Reopen(dir.path());
  CHECK(r.head.sequence == 300);
  CHECK(r.head.head_hash == group.head_hash);
  AnchorRecord anchor;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(dir.path() + "/head-anchor", &anchor, &counter).ok());
  CHECK(anchor.acknowledged == 300);
}

TEST_CASE("a write-ahead log record torn by a crash is dropped at start-up, never served",
          "[node][store][fault]") {
  FaultyLedger l;
  auto& [dir, env, f, chain, store] = l;
  const HeadState durable = chain.head();
  const uintmax_t wal_before = WalBytes(dir.path());

  env.TearNextWrite(FaultFile::kWal);
  Status s = store->Append(TransferGroup(f, chain, 100), f.state());
  INFO(s.ToString());
  CHECK(s.code() == Code::kIOError);
  CHECK(env.faults_injected() > 0);
  l.PowerCut();
  // Part of the group's record is on disk: the log ends in a torn record.
  CHECK(WalBytes(dir.path()) > wal_before);

  Reopened r = Reopen(dir.path());
  CHECK(r.head.sequence == 200);
  CHECK(r.head.head_hash == durable.head_hash);
  JournalEntry entry;
  Hash hash;
  CHECK(r.store->ReadEntry(201, &entry, &hash).code() == Code::kNotFound);
  // The anchor says 200 was acknowledged, and 200 is what the store has.
  AnchorRecord anchor;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(dir.path() + "/head-anchor", &anchor, &counter).ok());
  CHECK(anchor.acknowledged == 200);
}

TEST_CASE("a head anchor slot torn by a crash is ignored: the other slot vouches for the head",
          "[node][store][fault]") {
  FaultyLedger l;
  auto& [dir, env, f, chain, store] = l;
  REQUIRE(WaitForAnchor(env, dir.path(), 200));
  // Group 201..300 is acknowledged; the anchor's write that records it so (its second write:
  // the settle, 20 ms after the one that recorded the group in flight) is torn by a crash.
  env.TearNextWrite(FaultFile::kAnchor, /*skip=*/1);
  testing::AppendGroups(store.get(), f, chain, 1, 100);
  const HeadState acknowledged = chain.head();
  CHECK(WaitUntil([&] { return env.faults_injected() == 1; }));
  l.PowerCut();

  // One slot is torn; the other records 200 as acknowledged and 300 as in flight.
  std::ifstream in(dir.path() + "/head-anchor", std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  REQUIRE(bytes.size() == kHeadAnchorFileSize);
  int intact = 0;
  for (size_t i = 0; i < 2; ++i) {
    AnchorRecord slot;
    uint64_t c = 0;
    intact +=
        DecodeAnchorSlot(bytes.substr(i * kHeadAnchorSlotSize, kHeadAnchorSlotSize), &slot, &c);
  }
  CHECK(intact == 1);
  AnchorRecord before;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(dir.path() + "/head-anchor", &before, &counter).ok());
  CHECK(before.acknowledged == 200);
  CHECK(before.pending == 300);

  // The group's RocksDB write was synced: the store opens at 300 and the anchor moves up to it.
  Reopened r = Reopen(dir.path());
  CHECK(r.head.sequence == acknowledged.sequence);
  CHECK(r.head.head_hash == acknowledged.head_hash);
  AnchorRecord after;
  REQUIRE(ReadHeadAnchor(dir.path() + "/head-anchor", &after, &counter).ok());
  CHECK(after.acknowledged == 300);
}

TEST_CASE("a disk that lied about its syncs lost acknowledged entries: the store refuses to start",
          "[node][store][fault]") {
  FaultyLedger l;
  auto& [dir, env, f, chain, store] = l;
  // The log's syncs now return at once and keep nothing; the anchor's are real.
  env.LieAboutSyncs(FaultFile::kWal);
  testing::AppendGroups(store.get(), f, chain, 1, 100);
  REQUIRE(WaitForAnchor(env, dir.path(), 300));
  l.PowerCut();

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Store> reopened;
    Status s = Store::Open(dir.path(), /*create=*/false, &reopened);
    INFO(s.ToString());
    CHECK(s.code() == Code::kCorruption);
    CHECK(Contains(s.message(), "the database in " + dir.path() + " is damaged ("));
    CHECK(Contains(s.message(), "it lost acknowledged entries 201..300: its head is entry 200"));
    CHECK(Contains(s.message(), "restore it from a backup or a standby"));
    CHECK(reopened == nullptr);
  }
}

}  // namespace
}  // namespace liard::node
