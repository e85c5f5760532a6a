// StandbyAcker: a standby's side of synchronous replication. It tells its primary, over
// ReplicationService.ReportDurable, the durable head it holds (sequence and entry hash) when it
// connects and after each fsynced group, signed with its reader key over the primary's
// challenge, so that a primary with sync_standbys counts its copy (node/sync_wait.h).
#ifndef LIARD_NODE_SYNC_ACK_H_
#define LIARD_NODE_SYNC_ACK_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "node/applier.h"
#include "node/follower.h"

namespace liard::node {

// Without news, the head is sent again this often: the primary's view of the standby stays
// fresh, and a stream the primary ended is noticed.
inline constexpr int64_t kAckHeartbeatMs = 1'000;

// Thread-safe. Start once; Stop (or the destructor) joins its thread.
class StandbyAcker {
 public:
  // `name` is how the standby names itself ([replication] name). The applier (the standby's,
  // written by its Follower) must outlive this object.
  StandbyAcker(const FollowerOptions& options, std::string name, const Hash& ledger_id,
               Applier* applier);
  ~StandbyAcker();

  void Start();
  void Stop();
  // Reports to the primary at `primary` (HOST:PORT) from now on (node/leader.h: another node
  // won the leader key); the open stream is cancelled.
  void Retarget(const std::string& primary);

 private:
  void Run();
  // One stream, until it ends: why it ended.
  Status Stream();
  bool Sleep(int64_t ms);

  const FollowerOptions options_;
  const std::string name_;
  const Hash ledger_id_;
  Applier* const applier_;
  std::shared_ptr<grpc::Channel> channel_;  // under mu_
  std::string primary_;                     // under mu_: HOST:PORT reported to now
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  grpc::ClientContext* ctx_ = nullptr;  // the open stream, cancelled by Stop
  std::thread thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_SYNC_ACK_H_
