// A damaged disk never silently rewrites history, through the real binary: liard-node is
// SIGKILLed under load (its acknowledged operations only in RocksDB's write-ahead log), the WAL
// is damaged, and the restart fails with exit 1 and the "is damaged ... restore" sentence on
// standard error, instead of starting at an earlier head and reusing sequence numbers.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/data_files.h"
#include "tests/e2e/harness.h"

namespace liard::e2e {
namespace {

namespace fs = std::filesystem;

using testing::FlipBytes;
using testing::LargestWal;

// Runs the node on `data` and expects the refusal: exit 1, one "is damaged" line naming `detail`.
void RequireRefusedStart(const std::string& data, const std::string& detail) {
  CommandResult r = RunNode({"run", "--data", data, "--listen", "127.0.0.1:0"}, Millis(15'000));
  INFO(r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "the database in " + data + " is damaged ("));
  CHECK(Contains(r.err, detail));
  CHECK(Contains(r.err, "restore it from a backup or a standby"));
  CHECK_FALSE(Contains(r.out, "listening"));
}

TEST_CASE("a node killed under load whose write-ahead log is then damaged refuses to restart",
          "[e2e][damage]") {
  RunningLedger ledger;
  const std::string& data = ledger.data;
  NodeProcess& node = ledger.node;
  Client& c = ledger.client();

  // One client pays one cent at a time; the node is killed once 300 payments are acknowledged.
  std::atomic<uint64_t> acked{0};
  std::atomic<bool> stop{false};
  std::thread payer([&] {
    for (uint64_t seq = 1; !stop; ++seq) {
      SubmitOutcome o = c.Submit(c.SignTransfer("alice", "bob", 1, seq), Millis(2'000));
      if (!o.status.ok()) return;
      acked = std::max<uint64_t>(acked, o.response.sequence());
    }
  });
  for (int i = 0; i < 600 && acked < 300; ++i) std::this_thread::sleep_for(Millis(50));
  node.Kill();
  stop = true;
  payer.join();
  REQUIRE(acked >= 300);

  const std::string copy = ledger.tmp.Join("copy");
  fs::copy(data, copy, fs::copy_options::recursive);

  // 16 bytes flipped at 30 % of the WAL.
  const std::string wal = LargestWal(data);
  REQUIRE_FALSE(wal.empty());
  REQUIRE(FlipBytes(wal, 0.30));
  RequireRefusedStart(data, "its write-ahead log is corrupted");
  RequireRefusedStart(data, "its write-ahead log is corrupted");  // still: nothing was changed

  // The WAL deleted: every acknowledged payment since the start is missing.
  fs::remove(LargestWal(copy));
  RequireRefusedStart(copy, "lost acknowledged entries 1..");
}

}  // namespace
}  // namespace liard::e2e
