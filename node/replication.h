// Replication: ReplicationService, which tells a node's role (primary or standby), the primary
// a standby follows and how far behind it is. The standby's write path is
// Applier::AppendReplicated (node/applier.h), defined in replication.cc.
#ifndef LIARD_NODE_REPLICATION_H_
#define LIARD_NODE_REPLICATION_H_

#include <atomic>

#include <grpcpp/grpcpp.h>

#include "liard/v1/replication.grpc.pb.h"
#include "node/applier.h"
#include "node/follower.h"
#include "node/leader.h"
#include "node/metrics.h"
#include "node/sync_wait.h"

namespace liard::node {

// How far a standby whose follower says `f` and whose durable head is `head` is behind its
// primary, at `now_ms`: the figures of GetReplicationStatus and of the metrics.
ReplicationFigures LagOf(const FollowerStatus& f, const HeadState& head, int64_t now_ms);

// Thread-safe. `follower` is null on a primary. Both must outlive the service.
class ReplicationServiceImpl final
    : public ::liard::v1::ReplicationService::WithCallbackMethod_ReportDurable<
          ::liard::v1::ReplicationService::Service> {
 public:
  ReplicationServiceImpl(Applier* applier, Follower* follower);
  // A primary's synchronous standbys (node/sync_wait.h): ReportDurable's acks go there and the
  // status lists them. Without it ReportDurable is FAILED_PRECONDITION. Called before serving,
  // or when a standby with [leadership] is promoted.
  void SetSync(SyncWait* sync) { sync_.store(sync); }

  grpc::ServerBidiReactor<::liard::v1::StandbyAck, ::liard::v1::SyncChallenge>* ReportDurable(
      grpc::CallbackServerContext* ctx) override;
  // A node with [leadership]: its role is the leader's say (PRIMARY while it leads), and a
  // standby's follower is reported only until it is promoted. Call before serving.
  void SetLeader(const Leader* leader) { leader_ = leader; }

  grpc::Status GetReplicationStatus(grpc::ServerContext* ctx,
                                    const ::liard::v1::GetReplicationStatusRequest* req,
                                    ::liard::v1::ReplicationStatus* resp) override;

 private:
  Applier* const applier_;
  Follower* const follower_;
  std::atomic<SyncWait*> sync_{nullptr};
  const Leader* leader_ = nullptr;
};

}  // namespace liard::node

#endif  // LIARD_NODE_REPLICATION_H_
