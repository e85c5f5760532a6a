// Follower: a standby's copy of the primary's journal. It streams the journal
// (LedgerService.StreamJournal, signed by a treasurer's or auditor's key), checks every entry
// as an audit replay does (the chain, each signature, the rules at the entry's own time) and
// makes it durable through Applier::AppendReplicated, then matches the primary's signed
// checkpoints against its own head hash and state digest. A primary whose history differs from
// what the standby holds (a fork) stops it: the standby never rewrites what it stored.
#ifndef LIARD_NODE_FOLLOWER_H_
#define LIARD_NODE_FOLLOWER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/ledger.h"
#include "ledger/replay.h"
#include "ledger/status.h"
#include "liard/v1/node.pb.h"
#include "node/applier.h"
#include "node/checkpointer.h"

namespace liard::node {

// Entries read from the primary but not yet durable: the stream's window. The reader waits
// (and gRPC's flow control holds the primary) while this many are queued.
inline constexpr size_t kFollowWindow = 2048;
// At most this many entries per fsynced write on the standby.
inline constexpr size_t kFollowGroup = 512;
// Reconnection backoff: doubled from the first to the last after each failed attempt.
inline constexpr int64_t kFollowBackoffFirstMs = 100;
inline constexpr int64_t kFollowBackoffMaxMs = 5'000;
// How often the primary's head and checkpoint are asked for (lag, digest checks).
inline constexpr int64_t kFollowPollMs = 1'000;
// A StreamJournal request is signed for this long (the node allows at most 5 minutes); the
// stream then ends DEADLINE_EXCEEDED and the follower continues with a fresh one.
inline constexpr int64_t kFollowReadLifetimeMs = 240'000;
// The state digests of the last this many entries are kept, to match a checkpoint that arrives
// after the standby went past it.
inline constexpr size_t kFollowDigestMemory = 16'384;

struct FollowerOptions {
  std::string primary;         // HOST:PORT
  std::string primary_ca_pem;  // the CA of the primary's certificate; empty: plaintext
  Seed reader_seed;            // a treasurer's or auditor's key
  AccountId reader_account;    // that account's id
  int64_t max_message_bytes = 4 * 1024 * 1024;
};

struct FollowerStatus {
  std::string primary;
  bool connected = false;            // a stream from the primary is open
  uint64_t primary_sequence = 0;     // the primary's head, as last learned
  int64_t primary_time_ms = 0;       // its head entry's time
  int64_t last_contact_ms = 0;       // when the primary last answered; 0: never
  uint64_t verified_checkpoint = 0;  // the last checkpoint matched (sequence); 0: none
};

// The channel to the primary of `options` (TLS with its CA if given), reconnecting quickly.
std::shared_ptr<grpc::Channel> PrimaryChannel(const FollowerOptions& options);

// A signed StreamJournal request from `from_sequence` (the reader key of `options`), valid until
// `expires_ms` (Unix ms; the node allows at most 5 minutes).
::liard::v1::StreamJournalRequest JournalRequest(const FollowerOptions& options,
                                                 const Hash& ledger_id, uint64_t from_sequence,
                                                 bool follow, int64_t expires_ms);

// A new standby's data directory: the genesis read from the primary at `primary` (retried for
// up to `wait_ms` while it does not answer), checked to hash to `ledger_id` (the id the
// operator trusts, from [replication] ledger), then stored with its genesis state as `liard-node
// init` stores it, with a node key of its own made here (it signs checkpoints once the ledger
// names that key and it is promoted; `liard-node node-key` prints it). kOk and nothing done if
// `data` holds a ledger already. kCorruption if the primary serves another ledger;
// kUnavailable if it never answered.
[[nodiscard]] Status CreateStandbyStore(const std::string& data, const FollowerOptions& options,
                                        const Hash& ledger_id, int64_t wait_ms);

// Thread-safe. Start once; Stop (or the destructor) joins the threads.
class Follower {
 public:
  // Called once, from a follower thread, when the standby must stop: a fork, an entry the
  // rules refuse, a checkpoint that does not match, a failed write. The message says why.
  using Fatal = std::function<void(const std::string& why)>;
  using Clock = std::function<int64_t()>;  // Unix ms

  // The ledger, store, applier and checkpointer must outlive the follower; the applier is
  // never Start()ed on a standby.
  Follower(const Ledger& ledger, Store* store, Applier* applier, Checkpointer* checkpointer,
           FollowerOptions options, Clock clock, Fatal on_fatal);
  ~Follower();

  void Start();
  void Stop();

  FollowerStatus status() const;
  // Follows the primary at `primary` (HOST:PORT) from now on: the open stream is cancelled and
  // the next one goes there (node/leader.h, when another node wins the leader key). The new
  // primary must continue what this standby holds, as any primary must.
  void Retarget(const std::string& primary);
  // Set once a Fatal was reported.
  bool failed() const { return failed_; }

 private:
  void StreamLoop();
  void ApplyLoop();
  void PollLoop();
  // One connection's stream, until it ends. kCorruption: fatal (a fork); others: retry.
  Status Stream();
  // The primary's head and latest checkpoint; a checkpoint is matched when the standby holds
  // its entry (now or once it gets there).
  Status Poll();
  Status MatchCheckpoint(uint64_t head_sequence);
  void Fail(const std::string& why);
  // Waits `ms` unless stopping; false if stopping.
  bool Sleep(int64_t ms);
  // The primary followed now and the channel to it.
  std::string primary() const;
  std::shared_ptr<grpc::Channel> channel() const;

  const Ledger& ledger_;
  Store* const store_;
  Applier* const applier_;
  Checkpointer* const checkpointer_;
  const FollowerOptions options_;
  const Clock clock_;
  const Fatal on_fatal_;
  std::shared_ptr<grpc::Channel> channel_;  // under mu_ (Retarget)
  std::string primary_;                     // under mu_: HOST:PORT followed now

  std::atomic<bool> failed_{false};
  std::atomic<bool> stopping_{false};

  // The window: prepared entries waiting for the applier thread.
  mutable std::mutex mu_;
  std::condition_variable cv_;  // the queue changed, or stopping
  std::deque<PreparedEntry> queue_;
  uint64_t queued_sequence_ = 0;  // the last entry queued (or durable), and its hash
  Hash queued_hash_;
  FollowerStatus status_;
  grpc::ClientContext* stream_ctx_ = nullptr;  // the open stream, cancelled by Stop

  // Checkpoints (applier thread and poller, under ck_mu_).
  std::mutex ck_mu_;
  bool have_pending_ = false;
  SignedCheckpointRecord pending_;  // the primary's latest, not yet matched
  struct Mark {
    uint64_t sequence;
    Hash entry_hash;
    Hash digest;  // the state digest after the entry
  };
  std::deque<Mark> marks_;
  // The sequence of the last checkpoint refused for its key (poller only): logged once.
  uint64_t refused_checkpoint_ = UINT64_MAX;

  std::thread stream_thread_, apply_thread_, poll_thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_FOLLOWER_H_
