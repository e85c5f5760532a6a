// Set-ups shared by the node's end-to-end tests of several nodes on loopback (standbys,
// synchronous standbys, failover through etcd): free ports, a standby's [replication] and a
// node's [leadership] sections, a real etcd member, the waits on a node's replication status
// and head, and its metrics page.
#ifndef LIARD_TESTS_E2E_CLUSTER_H_
#define LIARD_TESTS_E2E_CLUSTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "liard/v1/replication.grpc.pb.h"
#include "tests/e2e/harness.h"

namespace liard::e2e {

// A TCP port free now on 127.0.0.1 (so that a node restarted keeps its address), and
// "127.0.0.1:PORT" with such a port.
int FreePort();
std::string FreeAddress();

// StandardGenesis with carol holding 80.00 (every test payer has money), of `version`.
GenesisSpec ReplicaGenesis(uint32_t genesis_version = 6);

// The association's account (the treasurer in StandardGenesis) reads the journal for standbys.
std::string ReaderIdHex();
// A standby's [replication] section: it follows `primary` of ledger `ledger_hex`, reading with
// the association's key (its seed written to tmp/NAME.reader-seed); `extra` is appended. With
// `primary` empty: a primary's section with [leadership], which it follows once deposed.
std::string StandbyToml(const TempDir& tmp, const std::string& name, const std::string& primary,
                        const std::string& ledger_hex, const std::string& extra = "");

// One etcd member (Debian's etcd-server) on loopback, its data in `dir`; the same ports on a
// restart. Killed by its destructor.
class Etcd {
 public:
  explicit Etcd(std::string dir);
  void Start();  // returns once it answers a read through its JSON gateway (bounded)
  void Kill();
  std::string endpoint() const;  // HOST:PORT of its client URL
  // The create revision of `key`, 0 if absent (read through the JSON gateway).
  int64_t CreateRevision(const std::string& key);

 private:
  std::string dir_;
  int client_port_, peer_port_;
  std::unique_ptr<ChildProcess> process_;
};

// A node's [leadership] section (settle_ms 500).
std::string LeadershipToml(const Etcd& etcd, const std::string& name, const std::string& address,
                           int ttl_seconds, int min_candidates);

// ReplicationService.GetReplicationStatus (5 s deadline); throws if the node does not answer.
pb::ReplicationStatus Replication(const std::shared_ptr<grpc::Channel>& channel);
pb::ReplicationStatus Replication(NodeProcess& node);
pb::Head HeadOf(NodeProcess& node);

// The port of the node's metrics page ([metrics] listen = "127.0.0.1:0"), read from its start
// line; 0 if it printed none. The page's text, "" if there is none.
int MetricsPort(const NodeProcess& node);
std::string MetricsPage(const NodeProcess& node);

// A node of a cluster test, started: its data in tmp/NAME, its config tmp/NAME.toml (written by
// the test), listening at `at` (kept across restarts).
class ClusterNode : public NodeProcess {
 public:
  ClusterNode(const TempDir& tmp, const std::string& name, const std::string& at)
      : NodeProcess(tmp.Join(name), {"--config", tmp.Join(name + ".toml")}) {
    set_listen(at);
    Start();
  }
};

// A real etcd and two nodes of a genesis-version-7 ledger (tmp/a, tmp/b) with [leadership]
// (min_candidates 1, `ttl_seconds`): a, started first and leading in `first_term`, and b, its
// standby; `extra` is appended to both configs (tmp/a.toml, tmp/b.toml).
struct PrimaryAndStandby {
  PrimaryAndStandby(const TempDir& tmp, int ttl_seconds, const std::string& extra = "");
  Etcd etcd;
  std::string ledger_hex, a_at, b_at;
  std::unique_ptr<ClusterNode> a, b;
  uint64_t first_term = 0;
};

// Submits `op` (the same envelope each time) until it is acknowledged or `timeout` passes, as a
// client does while a new primary settles; the last outcome.
SubmitOutcome SubmitUntilAcknowledged(Client& client, const pb::SignedOperation& op,
                                      Millis timeout);

// Waits (bounded) until `standby`'s head is `primary`'s (sequence and hash).
bool CaughtUp(NodeProcess& primary, NodeProcess& standby, Millis timeout = Millis(30'000));
// Waits until `node` says it leads; its term then, 0 if it did not within `timeout`.
uint64_t WaitLeading(NodeProcess& node, Millis timeout);
// The node of `nodes` that says it leads within `timeout` (its term in *term); nullptr if none.
NodeProcess* WaitNewLeader(const std::vector<NodeProcess*>& nodes, Millis timeout, uint64_t* term);

}  // namespace liard::e2e

#endif  // LIARD_TESTS_E2E_CLUSTER_H_
