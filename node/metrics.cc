#include "node/metrics.h"

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

namespace liard::node {
namespace {

// RocksDB's figures that say whether the store keeps up: a stall stops or slows every write.
struct StoreFigure {
  bool per_family;  // summed over the column families, else the database's own
  const char* property;
  const char* name;
  const char* help;
};
constexpr StoreFigure kStoreFigures[] = {
    {false, "rocksdb.is-write-stopped", "liard_store_write_stopped",
     "1 while RocksDB stops writes (a stall: too many files waiting for compaction or flush)"},
    {false, "rocksdb.actual-delayed-write-rate", "liard_store_delayed_write_rate_bytes",
     "The rate RocksDB slows writes to, in bytes per second; 0 when it does not"},
    {true, "rocksdb.compaction-pending", "liard_store_compaction_pending",
     "Column families with a compaction pending"},
    {true, "rocksdb.estimate-pending-compaction-bytes", "liard_store_pending_compaction_bytes",
     "Bytes RocksDB estimates it must rewrite to finish its compactions"},
    {false, "rocksdb.num-running-compactions", "liard_store_running_compactions",
     "Compactions running now"},
    {false, "rocksdb.num-running-flushes", "liard_store_running_flushes", "Flushes running now"},
    {true, "rocksdb.cur-size-all-mem-tables", "liard_store_memtable_bytes",
     "Bytes held in RocksDB's memtables"},
    {true, "rocksdb.live-sst-files-size", "liard_store_table_bytes",
     "Bytes of the database's live table files"},
    {false, "rocksdb.background-errors", "liard_store_background_errors_total",
     "Errors of RocksDB's background work (flushes, compactions) since start"},
};

// Upper bounds of the histograms: group sizes up to the applier's largest groups, commit
// times from a fast SSD's fsync to a disk in trouble.
const prometheus::Histogram::BucketBoundaries kGroupBuckets = {1,  2,   4,   8,   16,  32,
                                                               64, 128, 256, 512, 1024};
const prometheus::Histogram::BucketBoundaries kCommitBuckets = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

// Everything counted as it happens, for the life of the process.
struct Counted {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& refused =
      prometheus::BuildCounter()
          .Name("liard_operations_refused_total")
          .Help("Operations refused, by rejection code (docs/protocol.md, \"Rejection codes\")")
          .Register(*registry);
  prometheus::Histogram& group_size = prometheus::BuildHistogram()
                                          .Name("liard_group_operations")
                                          .Help("Operations per group written with one fsync")
                                          .Register(*registry)
                                          .Add({}, kGroupBuckets);
  prometheus::Histogram& commit =
      prometheus::BuildHistogram()
          .Name("liard_group_commit_seconds")
          .Help(
              "Time to make a group durable: RocksDB's write and its write-ahead log's fsync, "
              "with the head anchor's fsync beside it")
          .Register(*registry)
          .Add({}, kCommitBuckets);
  std::mutex refused_mu;  // Family::Add is thread-safe; this keeps the lookups cheap
  std::unordered_map<int, prometheus::Counter*> refused_by_code;
};

Counted& Metrics() {
  static Counted* counted = new Counted();  // never destroyed: counted from any thread until exit
  return *counted;
}

void Line(std::ostringstream& out, const char* name, const char* type, const char* help,
          const std::string& value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
      << name << ' ' << value << '\n';
}

}  // namespace

void CountRefused(Code code) {
  Counted& m = Metrics();
  std::lock_guard lock(m.refused_mu);
  prometheus::Counter*& counter = m.refused_by_code[static_cast<int>(code)];
  if (counter == nullptr)
    counter = &m.refused.Add(
        {{"code", std::to_string(static_cast<int>(code))}, {"name", std::string(CodeName(code))}});
  counter->Increment();
}

void ObserveGroup(uint64_t operations, uint64_t append_us) {
  Counted& m = Metrics();
  m.group_size.Observe(static_cast<double>(operations));
  m.commit.Observe(static_cast<double>(append_us) / 1e6);
}

uint64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int got = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::string RenderMetrics(const MetricsSources& s) {
  std::ostringstream out;
  {
    std::ostringstream counted;
    prometheus::TextSerializer().Serialize(counted, Metrics().registry->Collect());
    out << counted.str();
  }
  // Read now. Integers are written as integers: no amount is ever a floating-point number, and
  // these are counts, sequences and bytes.
  if (s.operations_applied)
    Line(out, "liard_operations_applied_total", "counter",
         "Operations applied and made durable since the node started",
         std::to_string(s.operations_applied()));
  if (s.head_sequence)
    Line(out, "liard_journal_head", "gauge", "Sequence of the journal's last durable entry",
         std::to_string(s.head_sequence()));
  if (s.writable)
    Line(out, "liard_writable", "gauge",
         "1 while the node writes; 0 while it refuses writes (clock not trusted, disk failed)",
         s.writable() ? "1" : "0");
  if (s.checkpoint_time_ms && s.now_ms) {
    if (std::optional<int64_t> at = s.checkpoint_time_ms()) {
      const int64_t age_ms = std::max<int64_t>(0, s.now_ms() - *at);
      char text[32];
      std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(age_ms / 1000),
                    static_cast<long long>(age_ms % 1000));
      Line(out, "liard_checkpoint_age_seconds", "gauge",
           "Time since the latest checkpoint was signed (one is signed only when entries arrive)",
           text);
    }
  }
  if (s.verify_queue)
    Line(out, "liard_verify_queue", "gauge", "Signature checks waiting for a verification thread",
         std::to_string(s.verify_queue()));
  if (s.open_streams)
    Line(out, "liard_streams_open", "gauge", "Watch and StreamJournal streams open",
         std::to_string(s.open_streams()));
  if (s.open_connections)
    Line(out, "liard_connections_open", "gauge", "TCP connections the node holds",
         std::to_string(s.open_connections()));
  if (s.store_property)
    for (const StoreFigure& f : kStoreFigures)
      if (std::optional<uint64_t> v = s.store_property(f.property, f.per_family))
        Line(out, f.name, std::string_view(f.name).ends_with("_total") ? "counter" : "gauge",
             f.help, std::to_string(*v));
  if (s.replication) {
    const ReplicationFigures r = s.replication();
    const auto seconds = [](int64_t ms) {
      char text[32];
      std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                    static_cast<long long>(ms % 1000));
      return std::string(text);
    };
    Line(out, "liard_replication_connected", "gauge",
         "1 while this standby streams the primary's journal, 0 while it reconnects",
         r.connected ? "1" : "0");
    Line(out, "liard_replication_lag_entries", "gauge",
         "Entries the primary holds that this standby does not have yet",
         std::to_string(r.lag_entries));
    Line(out, "liard_replication_lag_seconds", "gauge",
         "Journal time between the primary's head entry and this standby's (0 when caught up)",
         seconds(r.lag_ms));
    if (r.contact_age_ms >= 0)
      Line(out, "liard_replication_contact_age_seconds", "gauge",
           "Time since the primary last answered this standby", seconds(r.contact_age_ms));
  }
  if (s.sync) out << s.sync();
  Line(out, "liard_process_resident_bytes", "gauge", "Resident memory of the node process",
       std::to_string(ResidentBytes()));
  return out.str();
}

struct MetricsServer::Impl {
  MetricsSources sources;
  httplib::Server server;
  std::thread listener;
  bool started = false;
};

MetricsServer::MetricsServer(MetricsSources sources) : impl_(std::make_unique<Impl>()) {
  impl_->sources = std::move(sources);
}

MetricsServer::~MetricsServer() { Stop(); }

Status MetricsServer::Start(const std::string& listen, int* port) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  const int wanted = std::atoi(listen.c_str() + colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  httplib::Server& s = impl_->server;
  s.set_read_timeout(5, 0);
  s.set_write_timeout(5, 0);
  s.set_keep_alive_max_count(100);
  s.set_payload_max_length(1024);
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // A scraper or two: two threads. Its connections count against [limits] max_connections and
  // max_connections_per_peer, as the gRPC port's do (node/conn_limit.h).
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderMetrics(impl_->sources), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("the metrics are at /metrics\n", "text/plain; charset=utf-8");
  });
  if (wanted == 0) {
    *port = s.bind_to_any_port(host);
    if (*port <= 0)
      return Status(Code::kUnavailable, "cannot listen on " + listen + " for [metrics]");
  } else {
    if (!s.bind_to_port(host, wanted))
      return Status(Code::kUnavailable,
                    "cannot listen on " + listen +
                        " for [metrics]: the address is in use or not available on this machine");
    *port = wanted;
  }
  impl_->listener = std::thread([this] { impl_->server.listen_after_bind(); });
  impl_->started = true;
  return Status::Ok();
}

void MetricsServer::Stop() {
  if (!impl_ || !impl_->started) return;
  impl_->started = false;
  impl_->server.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

}  // namespace liard::node
