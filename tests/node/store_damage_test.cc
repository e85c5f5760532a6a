// A damaged disk never silently rewrites history: a real RocksDB with acknowledged entries still
// only in its write-ahead log (the image a SIGKILL leaves), then damaged the ways disks and people
// damage it. Each damage that can lose acknowledged entries is refused at open with the one
// "is damaged ... restore it from a backup or a standby" sentence, and changes nothing.
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "node/head_anchor.h"
#include "node/store.h"
#include "proto/codec.h"
#include "tests/e2e/data_files.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fixture.h"
#include "tests/node/store_fixture.h"

namespace liard::node {
namespace {

namespace fs = std::filesystem;
using testing::AppendGroups;
using testing::Chain;
using testing::Contains;
using testing::Fixture;
using testing::OpenStore;
using testing::Prepare;
using testing::TempDir;
using testing::TwoMembers;

// A copy of the directory of an open store, taken without closing it: what a SIGKILL leaves
// (every Append's WAL record was written and synced before it returned; nothing was flushed).
void CrashCopy(const std::string& from, const std::string& to) {
  // Past the head anchor's settle delay (20 ms), so that the copy does not race its write.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fs::copy(from, to, fs::copy_options::recursive);
}

// A ledger of `entries` acknowledged entries in `dir`, and in `image` the copy of its directory
// that a SIGKILL leaves.
void KilledImage(const std::string& dir, const std::string& image, int entries) {
  Fixture f = TwoMembers();
  Chain chain(f);
  auto store = Prepare(dir, f, chain, entries);
  CrashCopy(dir, image);
}

// The largest write-ahead log file of `dir`, which must have one.
std::string WalOf(const std::string& dir) {
  std::string wal = testing::LargestWal(dir);
  REQUIRE_FALSE(wal.empty());
  return wal;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  REQUIRE(out.good());
}

// The files of `dir` that hold data, and their bytes.
std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    // RocksDB writes a new MANIFEST (and OPTIONS, LOG) at each open and removes obsolete ones
    // with empty WALs; what holds data are the table files, the WALs with records, the anchor.
    if (name.ends_with(".sst") || (name.ends_with(".log") && e.file_size() > 0) ||
        name == "head-anchor")
      files[name] = ReadAll(e.path().string());
  }
  return files;
}

// Open must refuse with the damaged sentence and `detail`; a second try says the same, and the
// acknowledged data in the files is as it was.
void RequireRefused(const std::string& dir, const std::string& detail) {
  std::map<std::string, std::string> before = Files(dir);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Store> store;
    Status s = Store::Open(dir, /*create=*/false, &store);
    INFO(s.ToString());
    CHECK(s.code() == Code::kCorruption);
    CHECK(Contains(s.message(), "the database in " + dir + " is damaged ("));
    CHECK(Contains(s.message(), detail));
    CHECK(Contains(s.message(), "restore it from a backup or a standby"));
    CHECK(Contains(s.message(), "nothing was changed"));
    CHECK(store == nullptr);
  }
  // The WAL, table files, MANIFEST and anchor that held acknowledged entries are untouched
  // (RocksDB may add a new empty WAL or MANIFEST of its own at each attempt).
  std::map<std::string, std::string> after = Files(dir);
  for (const auto& [name, bytes] : before) {
    INFO(name);
    REQUIRE(after.count(name) == 1);
    CHECK(after[name] == bytes);
  }
}

TEST_CASE("a write-ahead log with 16 bytes flipped at 30 percent is refused at open",
          "[node][store][damage]") {
  TempDir dir, image;
  KilledImage(dir.path(), image.path(), 3000);
  REQUIRE(testing::FlipBytes(WalOf(image.path()), 0.30));
  RequireRefused(image.path(), "its write-ahead log is corrupted");
}

TEST_CASE("a write-ahead log truncated to half is refused at open as lost entries",
          "[node][store][damage]") {
  TempDir dir, image;
  KilledImage(dir.path(), image.path(), 3000);
  std::string wal = WalOf(image.path());
  fs::resize_file(wal, fs::file_size(wal) / 2);
  RequireRefused(image.path(), "lost acknowledged entries");
  RequireRefused(image.path(), "..3000: its head is entry ");
}

TEST_CASE("a deleted write-ahead log is refused at open as lost entries", "[node][store][damage]") {
  TempDir dir, image;
  KilledImage(dir.path(), image.path(), 3000);
  fs::remove(WalOf(image.path()));
  RequireRefused(image.path(), "it lost acknowledged entries 1..3000: its head is entry 0");
}

TEST_CASE("a torn last record of an unacknowledged group still opens at the last acknowledged head",
          "[node][store][damage]") {
  TempDir dir, image;
  Fixture f = TwoMembers();
  Chain chain(f);
  auto store = Prepare(dir.path(), f, chain, 1000);
  const HeadState acknowledged = chain.head();
  // The image as the crash left it, but for the WAL: the next group was being written (and its
  // anchor write had not landed) when the power went, and its record is cut by a few bytes.
  CrashCopy(dir.path(), image.path());
  AppendGroups(store.get(), f, chain, 1, 100);
  const std::string wal = WalOf(dir.path());
  const std::string image_wal = image.path() + "/" + fs::path(wal).filename().string();
  std::string bytes = ReadAll(wal);
  REQUIRE(bytes.size() > ReadAll(image_wal).size());
  WriteAll(image_wal, bytes.substr(0, bytes.size() - 7));
  store.reset();

  auto reopened = OpenStore(image.path(), /*create=*/false);
  MemoryState loaded;
  HeadState head;
  Status s = reopened->Load(&loaded, &head);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(head.sequence == acknowledged.sequence);
  CHECK(head.head_hash == acknowledged.head_hash);
}

TEST_CASE("entries above the anchor's acknowledged head (a group in flight at a crash) open",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  HeadState before, after;
  {
    auto store = Prepare(dir.path(), f, chain, 200);
    before = chain.head();
    AppendGroups(store.get(), f, chain, 1, 100);
    after = chain.head();
  }
  // The anchor as the crash may leave it: the last group's anchor write did not land.
  const std::string anchor = dir.path() + "/head-anchor";
  AnchorRecord old{f.ledger().id(), before.sequence, before.head_hash, before.sequence,
                   before.head_hash};
  WriteAll(anchor, EncodeAnchorSlot(old, 7) + EncodeAnchorSlot(old, 8));
  auto store = OpenStore(dir.path(), /*create=*/false);
  // It now vouches for the head it found.
  AnchorRecord r;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(anchor, &r, &counter).ok());
  CHECK(r.acknowledged == after.sequence);
  CHECK(r.acknowledged_hash == after.head_hash);
  CHECK(counter == 9);
}

TEST_CASE(
    "an anchor whose group in flight never reached the database opens at its acknowledged head",
    "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 200); }
  const HeadState head = chain.head();
  // The anchor's write landed, RocksDB's did not (a power cut between the two syncs): the group
  // 201..300 was never acknowledged, and its absence is no loss.
  const std::string anchor = dir.path() + "/head-anchor";
  Hash never;
  never.data[0] = 7;
  AnchorRecord r{f.ledger().id(), head.sequence, head.head_hash, 300, never};
  WriteAll(anchor, EncodeAnchorSlot(r, 3) + EncodeAnchorSlot(r, 4));
  auto store = OpenStore(dir.path(), /*create=*/false);
  MemoryState loaded;
  HeadState loaded_head;
  REQUIRE(store->Load(&loaded, &loaded_head).ok());
  CHECK(loaded_head.sequence == 200);
  AnchorRecord now;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(anchor, &now, &counter).ok());
  CHECK(now.acknowledged == 200);
  CHECK(now.pending == 200);
  // And the next group, numbered 201 again, is appended.
  AppendGroups(store.get(), f, chain, 1, 100);
}

TEST_CASE("an anchor whose acknowledged entry differs from the journal's is refused",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  AnchorRecord other{f.ledger().id(), 200, Hash(), 200, Hash()};
  other.acknowledged_hash.data[0] = 1;
  WriteAll(dir.path() + "/head-anchor", EncodeAnchorSlot(other, 1) + EncodeAnchorSlot(other, 2));
  RequireRefused(dir.path(), "its history was rewritten");
}

TEST_CASE("an anchor torn in its current slot falls back to the other one, and none is refused",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  const std::string anchor = dir.path() + "/head-anchor";
  AnchorRecord r;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(anchor, &r, &counter).ok());
  CHECK(r.acknowledged == 300);
  std::string bytes = ReadAll(anchor);
  REQUIRE(bytes.size() == kHeadAnchorFileSize);
  // Tear the current slot: the previous one (an earlier acknowledged head) is read instead.
  const size_t current = (counter % 2) * kHeadAnchorSlotSize;
  for (size_t i = current + 100; i < current + 116; ++i) bytes[i] = 0;
  WriteAll(anchor, bytes);
  AnchorRecord previous;
  uint64_t previous_counter = 0;
  REQUIRE(ReadHeadAnchor(anchor, &previous, &previous_counter).ok());
  CHECK(previous_counter == counter - 1);
  CHECK(previous.acknowledged <= 300);
  { auto store = OpenStore(dir.path(), /*create=*/false); }
  // Both slots torn: nothing vouches for the head.
  bytes = ReadAll(anchor);
  for (size_t i = 0; i < kHeadAnchorFileSize; i += 64) bytes[i] = static_cast<char>(~bytes[i]);
  WriteAll(anchor, bytes);
  RequireRefused(dir.path(), "holds no intact record");
}

TEST_CASE("a deleted head anchor is refused", "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  fs::remove(dir.path() + "/head-anchor");
  RequireRefused(dir.path(), "head anchor " + dir.path() + "/head-anchor");
  RequireRefused(dir.path(), "was removed");
}

TEST_CASE("a database from before the head anchor opens and gets one at its head",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  // What a liard-node from before the anchor left: no file, no mark.
  fs::remove(dir.path() + "/head-anchor");
  testing::Tamper(dir.path(), [](rocksdb::DB* db, auto& cf) {
    REQUIRE(db->Delete(rocksdb::WriteOptions(), cf["meta"], "head_anchor").ok());
  });
  {
    auto store = OpenStore(dir.path(), /*create=*/false);
    CHECK(store->created_head_anchor());
    AnchorRecord r;
    uint64_t counter = 0;
    REQUIRE(ReadHeadAnchor(dir.path() + "/head-anchor", &r, &counter).ok());
    CHECK(r.ledger_id == f.ledger().id());
    CHECK(r.acknowledged == 300);
    CHECK(r.acknowledged_hash == chain.head().head_hash);
    AppendGroups(store.get(), f, chain, 1, 100);
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  CHECK_FALSE(store->created_head_anchor());
  MemoryState loaded;
  HeadState head;
  REQUIRE(store->Load(&loaded, &head).ok());
  CHECK(head.sequence == 400);
  // From now on the anchor must stay.
  store.reset();
  fs::remove(dir.path() + "/head-anchor");
  RequireRefused(dir.path(), "was removed");
}

TEST_CASE("a signed checkpoint's head is recorded in the anchor before PutCheckpoint returns",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  auto store = Prepare(dir.path(), f, chain, 200);
  const std::string anchor = dir.path() + "/head-anchor";
  AppendGroups(store.get(), f, chain, 1, 100);
  Checkpoint c{chain.head().sequence, chain.head().head_hash, Hash(), 1};
  REQUIRE(store->PutCheckpoint(c, Signature()).ok());
  AnchorRecord r;
  uint64_t counter = 0;
  REQUIRE(ReadHeadAnchor(anchor, &r, &counter).ok());
  CHECK(r.acknowledged == 300);
}

TEST_CASE("a database whose CURRENT file was deleted is refused as damaged",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  fs::remove(dir.path() + "/CURRENT");
  RequireRefused(dir.path(), "its CURRENT file is missing");
  // Not even init may create a database over it.
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/true, &store);
  CHECK(s.code() == Code::kCorruption);
  CHECK_FALSE(fs::exists(dir.path() + "/CURRENT"));
}

TEST_CASE("a database whose MANIFEST was deleted is refused as damaged", "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 300); }
  int removed = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().starts_with("MANIFEST-")) removed += fs::remove(e.path());
  REQUIRE(removed > 0);
  RequireRefused(dir.path(), "its MANIFEST cannot be read");
}

TEST_CASE("a corrupted table file of the journal's recent entries fails the start-up",
          "[node][store][damage]") {
  TempDir dir;
  Fixture f = TwoMembers();
  Chain chain(f);
  { auto store = Prepare(dir.path(), f, chain, 900); }  // closed: flushed to table files
  // The journal's table file, by its column family.
  std::string journal_sst;
  {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(
        rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir.path(), descriptors, &handles, &raw)
            .ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::vector<rocksdb::LiveFileMetaData> files;
    db->GetLiveFilesMetaData(&files);
    for (const auto& file : files)
      if (file.column_family_name == "journal") journal_sst = dir.path() + file.name;
    for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  }
  REQUIRE_FALSE(journal_sst.empty());
  REQUIRE(testing::FlipBytes(journal_sst, 0.30));
  std::unique_ptr<Store> store;
  Status s = Store::Open(dir.path(), /*create=*/false, &store);
  if (s.ok()) {
    MemoryState loaded;
    HeadState head;
    s = store->Load(&loaded, &head);
  }
  INFO(s.ToString());
  CHECK(s.code() == Code::kCorruption);
  CHECK(Contains(s.message(), "the database in " + dir.path() + " is damaged ("));
  CHECK(Contains(s.message(), "restore it from a backup or a standby"));
}

}  // namespace
}  // namespace liard::node
