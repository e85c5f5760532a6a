// FaultEnv: a StorageEnv (node/storage_env.h) over the real file system that injects the faults
// a disk has: a failed write, a failed fsync, a full disk (ENOSPC, RocksDB's NoSpace), a torn
// write and a power cut. Like leveldb's db/fault_injection_test.cc, it keeps track of what each
// file it wrote held at its last sync, so that a "power cut" (DropUnsyncedData) leaves exactly
// what a real machine would have on disk: what was synced, nothing after.
//
// It covers RocksDB's files (through a rocksdb::FileSystemWrapper) and the head anchor's.
// RocksDB's own info log (DIR/LOG) is never faulted: it holds no data, and Debian's RocksDB
// aborts on an assertion at the second write to it after one failed.
#ifndef LIARD_TESTS_NODE_FAULT_ENV_H_
#define LIARD_TESTS_NODE_FAULT_ENV_H_

#include <memory>
#include <string>

#include "node/storage_env.h"

namespace liard::testing {

// Which file a fault hits.
enum class FaultFile {
  kWal,     // RocksDB's write-ahead logs (*.log): where an Append's group goes first
  kAnchor,  // DIR/head-anchor (and its temporary file)
  kAny,     // every file RocksDB or the anchor writes
};

enum class FaultOp {
  kWrite,  // RocksDB's Append / PositionedAppend, the anchor's WriteAt
  kSync,   // Sync / Fsync
};

class FaultEnv final : public node::StorageEnv {
 public:
  FaultEnv();
  ~FaultEnv() override;

  rocksdb::Env* rocksdb_env() override;
  int Open(const std::string& path, OpenMode mode,
           std::unique_ptr<node::StorageFile>* out) override;
  int ReadFile(const std::string& path, size_t limit, std::string* data) override;
  int Rename(const std::string& from, const std::string& to) override;
  int Remove(const std::string& path) override;

  // From now on every `op` on `file` fails with `error` (EIO, ENOSPC: RocksDB sees IOError or
  // NoSpace) and does nothing, until Heal().
  void Fail(FaultFile file, FaultOp op, int error);
  // The next write to `file` of more than kTearAbove bytes (a record's payload, not the 7-byte
  // header RocksDB's log writes before it; any anchor slot), after `skip` such writes, reaches
  // the disk in part only (its first half, synced), fails with EIO, and the machine stops at once
  // (Crash()).
  static constexpr size_t kTearAbove = 128;
  void TearNextWrite(FaultFile file, int skip = 0);
  // From now on syncs of `file` report success and make nothing durable (a disk that lies about
  // its write cache), until Heal().
  void LieAboutSyncs(FaultFile file);
  // The machine stops: every later write, sync, creation, rename and removal fails (EIO) and
  // does nothing. Reads go on.
  void Crash();
  // The power goes: each file written through this env since it was made keeps what its last
  // real sync made durable, and loses the rest.
  void DropUnsyncedData();
  // Ends every fault (not a crash).
  void Heal();

  // What a power cut now would leave of `path`, a file the anchor's calls wrote ("" if none).
  std::string SyncedBytes(const std::string& path) const;

  // How many operations a fault has hit so far: a test checks that its fault was hit.
  int faults_injected() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<rocksdb::Env> rocksdb_env_;
};

}  // namespace liard::testing

#endif  // LIARD_TESTS_NODE_FAULT_ENV_H_
