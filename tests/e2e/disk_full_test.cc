// A full disk under the real liard-node, on a small tmpfs mounted for the test (the test runs as
// root, as CI does here): writes stop with UNAVAILABLE and a critical line, the node stays up
// and serves reads, health turns NOT_SERVING; a restart on the still-full disk ends with one
// sentence and exit 1; once space is freed, nothing acknowledged is lost.
// docs/operator.md, "When the disk is full".
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace liard::e2e {
namespace {

constexpr char kLedgerService[] = "liard.v1.LedgerService";

// A tmpfs of `mib` MiB at `path`, unmounted on destruction (after the node using it is gone).
class SmallDisk {
 public:
  SmallDisk(std::string path, int mib) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    const std::string options = "size=" + std::to_string(mib) + "m,mode=0700";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      // Never a silent pass: a machine where the test cannot make a full disk fails it.
      FAIL("cannot mount a " << mib << " MiB tmpfs at " << path_ << " (" << std::strerror(errno)
                             << "): this test needs root, as CI has here");
    }
    mounted_ = true;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  const std::string& path() const { return path_; }

  // Writes `file` until the disk has no byte left.
  void Fill(const std::string& file) const {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    std::vector<char> chunk(1 << 20, 'f');
    for (size_t size : {size_t{1} << 20, size_t{4096}, size_t{1}}) {
      while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
      }
    }
    ::close(fd);
  }

 private:
  std::string path_;
  bool mounted_ = false;
};

int LedgerHealth(const NodeProcess& node) {
  int serving = -1;
  grpc::Status s = HealthCheck(node.channel(), kLedgerService, &serving, Millis(2'000));
  return s.ok() ? serving : -1;
}

TEST_CASE("a full disk stops writes and keeps reads, and nothing acknowledged is lost", "[disk]") {
  TempDir tmp;
  SmallDisk disk(tmp.Join("disk"), 64);
  const std::string data = disk.path() + "/data";
  InitLedger(data, StandardGenesis());
  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  REQUIRE(LedgerHealth(node) == 1);

  // Alice and bob send each other a cent, 500 transfers a batch, each with its own sequence.
  std::vector<Hash> acknowledged;
  uint64_t alice_seq = 0, bob_seq = 0;
  bool disk_refused = false;
  auto pay_round = [&] {
    std::vector<pb::SignedOperation> ops;
    for (int i = 0; i < 250; ++i) {
      ops.push_back(c.SignTransfer("alice", "bob", 1, ++alice_seq));
      ops.push_back(c.SignTransfer("bob", "alice", 1, ++bob_seq));
    }
    pb::SubmitBatchResponse batch;
    grpc::Status s = c.SubmitBatch(ops, &batch);
    INFO("SubmitBatch: " << s.error_code() << " " << s.error_message() << "\nnode stderr:\n"
                         << node.err());
    REQUIRE(s.ok());
    REQUIRE(batch.results_size() == static_cast<int>(ops.size()));
    for (int i = 0; i < batch.results_size(); ++i) {
      const pb::SubmitResponse& r = batch.results(i);
      if (r.code() == 0) {
        acknowledged.push_back(c.OperationIdOf(ops[i]));
      } else {
        INFO(r.code_name() << ": " << r.message());
        REQUIRE(r.code_name() == "UNAVAILABLE");
        CHECK(r.message().find("could not write to its disk") != std::string::npos);
        disk_refused = true;
      }
    }
  };
  pay_round();
  REQUIRE(acknowledged.size() == 500);
  REQUIRE(!disk_refused);

  disk.Fill(disk.path() + "/filler");
  for (int round = 0; round < 40 && !disk_refused; ++round) pay_round();
  REQUIRE(disk_refused);
  REQUIRE(!acknowledged.empty());

  // The node is alive, answers reads from what is durable, and says it does not write.
  INFO("node stderr:\n" << node.err());
  CHECK(node.running());
  CHECK(LedgerHealth(node) == 2);
  CHECK(c.Head().sequence() == acknowledged.size());
  pb::Receipt receipt;
  CHECK(c.GetOperation(acknowledged.back(), &receipt).ok());
  SubmitOutcome later = c.Submit(c.SignTransfer("alice", "bob", 1, ++alice_seq));
  CHECK(later.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(later.status.error_message().find("could not write to its disk") != std::string::npos);
  REQUIRE(node.ErrShows("critical event=append-failed"));
  const std::string err = node.err();
  size_t critical = 0;
  for (size_t at = err.find("critical event=append-failed"); at != std::string::npos;
       at = err.find("critical event=append-failed", at + 1))
    ++critical;
  CHECK(critical == 1);
  // It stops cleanly, leaving the store for the next start to recover.
  CHECK(node.Stop() == 0);
  CHECK(node.err().find("Assertion") == std::string::npos);

  // A restart on the still-full disk: one sentence, exit 1, no assertion.
  CommandResult full = RunNode({"run", "--data", data, "--listen", "127.0.0.1:0"});
  INFO("stderr: " << full.err);
  CHECK(full.exit_code == 1);
  CHECK(full.err.find("MiB free") != std::string::npos);
  CHECK(full.err.find("Assertion") == std::string::npos);
  CHECK(std::count(full.err.begin(), full.err.end(), '\n') == 1);

  // Space freed: the node starts and holds every acknowledged operation.
  std::filesystem::remove(disk.path() + "/filler");
  node.Start();
  Client after(node.channel());
  CHECK(LedgerHealth(node) == 1);
  CHECK(after.Head().sequence() == acknowledged.size());
  for (size_t i = 0; i < acknowledged.size(); i += 97) {
    INFO("acknowledged operation " << i);
    CHECK(after.GetOperation(acknowledged[i], &receipt).ok());
  }
  CHECK(after.GetOperation(acknowledged.back(), &receipt).ok());
  const uint64_t next = after.AccountOf("alice").sequence() + 1;
  CHECK(after.Submit(after.SignTransfer("alice", "bob", 1, next)).status.ok());
  CHECK(node.Stop() == 0);
}

}  // namespace
}  // namespace liard::e2e
