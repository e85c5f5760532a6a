// Online backups: `liard-node backup` while the real node serves a load, `liard-node restore`
// into new directories, and every restored ledger compared with a replay of the node's journal
// through the core (docs/operator.md, "Backing up and restoring").
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "ledger/crypto.h"
#include "node/store.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

namespace fs = std::filesystem;

constexpr int kPayers = 12;

std::string Payer(int i) { return "payer-" + std::to_string(i); }

GenesisSpec BackupGenesis() {
  GenesisSpec spec;
  for (int i = 0; i < kPayers; ++i) spec.members.push_back({Payer(i), "resident", 1'000'000'00});
  spec.members.push_back({"association", "association", 0});  // reads the journal
  return spec;
}

// The number after `word ` in `text` (the first occurrence), or -1.
int64_t NumberAfter(const std::string& text, const std::string& word) {
  size_t at = text.find(word);
  if (at == std::string::npos) return -1;
  at += word.size();
  size_t end = at;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == at) return -1;
  return std::stoll(text.substr(at, end - at));
}

// The hex word after `word ` in `text`.
std::string HexAfter(const std::string& text, const std::string& word) {
  size_t at = text.find(word);
  if (at == std::string::npos) return "";
  at += word.size();
  size_t end = at;
  while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(at, end - at);
}

// Transfers between the payers from a few threads, each owning its payers' sequences, until
// stopped.
class Load {
 public:
  explicit Load(Client& client) : client_(client) {
    for (int t = 0; t < kThreads; ++t) threads_.emplace_back([this, t] { Run(t); });
  }
  ~Load() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  size_t acked() const { return acked_; }
  std::vector<std::string> failures() {
    std::lock_guard lock(mu_);
    return failures_;
  }

 private:
  static constexpr int kThreads = 3;
  void Run(int t) {
    std::map<int, uint64_t> next;
    for (int i = t; i < kPayers; i += kThreads) next[i] = 1;
    for (size_t k = 0; !stop_ && k < 1'000'000; ++k) {
      const int payer = t + kThreads * static_cast<int>(k % next.size());
      const int payee = (payer + 1 + static_cast<int>(k % (kPayers - 1))) % kPayers;
      SubmitOutcome o =
          client_.Submit(client_.SignTransfer(Payer(payer), Payer(payee),
                                              1 + static_cast<int64_t>(k % 97), next[payer]),
                         Millis(15'000));
      if (!o.status.ok() || o.response.code() != 0) {
        std::lock_guard lock(mu_);
        failures_.push_back(o.status.error_message() + " " + o.liard_code);
        return;
      }
      ++next[payer];
      ++acked_;
    }
  }

  Client& client_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> acked_{0};
  std::mutex mu_;
  std::vector<std::string> failures_;
};

struct Taken {
  int64_t id = 0;
  int64_t sequence = 0;
};

Taken TakeBackup(const std::string& data, const std::string& to,
                 std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"backup", "--data", data, "--to", to};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = RunNode(args, Millis(60'000));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return Taken{NumberAfter(r.out, "backup "), NumberAfter(r.out, "up to entry ")};
}

std::string ReadSeed(const std::string& data) {
  std::unique_ptr<node::Store> store;
  REQUIRE(node::Store::Open(data, false, &store).ok());
  Seed seed;
  REQUIRE(store->ReadNodeSeed(&seed).ok());
  return std::string(reinterpret_cast<const char*>(seed.data.data()), seed.data.size());
}

// Whether any file under `dir` holds `bytes`.
bool AnyFileHolds(const std::string& dir, const std::string& bytes) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (ReadFile(entry.path().string()).find(bytes) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE(
    "backups taken every few hundred milliseconds under load each restore to a journal prefix "
    "replayed through the core, none half-applied",
    "[backup]") {
  TempDir tmp;
  const std::string data = tmp.Join("data"), to = tmp.Join("backups");
  InitLedger(data, BackupGenesis());
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  std::vector<Taken> taken;
  {
    Load load(c);
    // Let the load start, then back up under it.
    while (load.acked() < 20) std::this_thread::sleep_for(Millis(20));
    for (int i = 0; i < 8; ++i) {
      std::this_thread::sleep_for(Millis(250));
      taken.push_back(TakeBackup(data, to));
    }
    load.Stop();
    INFO(load.failures().size() << " failures, first: "
                                << (load.failures().empty() ? "" : load.failures()[0]));
    REQUIRE(load.failures().empty());
  }
  const std::vector<pb::JournalEntry> journal = c.Journal(1);
  REQUIRE(VerifyChain(journal, c.ledger_id()) == "");
  // The backups were taken while entries kept arriving: each holds more than the one before.
  for (size_t i = 0; i < taken.size(); ++i) {
    CHECK(taken[i].id == static_cast<int64_t>(i + 1));
    if (i > 0) CHECK(taken[i].sequence > taken[i - 1].sequence);
  }
  CHECK(taken.front().sequence > 0);
  CHECK(taken.back().sequence < static_cast<int64_t>(journal.size()));

  for (const Taken& t : taken) {
    const std::string restored = tmp.Join("restored-" + std::to_string(t.id));
    CommandResult r =
        RunNode({"restore", "--from", to, "--backup", std::to_string(t.id), "--data", restored},
                Millis(60'000));
    INFO("backup " << t.id << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Contains(r.out, "verified: the hash chain of entries 1.." + std::to_string(t.sequence)));
    CHECK(Contains(r.out, "the signed checkpoint at entry "));
    CHECK(Contains(r.out, "node key: restored with it"));
    REQUIRE(NumberAfter(r.out, "head ") == t.sequence);
    // The same entries as the node's journal, and the state of that prefix replayed through the
    // core: every operation in it applied whole, none after it.
    Replay replay;
    REQUIRE(ReplayJournal(c.genesis_bytes(), journal, &replay, static_cast<uint64_t>(t.sequence)) ==
            "");
    CHECK(HexAfter(r.out, "head " + std::to_string(t.sequence) + " ") ==
          ToHex(journal[static_cast<size_t>(t.sequence) - 1].entry_hash()));
    CHECK(HexAfter(r.out, "digest ") == ToHex(replay.state.digest()));
    CHECK(fs::exists(restored + "/head-anchor"));
  }

  // A restored directory serves: the node starts on it at the backup's head.
  node.Stop();
  NodeProcess second(tmp.Join("restored-" + std::to_string(taken.back().id)));
  second.Start();
  Client c2(second.channel());
  CHECK(c2.Head().sequence() == static_cast<uint64_t>(taken.back().sequence));
  CHECK(c2.Head().head_hash() ==
        journal[static_cast<size_t>(taken.back().sequence) - 1].entry_hash());
  // And it takes new entries after it.
  const uint64_t next = c2.AccountOf(Payer(0)).sequence() + 1;
  CHECK(c2.Submit(c2.SignTransfer(Payer(0), Payer(1), 1, next)).status.ok());
}

TEST_CASE("a damaged backup is refused with a clear message, and nothing is restored", "[backup]") {
  TempDir tmp;
  const std::string data = tmp.Join("data"), to = tmp.Join("backups");
  InitLedger(data, BackupGenesis());
  {
    NodeProcess node(data);
    node.Start();
    Client c(node.channel());
    for (uint64_t s = 1; s <= 5; ++s)
      REQUIRE(c.Submit(c.SignTransfer(Payer(0), Payer(1), 1'00, s)).status.ok());
    node.Stop();
  }
  // With no node running, the command backs the database up itself.
  CommandResult first = RunNode({"backup", "--data", data, "--to", to});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(!Contains(first.out, "made by the running node"));
  CHECK(NumberAfter(first.out, "up to entry ") == 5);

  // A restore into a directory that holds something is refused, and it is left alone.
  const std::string busy = tmp.Join("busy");
  fs::create_directories(busy);
  WriteFile(busy + "/notes.txt", "mine");
  CommandResult refused = RunNode({"restore", "--from", to, "--data", busy});
  CHECK(refused.exit_code == 2);
  CHECK(Contains(refused.err, "is not empty"));
  CHECK(ReadFile(busy + "/notes.txt") == "mine");

  // One byte changed in the middle of a table file of the backup.
  std::string victim;
  for (const auto& entry : fs::recursive_directory_iterator(to))
    if (entry.path().extension() == ".sst" &&
        (victim.empty() || entry.file_size() > fs::file_size(victim)))
      victim = entry.path().string();
  REQUIRE(!victim.empty());
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(fs::file_size(victim));
    f.seekg(size / 2);
    char b = 0;
    f.read(&b, 1);
    b = static_cast<char>(b ^ 0x5a);
    f.seekp(size / 2);
    f.write(&b, 1);
  }
  const std::string restored = tmp.Join("restored");
  CommandResult r = RunNode({"restore", "--from", to, "--data", restored});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "backup 1 in " + to + " is damaged"));
  CHECK(Contains(r.err, "nothing was restored"));
  CHECK(!fs::exists(restored));
  CHECK(RunNode({"restore", "--from", tmp.Join("nowhere"), "--data", restored}).exit_code == 1);
}

TEST_CASE("a backup can leave the node key out, says so, and its restore needs the key",
          "[backup]") {
  TempDir tmp;
  const std::string data = tmp.Join("data"), with = tmp.Join("with"), without = tmp.Join("without");
  InitLedger(data, BackupGenesis());
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  REQUIRE(c.Submit(c.SignTransfer(Payer(0), Payer(1), 1'00, 1)).status.ok());

  CommandResult r = RunNode({"backup", "--data", data, "--to", without, "--without-node-key"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "made by the running node"));
  CHECK(Contains(r.out, "node key: not included"));
  r = RunNode({"backup", "--data", data, "--to", with});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "node key: included"));
  CommandResult list = RunNode({"backup", "--list", "--to", without});
  REQUIRE(list.exit_code == 0);
  REQUIRE(Lines(list.out).size() == 2);
  CHECK(Contains(Lines(list.out)[1], " no "));
  node.Stop();

  // The seed's bytes are in the one backup and nowhere in the other.
  const std::string seed = ReadSeed(data);
  CHECK(AnyFileHolds(with, seed));
  CHECK_FALSE(AnyFileHolds(without, seed));

  const std::string restored = tmp.Join("restored");
  r = RunNode({"restore", "--from", without, "--data", restored});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "node key: not in the backup"));
  CommandResult run = RunNode({"run", "--data", restored, "--listen", "127.0.0.1:0"});
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.err, "but this node holds no key"));
  // With the seed put where the message says, it starts.
  WriteFile(restored + "/node-key.next", ToHex(seed) + "\n");
  fs::permissions(restored + "/node-key.next", fs::perms::owner_read | fs::perms::owner_write);
  NodeProcess back(restored);
  back.Start();
  CHECK(Client(back.channel()).Head().sequence() == 1);
}

TEST_CASE("[backup] backs the running node up on its schedule and keeps the latest", "[backup]") {
  TempDir tmp;
  const std::string data = tmp.Join("data"), to = tmp.Join("scheduled");
  InitLedger(data, BackupGenesis());
  WriteFile(tmp.Join("node.toml"),
            "[backup]\nto = \"" + to + "\"\nevery_seconds = 1\nkeep = 2\nnode_key = false\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Count(node.err(), "event=backup ") < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(Millis(100));
  REQUIRE(Count(node.err(), "event=backup ") >= 4);
  CHECK(Contains(node.err(), "node_key=no"));
  CommandResult list = RunNode({"backup", "--list", "--to", to});
  INFO(list.out << list.err);
  REQUIRE(list.exit_code == 0);
  CHECK(Lines(list.out).size() == 3);  // the heading and the two kept
  node.Stop();
  CHECK(!fs::exists(data + "/backup.sock"));
  CHECK(!fs::exists(data + "/backup-staging"));
}

TEST_CASE("backup refuses a backup directory inside the data directory, or one of other files",
          "[backup]") {
  TempDir tmp;
  const std::string data = tmp.Join("data");
  InitLedger(data, BackupGenesis());
  CommandResult inside = RunNode({"backup", "--data", data, "--to", data + "/backups"});
  CHECK(inside.exit_code == 2);
  CHECK(Contains(inside.err, "is inside the data directory"));
  const std::string other = tmp.Join("other");
  fs::create_directories(other);
  WriteFile(other + "/photo.jpg", "x");
  CommandResult foreign = RunNode({"backup", "--data", data, "--to", other});
  CHECK(foreign.exit_code == 2);
  CHECK(Contains(foreign.err, "holds other files than backups"));
  CHECK(ReadFile(other + "/photo.jpg") == "x");
}

}  // namespace
}  // namespace liard::e2e
