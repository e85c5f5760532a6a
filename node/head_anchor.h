// HeadAnchor: a small file beside the RocksDB database (DIR/head-anchor) that records the highest
// journal entry the node has acknowledged, so that a database which lost acknowledged entries (a
// damaged or deleted write-ahead log, a restored old copy of some of its files) is refused at
// start-up instead of silently reusing their sequence numbers.
//
// FILE FORMAT ("head anchor", version 1): exactly kHeadAnchorFileSize = 512 bytes, two slots of
// 256 bytes at offsets 0 and 256. A write goes to slot (counter % 2), so a write torn by a crash
// damages only the slot being written and the other one still holds the previous record. Each slot:
//   0   magic "LIARDHA1" (8)
//   8   u32 format version (1)
//   12  u32 slot size (256)
//   16  u64 counter (the slot with the larger counter is the current one)
//   24  ledger id (32)
//   56  u64 acknowledged sequence | its entry hash (32); the ledger id at sequence 0
//   96  u64 pending sequence | its entry hash (32): the group being written when this slot was
//       written, not yet acknowledged (equal to the acknowledged one when nothing is in flight)
//   136 checksum: SHA-256("liard head anchor v1" | bytes 0..136) (32)
//   168 zero padding to 256
// Integers are big-endian. A slot whose magic, version, size or checksum is wrong is ignored; a
// file with no intact slot, or of another size, is damaged.
#ifndef LIARD_NODE_HEAD_ANCHOR_H_
#define LIARD_NODE_HEAD_ANCHOR_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "node/storage_env.h"

namespace liard::node {

inline constexpr std::string_view kHeadAnchorFileName = "head-anchor";
inline constexpr size_t kHeadAnchorSlotSize = 256;
inline constexpr size_t kHeadAnchorFileSize = 2 * kHeadAnchorSlotSize;

struct AnchorRecord {
  Hash ledger_id;
  uint64_t acknowledged = 0;  // every entry up to here was acknowledged (or signed)
  Hash acknowledged_hash;
  uint64_t pending = 0;  // >= acknowledged: the group in flight ends here
  Hash pending_hash;
  bool operator==(const AnchorRecord&) const = default;
};

// One slot's 256 bytes (exposed for tests that forge or tear a file).
std::string EncodeAnchorSlot(const AnchorRecord& record, uint64_t counter);
// False if the slot is not intact.
bool DecodeAnchorSlot(std::string_view slot, AnchorRecord* record, uint64_t* counter);

// Reads the anchor file at `path`: kNotFound if it does not exist, kCorruption (naming the file)
// if it has the wrong size or no intact slot, kIOError if it cannot be read.
[[nodiscard]] Status ReadHeadAnchor(const std::string& path, AnchorRecord* record,
                                    uint64_t* counter, StorageEnv& env = StorageEnv::Default());

// Writes updates to an anchor file, through `env` (node/storage_env.h). The fdatasync of each write
// runs on a thread of its own, so that the store can make the anchor and its RocksDB write durable
// at the same time.
class HeadAnchor {
 public:
  // How long after an acknowledgement (Settle) the writer waits for the next group before it
  // records that acknowledgement on its own. Long enough that under load (groups a few ms apart,
  // longer on a busy machine) the next group's write records it, so that a group never waits
  // behind a settle's sync; short enough to leave a small window (see docs/operator.md).
  static constexpr std::chrono::milliseconds kSettleDelay{20};

  // Creates `path` holding `record` in both slots, durably (a temporary file, fsynced, renamed
  // over `path`, and the directory fsynced), and returns a writer for it.
  [[nodiscard]] static Status Create(const std::string& path, const AnchorRecord& record,
                                     std::unique_ptr<HeadAnchor>* out,
                                     StorageEnv& env = StorageEnv::Default());
  // Opens an existing, intact anchor file for updates (after ReadHeadAnchor).
  [[nodiscard]] static Status Open(const std::string& path, uint64_t counter,
                                   std::unique_ptr<HeadAnchor>* out,
                                   StorageEnv& env = StorageEnv::Default());
  // Writes a pending settle, then stops the thread and closes the file.
  ~HeadAnchor();

  // Starts writing `record` (durably) on the writer thread; Wait() returns the result. One at a
  // time: Begin, then Wait, before the next Begin or Write. A settle not yet written is dropped:
  // `record`'s acknowledged entry is at least as high.
  void Begin(const AnchorRecord& record);
  [[nodiscard]] Status Wait();
  // Begin and Wait.
  [[nodiscard]] Status Write(const AnchorRecord& record);
  // Records `record` (an acknowledgement) kSettleDelay from now unless a Begin comes first.
  // Never blocks; a failure is reported by the next Wait.
  void Settle(const AnchorRecord& record);

  const std::string& path() const { return path_; }

 private:
  HeadAnchor(std::string path, std::unique_ptr<StorageFile> file, uint64_t counter);
  void Run();
  Status WriteSlot(const AnchorRecord& record);  // on the writer thread only

  const std::string path_;
  const std::unique_ptr<StorageFile> file_;
  uint64_t counter_;  // of the last slot written; writer thread only after the start

  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<AnchorRecord> job_;     // Begin's record, waiting for the thread
  bool job_done_ = true;                // Wait's condition
  Status job_status_;                   // Begin's result
  Status settle_status_;                // a failed settle, reported by the next Wait
  std::optional<AnchorRecord> settle_;  // Settle's record
  std::chrono::steady_clock::time_point settle_at_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_HEAD_ANCHOR_H_
