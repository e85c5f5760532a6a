// Metrics: the node's Prometheus exposition on an address of its own ([metrics] listen; off by
// default, never the public gRPC or web port), docs/operator.md "Metrics".
//
// The metric types and the text format are prometheus-cpp's (Debian's prometheus-cpp-dev, its
// core library only); the page is served by cpp-httplib, which the node already uses for
// browsers. What the node counts as it runs (refusals by code, each group's size and commit
// time) goes into one process-wide registry at the moment it happens; everything else (head,
// checkpoint age, streams, the verify queue, RocksDB's figures, the resident memory) is read
// when the page is asked for, so that an ordinary operation pays for no metric but a counter or
// two per group.
#ifndef LIARD_NODE_METRICS_H_
#define LIARD_NODE_METRICS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace liard::node {

// A refused operation, by its code (called by LogRefused, node/applier.h).
void CountRefused(Code code);
// One group made durable: how many operations it carried and how long Store::Append took
// (memtables, the write-ahead log's fsync and the head anchor's).
void ObserveGroup(uint64_t operations, uint64_t append_us);

// A standby's replication figures (node/follower.h), read when the page is asked for.
struct ReplicationFigures {
  bool connected = false;    // streaming from the primary now
  uint64_t lag_entries = 0;  // the primary's head minus this node's
  int64_t lag_ms = 0;        // the primary's head entry's time minus this node's, 0 if none behind
  int64_t contact_age_ms = -1;  // since the primary last answered; -1: never
};

// What the page reads when it is asked for; an empty function leaves its metrics out.
struct MetricsSources {
  std::function<uint64_t()> operations_applied;  // since start
  std::function<uint64_t()> head_sequence;
  std::function<bool()> writable;
  std::function<std::optional<int64_t>()> checkpoint_time_ms;  // none before the first
  std::function<int64_t()> verify_queue;                       // operations waiting to verify
  std::function<int64_t()> open_streams;
  std::function<int64_t()> open_connections;
  std::function<std::optional<uint64_t>(std::string_view, bool)> store_property;  // RocksDB's
  std::function<int64_t()> now_ms;
  std::function<ReplicationFigures()> replication;  // a standby only
  // A primary with synchronous standbys: its lines, already in the text format
  // (SyncWait::MetricsText, node/sync_wait.h).
  std::function<std::string()> sync;
};

// The whole page, in Prometheus's text format (version 0.0.4).
std::string RenderMetrics(const MetricsSources& sources);

// The resident memory of this process in bytes (/proc/self/statm), 0 if it cannot be read.
uint64_t ResidentBytes();

// The HTTP listener for /metrics: GET only, two threads, small bounded requests.
class MetricsServer {
 public:
  explicit MetricsServer(MetricsSources sources);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens on `listen` (HOST:PORT, port 0: any free one) and sets *port.
  [[nodiscard]] Status Start(const std::string& listen, int* port);
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_METRICS_H_
