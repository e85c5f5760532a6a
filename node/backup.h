// Backup: online backups of a node's database through RocksDB's own facilities, and their
// verified restore (docs/operator.md, "Backing up and restoring").
//
// A backup is made from a running node without stopping it: the store makes a consistent copy
// of itself (Store::CopyTo, RocksDB's Checkpoint: whole groups only, table files hard-linked) in
// DIR/backup-staging, which is opened on its own, stripped of the node's seed when asked, and
// handed to RocksDB's BackupEngine. The backup directory is BackupEngine's: incremental (a table
// file already in an earlier backup is not copied again) and checksummed (crc32c of every file,
// checked by a restore). Each backup carries a line of metadata,
//     liard-backup/1 ledger=<64 hex> sequence=<N> node_key=yes|no
// so that a listing says which ledger, up to which entry, and whether the node's key is in it.
//
// A restore copies one backup into a new directory, then trusts it only once the node's own
// start-up checks pass (node/startup.h: write-ahead log, genesis and ledger id, state digest and
// totals, recent journal) plus the whole hash chain and the latest signed checkpoint. A backup
// holds no head anchor (DIR/head-anchor records what the *running* node acknowledged); the
// restored directory gets one at the head it was restored at.
//
// While a node runs, `liard-node backup` asks it for the backup over a Unix socket named by the
// data directory's path (in Linux's abstract namespace: no file in DIR), which answers only the
// node's own user and root (SO_PEERCRED); with no node running, the command opens the database
// itself.
#ifndef LIARD_NODE_BACKUP_H_
#define LIARD_NODE_BACKUP_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "node/store.h"

namespace liard::node {

inline constexpr char kBackupStagingName[] = "backup-staging";
// A request on the socket is one line of at most this many bytes.
inline constexpr size_t kBackupRequestMaxBytes = 4096;

struct BackupResult {
  uint32_t id = 0;
  uint64_t sequence = 0;  // the journal's last entry in the backup
  bool node_key = false;  // the node's seed is in it
  Hash ledger_id;
  uint64_t size_bytes = 0;  // the backup's files, shared ones included
  uint64_t new_bytes = 0;   // what this backup added to the directory
  int64_t elapsed_ms = 0;
};

// Backs up the open `store` of the data directory `data` into the backup directory `to`
// (created, mode 0700, if missing). Without `include_node_key` the node's seed is left out of
// the backup. Safe while the node serves; one at a time per data directory (the caller
// serialises). kInvalidArgument if `to` is inside `data` or holds something else than backups.
[[nodiscard]] Status CreateBackup(const Store& store, const std::string& data,
                                  const std::string& to, bool include_node_key, BackupResult* out);

struct BackupListing {
  uint32_t id = 0;
  int64_t time_s = 0;  // when it was made (Unix seconds)
  uint64_t size_bytes = 0;
  uint64_t sequence = 0;
  bool node_key = false;
  std::string ledger_hex;
};

// The backups in `to`, oldest first. kNotFound if `to` holds none.
[[nodiscard]] Status ListBackups(const std::string& to, std::vector<BackupListing>* out);

// Deletes all but the `keep` latest backups in `to` (and the files only they used).
[[nodiscard]] Status PurgeBackups(const std::string& to, uint32_t keep);

struct RestoreReport {
  uint32_t id = 0;
  uint64_t sequence = 0;
  Hash head_hash;
  Hash state_digest;        // the 32 bytes a checkpoint signs
  bool checkpoint = false;  // false: the ledger has none yet
  uint64_t checkpoint_sequence = 0;
  bool node_key = false;  // the node's seed came with the backup
  Hash ledger_id;
  size_t accounts = 0;
};

// Restores backup `id` (0: the latest) of `from` into `data`, which must not exist or be an
// empty directory, and verifies it. A damaged backup (a file whose checksum or size is not the
// recorded one) or one that does not verify is refused (kCorruption, saying what and that
// nothing was restored) and `data` is left as it was found.
[[nodiscard]] Status RestoreBackup(const std::string& from, uint32_t id, const std::string& data,
                                   RestoreReport* out);

// `[backup]` of the node's config: a backup every `every_seconds` into `to`, keeping `keep`.
struct BackupSchedule {
  std::string to;  // empty: no scheduled backups
  int64_t every_seconds = 3600;
  int64_t keep = 24;
  bool node_key = true;
};

// The running node's side: the backup socket for `liard-node backup`, and the schedule. Backups
// are made one at a time; `disk_check` (the applier's free-space guard) runs before each, since
// a backup flushes the store's memtables into the data directory's disk.
class BackupService {
 public:
  BackupService(const Store* store, std::string data, BackupSchedule schedule,
                std::function<Status()> disk_check);
  ~BackupService();  // Stop()
  BackupService(const BackupService&) = delete;
  BackupService& operator=(const BackupService&) = delete;

  // Binds the backup socket of the data directory and starts the threads.
  [[nodiscard]] Status Start();
  // Waits for a backup in progress, stops the threads and removes the socket.
  void Stop();

  // One backup now, serialised with the others, logged.
  Status Backup(const std::string& to, bool include_node_key, BackupResult* out);

 private:
  void ServeSocket();
  void RunSchedule();
  void Answer(int fd);

  const Store* const store_;
  const std::string data_;
  const BackupSchedule schedule_;
  const std::function<Status()> disk_check_;
  int listen_fd_ = -1;
  std::mutex backup_mu_;  // one backup at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread socket_thread_;
  std::thread schedule_thread_;
};

// The command's side: asks the node serving `data` for a backup into `to` (an absolute path).
// kNotFound if no node listens on the directory's backup socket (none runs: back up the
// database directly);
// otherwise the node's answer.
[[nodiscard]] Status RequestBackup(const std::string& data, const std::string& to,
                                   bool include_node_key, BackupResult* out);

}  // namespace liard::node

#endif  // LIARD_NODE_BACKUP_H_
