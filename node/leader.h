// Leader: who of a ledger's nodes is the primary, decided through etcd ([leadership],
// docs/operator.md "Failover"). The primary holds a lease-bound leader key; the key's create
// revision is its term, written into every journal entry (genesis version 7). It renews the
// lease and fences its own writes at a local deadline shorter than the lease (half of it after
// each renewal), so that it has stopped writing before the key can pass to another node. When
// the key is free, every node publishes its head under its own lease, waits a settle time, and
// only the node with the highest (term, sequence) among at least `min_candidates` reports may
// create the key; a standby that wins stops following and becomes the primary.
#ifndef LIARD_NODE_LEADER_H_
#define LIARD_NODE_LEADER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "node/applier.h"
#include "node/etcd_client.h"

namespace liard::node {

struct LeadershipOptions {
  std::vector<std::string> endpoints;  // etcd client endpoints, HOST:PORT
  int64_t ttl_seconds = 10;            // the leader lease; the write deadline is half of it
  std::string name;                    // this node's name, unique among the ledger's nodes
  std::string address;                 // HOST:PORT at which clients reach this node
  // How long candidates publish their heads before the best one may take the key.
  int64_t settle_ms = 2'000;
  // Heads that must be published (this node's included) before any candidate may take the
  // key: with N standbys of which K are synchronous, N - K + 1 guarantees that one of them holds
  // every acknowledged entry (docs/operator.md, "Failover").
  uint32_t min_candidates = 1;
  int64_t etcd_timeout_ms = 1'000;
};

// What one node publishes while the key is free, and the leader key's value: its name, address,
// and head (the term and sequence of its last entry). Text, one field per line.
struct NodeReport {
  std::string name;
  std::string address;
  uint64_t term = 0;
  uint64_t sequence = 0;
};
std::string EncodeReport(const NodeReport& report);
bool DecodeReport(std::string_view text, NodeReport* out);
// Whether report `a` is a better candidate than `b`: a higher last term, then a longer
// journal, then the smaller name (a total order, so every node picks the same winner).
bool BetterCandidate(const NodeReport& a, const NodeReport& b);

// The keys, under "/liard/<ledger id hex>/": "leader" and "candidates/<name>".
std::string LeaderKey(const Hash& ledger_id);
std::string CandidatePrefix(const Hash& ledger_id);

// Thread-safe. Start once; Stop (or the destructor) joins the thread and revokes the lease
// (the key is then free at once, for a clean switch-over).
class Leader {
 public:
  // Called on the leader's thread once this node won a term, before the fence is lifted: a
  // standby stops following and starts its applier. Not ok: the node gives the key back.
  using Promote = std::function<Status(uint64_t term)>;
  // Called whenever the primary this node knows of changes: its address, or "" when it is this
  // node or unknown. A standby follows it; a primary that lost the key redirects writes to it.
  using LeaderChanged = std::function<void(const std::string& address)>;
  using Monotonic = std::function<int64_t()>;  // ms

  Leader(LeadershipOptions options, const Hash& ledger_id, Applier* applier, Promote promote,
         LeaderChanged leader_changed, Monotonic monotonic = {});
  ~Leader();

  void Start();
  void Stop();

  bool leading() const { return leading_; }
  uint64_t term() const { return term_; }
  // The primary's address as last read from etcd; "" if none is known (or this node leads).
  std::string known_leader() const;

 private:
  void Run();
  // One round: renew or get a lease, then lead, or watch the key and campaign when it is free.
  void Round();
  void Campaign(int64_t renewed_at);
  void Depose(const std::string& why);
  void SetKnownLeader(const std::string& address);
  int64_t Now() const;
  bool Sleep(int64_t ms);

  const LeadershipOptions options_;
  const Hash ledger_id_;
  Applier* const applier_;
  const Promote promote_;
  const LeaderChanged leader_changed_;
  const Monotonic monotonic_;
  EtcdClient etcd_;

  std::atomic<bool> leading_{false};
  std::atomic<uint64_t> term_{0};
  int64_t lease_ = 0;        // leader thread only; 0: none
  int64_t free_since_ = -1;  // leader thread: when the key was first seen free; -1: held
  bool published_ = false;   // leader thread: our candidate report is in etcd
  bool promoted_ = false;    // leader thread: Promote was called once
  int64_t fence_until_ = 0;  // leader thread: the write deadline last set
  bool lapsed_ = false;      // leader thread: the deadline passed without a renewal

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;     // under mu_
  std::string known_leader_;  // under mu_
  bool told_ = false;         // under mu_: leader_changed_ was called at least once
  std::thread thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_LEADER_H_
