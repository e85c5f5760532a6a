// SyncWait: a primary's synchronous standbys (issue 23, step 2). Standbys confirm what they hold
// durably (ReplicationService.ReportDurable, by sequence and entry hash, signed); the highest
// sequence that K of the standbys the config lists hold with this node's own entry hash is the
// watermark, and the applier's answers to a group wait here until the watermark reaches the
// group's head (docs/operator.md, "Synchronous standbys").
#ifndef LIARD_NODE_SYNC_WAIT_H_
#define LIARD_NODE_SYNC_WAIT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "liard/v1/replication.pb.h"
#include "node/applier.h"
#include "node/store.h"

namespace liard::node {

// What a write does when K copies are not confirmed within sync_timeout_ms.
enum class OnSyncTimeout { kWait, kFail };

// One standby the primary counts: [replication] standbys = ["NAME=ACCOUNT-ID", ...].
struct SyncStandbyConfig {
  std::string name;
  AccountId account;  // its reader account: acks must be signed by that account's current key
};

struct SyncOptions {
  uint32_t sync_standbys = 0;  // K; 0: asynchronous (the answers wait for nobody)
  int64_t timeout_ms = 5'000;
  OnSyncTimeout on_timeout = OnSyncTimeout::kFail;
  std::vector<SyncStandbyConfig> standbys;
};

// Answers waiting at most this many at once; beyond it the applier waits before its next group
// (back-pressure: the submit queue then holds what comes, bounded by the connections).
inline constexpr size_t kSyncMaxWaiting = 65'536;
// ReportDurable streams not yet authenticated, at most this many at once and per address; and
// how long one may stay so.
inline constexpr int kSyncMaxUnauthenticated = 32;
inline constexpr int kSyncMaxUnauthenticatedPerPeer = 4;
inline constexpr int64_t kSyncHelloMs = 5'000;
// The longest standby name.
inline constexpr size_t kSyncMaxName = 64;

// The signing message of a StandbyAck (replication.proto).
std::string StandbyAckMessage(const Hash& ledger_id, std::string_view nonce, uint64_t sequence,
                              const Hash& entry_hash, std::string_view name);

// Parses one [replication] standbys entry, "NAME=ACCOUNT-ID" (64 hex digits).
[[nodiscard]] Status ParseSyncStandby(std::string_view text, SyncStandbyConfig* out);

// Thread-safe. Start once, before the applier; Stop after the applier stopped.
class SyncWait {
 public:
  // The current key of `account` on this node's state (false: the account is unknown).
  using KeyOf = std::function<bool(const AccountId& account, PublicKey* key)>;
  using Clock = std::function<int64_t()>;  // Unix ms

  // The store must outlive this object.
  SyncWait(SyncOptions options, const Hash& ledger_id, const Store* store, KeyOf key_of,
           Clock clock);
  ~SyncWait();

  void Start();
  // Answers every waiting group as timed out (the node is shutting down: outcome unknown) and
  // ends the thread. Call after the applier stopped.
  void Stop();

  bool enabled() const { return options_.sync_standbys > 0; }
  const SyncOptions& options() const { return options_; }

  // Called by the applier after a group is durable, instead of answering it: `hashes` are the
  // entry hashes of the group's new entries, from `first_sequence` on (none: it applied
  // nothing); `head` is the durable head after the group. dones[i](outcomes[i]) is called once
  // the watermark reaches `head` (at once, on the caller's thread, if it already has); if it
  // cannot within the timeout in "fail" mode, or the node stops first, an applied (or
  // duplicate) outcome is answered UNAVAILABLE instead, saying that its entry is kept on this
  // node and that the client must look it up by operation id; a refusal is answered as it is.
  // Blocks while kSyncMaxWaiting answers wait.
  void Hold(uint64_t first_sequence, std::vector<Hash> hashes, uint64_t head,
            std::vector<Applier::Done> dones, std::vector<SubmitOutcome> outcomes);

  // A standby's ack, checked (name listed, key, signature over `nonce`): kInvalidArgument
  // naming why if not. A hash that differs from this node's entry there marks the standby
  // forked (logged CRITICAL, never counted) and is kCorruption.
  // `bound` is the name the stream's earlier acks gave (empty: its first); *name is set to the
  // standby's name.
  Status Ack(const ::liard::v1::StandbyAck& ack, std::string_view nonce, const std::string& bound,
             std::string* name);
  // Stream bookkeeping, for the status: `name` connected or not. A new stream for a name
  // replaces the previous one (its generation).
  uint64_t Connected(const std::string& name);
  void Disconnected(const std::string& name, uint64_t generation);

  uint64_t watermark() const;
  // GetReplicationStatus's figures (fields 12 to 15).
  void FillStatus(::liard::v1::ReplicationStatus* out) const;
  // The metrics' lines (Prometheus text).
  std::string MetricsText() const;

  // ReportDurable's server side (a callback stream, no thread of its own); the client's address
  // is counted against the caps on streams not yet authenticated.
  grpc::ServerBidiReactor<::liard::v1::StandbyAck, ::liard::v1::SyncChallenge>* OpenStream(
      grpc::CallbackServerContext* ctx);

 private:
  class AckStream;
  struct Group {
    uint64_t head = 0;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::steady_clock::time_point held;
    std::vector<Applier::Done> dones;
    std::vector<SubmitOutcome> outcomes;
  };
  // Answers a group: as it is, or (`why` not ok) with its applied outcomes replaced by `why`.
  static void Answer(Group& g, const Status& why);
  struct Standby {
    SyncStandbyConfig config;
    uint64_t acked = 0;
    int64_t last_ack_ms = 0;
    bool forked = false;
    uint64_t generation = 0;  // of its current stream; 0: none open
  };

  void Run();
  // Under mu_.
  uint64_t WatermarkLocked() const;
  bool HashAt(uint64_t sequence, Hash* out) const;  // mu_ held
  bool AdmitUnauthenticated(const std::string& peer);
  void ReleaseUnauthenticated(const std::string& peer);

  const SyncOptions options_;
  const Hash ledger_id_;
  const Store* const store_;
  const KeyOf key_of_;
  const Clock clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;       // the watermark moved, a group arrived, or stopping
  std::condition_variable room_cv_;  // answers were released
  bool stopping_ = false;
  std::deque<Group> groups_;
  size_t waiting_answers_ = 0;
  std::vector<Standby> standbys_;
  // This node's entry hashes of recent entries (those of waiting groups and a few before),
  // so that an ack is checked without reading the store.
  std::map<uint64_t, Hash> recent_;
  uint64_t next_generation_ = 1;
  uint64_t waits_ = 0, timeouts_ = 0, forks_ = 0;

  std::mutex peers_mu_;
  int unauthenticated_ = 0;
  std::map<std::string, int> unauthenticated_per_peer_;
  std::set<AckStream*> streams_;  // not yet authenticated: cancelled past kSyncHelloMs

  std::thread thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_SYNC_WAIT_H_
