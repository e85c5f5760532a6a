// liard-bench: drives the real liard-node with pre-signed transfers over gRPC (unary and batch)
// and prints throughput, latency and memory as ratios to the machine's limits, measured in the
// same run (Ed25519 verifies, synced RocksDB commits, an empty gRPC call). docs/benchmarks.md.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/pg_baseline.h"
#include "ledger/crypto.h"
#include "ledger/operation.h"
#include "liard/v1/node.grpc.pb.h"
#include "proto/codec.h"

namespace liard::bench {
namespace {

namespace fs = std::filesystem;
namespace pb = ::liard::v1;

constexpr int64_t kOpeningMinor = 100'000;  // 1,000.00 units per resident
constexpr int64_t kMaxTransferMinor = 500;  // a till payment: 0.01 to 5.00 units
constexpr auto kCallDeadline = std::chrono::seconds(60);

// ---- Options ----------------------------------------------------------------------------------

struct Options {
  uint64_t residents = 20'000;
  uint64_t merchants = 300;
  unsigned clients = 8;
  uint64_t unary_transfers = 20'000;
  uint64_t batch_transfers = 100'000;
  uint64_t batch_size = 500;
  unsigned verify_threads = 0;  // 0: as many as cores, as the node's gRPC threads
  int reps = 5;
  double limit_seconds = 0.5;  // per repetition of the RocksDB and gRPC limits
  double rate = 2'000;         // transfers/s offered in the fixed-rate phase
  double rate_seconds = 10;    // its length; 0: no fixed-rate phase
  bool postgres = true;        // the PostgreSQL baseline
  std::string pg_bin;          // empty: the newest /usr/lib/postgresql/*/bin
  std::string node;
  std::string work;  // empty: a new directory under $TMPDIR
  bool keep = false;
};

// The transfers of the fixed-rate phase.
uint64_t FixedTransfers(const Options& o) {
  return static_cast<uint64_t>(std::llround(o.rate * o.rate_seconds));
}

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr,
               "liard-bench: %s\n"
               "usage: liard-bench [--residents 20000] [--merchants 300] [--clients 8]\n"
               "                   [--transfers 20000] [--batch-transfers 100000] "
               "[--batch-size 500]\n"
               "                   [--reps 5] [--limit-seconds 0.5] [--verify-threads N]\n"
               "                   [--rate 2000] [--rate-seconds 10] [--no-postgres]\n"
               "                   [--pg-bin DIR] [--node PATH-TO-liard-node] [--data DIR] "
               "[--keep]\n"
               "Creates a ledger in DIR (new or empty; default a temporary directory, removed\n"
               "after unless --keep), runs the real liard-node on it and drives it with\n"
               "--clients threads: --transfers unary Submit calls, then --batch-transfers in\n"
               "SubmitBatch calls of --batch-size, then --rate unary transfers/s for\n"
               "--rate-seconds (open loop); then the same unary and batch workload against a\n"
               "PostgreSQL ledger it starts in a temporary directory (binaries from --pg-bin,\n"
               "default the newest /usr/lib/postgresql/*/bin). --node defaults to\n"
               "../node/liard-node from this program's folder (the build tree's layout).\n",
               problem.c_str());
  std::exit(2);
}

uint64_t ParseCount(const std::string& flag, const char* text) {
  uint64_t v = 0;
  if (!bench::ParseCount(text, &v)) Usage(flag + " wants a whole number, not '" + text + "'");
  return v;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") Usage("throughput and latency benchmark");
    if (a == "--keep") {
      o.keep = true;
      continue;
    }
    if (a == "--no-postgres") {
      o.postgres = false;
      continue;
    }
    if (i + 1 >= argc) Usage(a + " needs a value");
    const char* v = argv[++i];
    if (a == "--residents") {
      o.residents = ParseCount(a, v);
    } else if (a == "--merchants") {
      o.merchants = ParseCount(a, v);
    } else if (a == "--clients") {
      o.clients = static_cast<unsigned>(ParseCount(a, v));
    } else if (a == "--transfers") {
      o.unary_transfers = ParseCount(a, v);
    } else if (a == "--batch-transfers") {
      o.batch_transfers = ParseCount(a, v);
    } else if (a == "--batch-size") {
      o.batch_size = ParseCount(a, v);
    } else if (a == "--reps") {
      o.reps = static_cast<int>(ParseCount(a, v));
    } else if (a == "--limit-seconds") {
      o.limit_seconds = std::atof(v);
    } else if (a == "--verify-threads") {
      o.verify_threads = static_cast<unsigned>(ParseCount(a, v));
    } else if (a == "--rate") {
      o.rate = std::atof(v);
    } else if (a == "--rate-seconds") {
      o.rate_seconds = std::atof(v);
    } else if (a == "--pg-bin") {
      o.pg_bin = v;
    } else if (a == "--node") {
      o.node = v;
    } else if (a == "--data") {
      o.work = v;
    } else {
      Usage("unknown option " + a);
    }
  }
  if (o.residents < 1 || o.residents > 10'000'000) Usage("--residents must be 1 to 10000000");
  if (o.merchants < 1 || o.merchants > 1'000'000) Usage("--merchants must be 1 to 1000000");
  if (o.clients < 1 || o.clients > 1024) Usage("--clients must be 1 to 1024");
  // The node takes at most 10,000 operations per SubmitBatch (node.proto).
  if (o.batch_size < 1 || o.batch_size > 10'000) Usage("--batch-size must be 1 to 10000");
  if (o.reps < 1 || o.reps > 100) Usage("--reps must be 1 to 100");
  if (!(o.limit_seconds > 0 && o.limit_seconds <= 60)) Usage("--limit-seconds must be in (0, 60]");
  if (!(o.rate > 0 && o.rate <= 1e6)) Usage("--rate must be in (0, 1000000]");
  if (!(o.rate_seconds >= 0 && o.rate_seconds <= 600)) Usage("--rate-seconds must be 0 to 600");
  if (o.unary_transfers + o.batch_transfers + FixedTransfers(o) == 0) Usage("nothing to send");
  // Each resident pays at most ceil(total / residents) times kMaxTransferMinor: never more than
  // its opening balance, so that every transfer must be accepted.
  const uint64_t per_resident =
      (o.unary_transfers + o.batch_transfers + FixedTransfers(o) + o.residents - 1) / o.residents;
  if (per_resident * kMaxTransferMinor > kOpeningMinor)
    Usage("more than " + std::to_string(kOpeningMinor / kMaxTransferMinor) +
          " transfers per resident could overdraw one: add --residents");
  if (o.node.empty()) {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) o.node = (self.parent_path().parent_path() / "node" / "liard-node").string();
  }
  if (o.node.empty() || access(o.node.c_str(), X_OK) != 0)
    Usage("--node " + o.node + " is not an executable");
  return o;
}

// ---- Small helpers ----------------------------------------------------------------------------

// "12.34" for 1234 cents, as the genesis file wants amounts.
std::string Cents(int64_t minor) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%02" PRId64, minor / 100, minor % 100);
  return buf;
}

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

std::string Percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  char buf[128];
  std::snprintf(buf, sizeof buf, "p50 %.2f ms, p99 %.2f ms, p999 %.2f ms",
                Percentile(us, 0.5) / 1000, Percentile(us, 0.99) / 1000,
                Percentile(us, 0.999) / 1000);
  return buf;
}

std::string Rate(const Stats& s) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0f /s (min %.0f, max %.0f)", s.median, s.min, s.max);
  return buf;
}

// Runs `program args...` to completion; returns its stdout. Dies with its stderr unless it exits
// 0 within a minute.
std::string RunToEnd(const std::string& program, const std::vector<std::string>& args,
                     const std::string& err_log) {
  const auto t0 = SteadyClock::now();
  int out_fd = -1;
  pid_t pid = Spawn(program, args, err_log, &out_fd);
  std::string text;
  ReadUntil(out_fd, t0, 60'000, &text, [](const std::string&) { return false; });
  close(out_fd);
  int wstatus = 0;
  if (MsSince(t0) >= 60'000) kill(pid, SIGKILL);
  waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::ifstream in(err_log);
    std::stringstream logged;
    logged << in.rdbuf();
    Die(program + " " + args.front() + " failed; its stderr:\n" + logged.str());
  }
  return text;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  grpc::ChannelArguments args;
  // One connection per client, as separate tills would have: gRPC otherwise shares one
  // connection between channels with the same arguments, and C clients would be one.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(-1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)))
    Die("cannot connect to " + target);
  return channel;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, unsigned n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (unsigned i = 0; i < n; ++i) channels.push_back(MakeChannel(target));
  return channels;
}

// ---- The ledger and the workload --------------------------------------------------------------

struct Members {
  std::vector<KeyPair> residents;
  std::vector<AccountId> merchants;
};

Members MakeMembers(const Options& o) {
  Members m;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  // KeyPair has no empty state, hence optional while the threads fill the slots.
  std::vector<std::optional<KeyPair>> residents(o.residents);
  ParallelFor(o.residents, threads, [&](size_t i) {
    residents[i].emplace(KeyFor("bench-resident-" + std::to_string(i)));
  });
  m.residents.reserve(o.residents);
  for (auto& k : residents) m.residents.push_back(*k);
  m.merchants.resize(o.merchants);
  ParallelFor(o.merchants, threads, [&](size_t i) {
    m.merchants[i] = KeyFor("bench-merchant-" + std::to_string(i)).public_key();
  });
  return m;
}

// The genesis as the operator's TOML file, so that `liard-node init` makes the ledger itself.
std::string GenesisToml(const Members& m) {
  std::ostringstream t;
  const int64_t fund = static_cast<int64_t>(m.residents.size()) * kOpeningMinor;
  t << "# liard-bench: residents with 1,000.00 each, merchants with nothing.\n"
    << "[currency]\ncode = \"ROUE\"\nname = \"la Roue\"\ndecimals = 2\npar = \"1/1\"\n"
    << "created_at_ms = 1700000000000\n\n"
    << "[board]\nkeys = [\"" << ToHex(KeyFor("bench-board").public_key()) << "\"]\n"
    << "threshold = 1\n\n"
    << "[fund]\nopening = \"" << Cents(fund) << "\"\n\n"
    << "[rules]\nbacking = \"1/1\"\n"
    << "\n[[accounts]]\nkey = \"" << ToHex(KeyFor("bench-association").public_key())
    << "\"\nkind = \"association\"\nname = \"Association\"\nopening_balance = \"0.00\"\n"
    << "\n[[accounts]]\nkey = \"" << ToHex(KeyFor("bench-office").public_key())
    << "\"\nkind = \"exchange-office\"\nname = \"Comptoir\"\nopening_balance = \"0.00\"\n";
  for (size_t i = 0; i < m.residents.size(); ++i)
    t << "\n[[accounts]]\nkey = \"" << ToHex(m.residents[i].public_key())
      << "\"\nkind = \"resident\"\nname = \"Membre " << i << "\"\nopening_balance = \""
      << Cents(kOpeningMinor) << "\"\n";
  for (size_t i = 0; i < m.merchants.size(); ++i)
    t << "\n[[accounts]]\nkey = \"" << ToHex(m.merchants[i]) << "\"\nkind = \"merchant\"\n"
      << "name = \"Commerce " << i << "\"\nopening_balance = \"0.00\"\n";
  return t.str();
}

// Transfer k is paid by resident k % R with its sequence k / R + 1, to a merchant picked by k.
// Client c sends the transfers of the residents r with r % C == c, in order of k, one call
// after another: so a resident's operations reach the node in sequence order, and the phases
// (unary, batch, then fixed rate) continue each other's sequences.
struct Planned {
  uint64_t resident = 0, merchant = 0, sequence = 0;
  int64_t amount = 0;
};

Planned Plan(const Options& o, uint64_t k) {
  return Planned{k % o.residents, Mix(k) % o.merchants, k / o.residents + 1,
                 1 + static_cast<int64_t>(Mix(~k) % kMaxTransferMinor)};
}

unsigned ClientOf(const Options& o, uint64_t k) {
  return static_cast<unsigned>((k % o.residents) % o.clients);
}

// The same transfer for the PostgreSQL ledger: resident r is row r, merchant m row R + m.
PgTransfer PgPlan(const Options& o, uint64_t k) {
  const Planned p = Plan(o, k);
  return PgTransfer{static_cast<int64_t>(p.resident),
                    static_cast<int64_t>(o.residents + p.merchant), p.amount,
                    static_cast<int64_t>(p.sequence)};
}

struct Workload {
  std::vector<std::vector<pb::SubmitRequest>> unary;         // per client
  std::vector<std::vector<pb::SubmitBatchRequest>> batches;  // per client
  std::vector<pb::SubmitRequest> fixed;                      // in order of sending
  size_t batch_count = 0;
  std::vector<SignedOperation> sample;  // the first signed operations, for the verify limit
};

Workload SignWorkload(const Options& o, const Members& m, const Hash& ledger_id) {
  const uint64_t total = o.unary_transfers + o.batch_transfers + FixedTransfers(o);
  const size_t sample = std::min<uint64_t>(total, 8'192);
  std::vector<pb::SignedOperation> signed_ops(total);
  Workload w;
  w.sample.resize(sample);
  ParallelFor(total, std::max(1u, std::thread::hardware_concurrency()), [&](size_t k) {
    const Planned p = Plan(o, k);
    Operation op;
    op.ledger_id = ledger_id;
    op.account = m.residents[p.resident].public_key();
    op.sequence = p.sequence;
    op.payload = Transfer{m.merchants[p.merchant], Amount(p.amount), ""};
    SignedOperation so = codec::SignOperation(op, ledger_id, m.residents[p.resident]);
    if (!signed_ops[k].ParseFromString(codec::EncodeEnvelope(so))) Die("cannot re-parse");
    if (k < sample) w.sample[k] = std::move(so);
  });
  w.unary.resize(o.clients);
  w.batches.resize(o.clients);
  std::vector<pb::SubmitBatchRequest> open(o.clients);
  for (uint64_t k = 0; k < total; ++k) {
    const unsigned c = ClientOf(o, k);
    if (k >= o.unary_transfers + o.batch_transfers) {
      *w.fixed.emplace_back().mutable_operation() = std::move(signed_ops[k]);
      continue;
    }
    if (k < o.unary_transfers) {
      *w.unary[c].emplace_back().mutable_operation() = std::move(signed_ops[k]);
      continue;
    }
    *open[c].add_operations() = std::move(signed_ops[k]);
    if (static_cast<uint64_t>(open[c].operations_size()) == o.batch_size) {
      w.batches[c].push_back(std::move(open[c]));
      open[c].Clear();
      ++w.batch_count;
    }
  }
  for (unsigned c = 0; c < o.clients; ++c)
    if (open[c].operations_size() > 0) {
      w.batches[c].push_back(std::move(open[c]));
      ++w.batch_count;
    }
  return w;
}

// ---- Driving the node -------------------------------------------------------------------------

struct PhaseResult {
  double seconds = 0;
  uint64_t transfers = 0;
  std::vector<double> call_us;      // per call
  std::vector<double> transfer_us;  // per transfer: a batch's time divided by its size
  uint64_t refused = 0;
  std::string first_problem;
};

// Runs client(c, &result) on one thread per client, all released together; times the whole.
template <typename Fn>
PhaseResult RunClients(unsigned clients, Fn client) {
  std::vector<PhaseResult> parts(clients);
  std::latch start(clients + 1);
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      start.arrive_and_wait();
      client(c, &parts[c]);
    });
  start.arrive_and_wait();
  const auto t0 = SteadyClock::now();
  for (auto& t : threads) t.join();
  PhaseResult all;
  all.seconds = MsSince(t0) / 1000;
  for (auto& p : parts) {
    all.transfers += p.transfers;
    all.refused += p.refused;
    all.call_us.insert(all.call_us.end(), p.call_us.begin(), p.call_us.end());
    all.transfer_us.insert(all.transfer_us.end(), p.transfer_us.begin(), p.transfer_us.end());
    if (all.first_problem.empty()) all.first_problem = p.first_problem;
  }
  return all;
}

void Refused(PhaseResult* r, const std::string& problem) {
  ++r->refused;
  if (r->first_problem.empty()) r->first_problem = problem;
}

PhaseResult DriveUnary(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                       const Workload& w) {
  return RunClients(channels.size(), [&](unsigned c, PhaseResult* r) {
    auto stub = pb::LedgerService::NewStub(channels[c]);
    r->call_us.reserve(w.unary[c].size());
    for (const pb::SubmitRequest& request : w.unary[c]) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      pb::SubmitResponse response;
      const auto t0 = SteadyClock::now();
      grpc::Status s = stub->Submit(&ctx, request, &response);
      r->call_us.push_back(MsSince(t0) * 1000);
      ++r->transfers;
      if (!s.ok())
        Refused(r, "Submit: " + s.error_message());
      else if (response.code() != 0 || response.sequence() == 0 || response.duplicate())
        Refused(r, "Submit answered code " + std::to_string(response.code()));
    }
  });
}

PhaseResult DriveBatches(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                         const Workload& w) {
  return RunClients(channels.size(), [&](unsigned c, PhaseResult* r) {
    auto stub = pb::LedgerService::NewStub(channels[c]);
    for (const pb::SubmitBatchRequest& request : w.batches[c]) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      pb::SubmitBatchResponse response;
      const auto t0 = SteadyClock::now();
      grpc::Status s = stub->SubmitBatch(&ctx, request, &response);
      const double us = MsSince(t0) * 1000;
      const int n = request.operations_size();
      r->call_us.push_back(us);
      r->transfer_us.push_back(us / n);
      r->transfers += n;
      if (!s.ok()) {
        Refused(r, "SubmitBatch: " + s.error_message());
        continue;
      }
      if (response.results_size() != n) Refused(r, "SubmitBatch: not one result per operation");
      for (const pb::SubmitResponse& result : response.results())
        if (result.code() != 0 || result.sequence() == 0 || result.duplicate())
          Refused(r, "SubmitBatch result code " + std::to_string(result.code()) + " " +
                         result.message());
    }
  });
}

// Open loop: transfer i is due at t0 + i / rate whatever became of the earlier ones, and its
// latency runs from that due time, not from when it was sent, so that a stall shows in every
// call it delayed (no coordinated omission). Calls are asynchronous, round-robin over the
// channels; one thread sends on schedule, another takes the answers.
struct FixedRateResult {
  uint64_t answered = 0, refused = 0;
  double seconds = 0;     // from the first due time to the last answer
  double max_lag_ms = 0;  // how far behind schedule the sender fell at worst
  std::vector<double> latency_us;
  std::string first_problem;
};

FixedRateResult DriveFixedRate(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                               const Workload& w, double rate) {
  struct Call {
    grpc::ClientContext ctx;
    pb::SubmitResponse response;
    grpc::Status status;
    SteadyClock::time_point due;
    std::unique_ptr<grpc::ClientAsyncResponseReader<pb::SubmitResponse>> reader;
  };
  std::vector<std::unique_ptr<pb::LedgerService::Stub>> stubs;
  for (const auto& channel : channels) stubs.push_back(pb::LedgerService::NewStub(channel));
  grpc::CompletionQueue cq;
  FixedRateResult r;
  r.latency_us.reserve(w.fixed.size());
  std::thread receiver([&] {
    void* tag = nullptr;
    bool ok = false;
    for (size_t n = 0; n < w.fixed.size() && cq.Next(&tag, &ok); ++n) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      const auto now = SteadyClock::now();
      r.latency_us.push_back(std::chrono::duration<double, std::micro>(now - call->due).count());
      ++r.answered;
      std::string problem;
      if (!ok || !call->status.ok())
        problem = "Submit: " + call->status.error_message();
      else if (call->response.code() != 0 || call->response.sequence() == 0 ||
               call->response.duplicate())
        problem = "Submit answered code " + std::to_string(call->response.code());
      if (!problem.empty()) {
        ++r.refused;
        if (r.first_problem.empty()) r.first_problem = problem;
      }
    }
  });
  const auto t0 = SteadyClock::now() + std::chrono::milliseconds(20);
  for (size_t i = 0; i < w.fixed.size(); ++i) {
    const auto due = t0 + std::chrono::nanoseconds(static_cast<int64_t>(i * (1e9 / rate)));
    std::this_thread::sleep_until(due);
    const double lag = std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count();
    r.max_lag_ms = std::max(r.max_lag_ms, lag);
    auto* call = new Call;
    call->due = due;
    call->ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    call->reader = stubs[i % stubs.size()]->AsyncSubmit(&call->ctx, w.fixed[i], &cq);
    call->reader->Finish(&call->response, &call->status, call);
  }
  receiver.join();
  r.seconds = MsSince(t0) / 1000;
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) delete static_cast<Call*>(tag);
  return r;
}

// ---- The PostgreSQL baseline: the same transfers, clients and order ---------------------------

PhaseResult DrivePgUnary(const Options& o, const std::string& conninfo) {
  std::vector<std::vector<PgTransfer>> per_client(o.clients);
  for (uint64_t k = 0; k < o.unary_transfers; ++k)
    per_client[ClientOf(o, k)].push_back(PgPlan(o, k));
  std::vector<std::unique_ptr<PgConn>> conns;
  for (unsigned c = 0; c < o.clients; ++c) conns.push_back(std::make_unique<PgConn>(conninfo));
  return RunClients(o.clients, [&](unsigned c, PhaseResult* r) {
    r->call_us.reserve(per_client[c].size());
    std::string error;
    for (const PgTransfer& t : per_client[c]) {
      const auto t0 = SteadyClock::now();
      const bool ok = conns[c]->Transfer(t, &error);
      r->call_us.push_back(MsSince(t0) * 1000);
      ++r->transfers;
      if (!ok) Refused(r, "PostgreSQL transfer: " + error);
    }
  });
}

PhaseResult DrivePgBatches(const Options& o, const std::string& conninfo) {
  std::vector<std::vector<std::vector<PgTransfer>>> per_client(o.clients);
  std::vector<std::vector<PgTransfer>> open(o.clients);
  for (uint64_t k = o.unary_transfers; k < o.unary_transfers + o.batch_transfers; ++k) {
    const unsigned c = ClientOf(o, k);
    open[c].push_back(PgPlan(o, k));
    if (open[c].size() == o.batch_size) per_client[c].push_back(std::move(open[c])), open[c] = {};
  }
  for (unsigned c = 0; c < o.clients; ++c)
    if (!open[c].empty()) per_client[c].push_back(std::move(open[c]));
  std::vector<std::unique_ptr<PgConn>> conns;
  for (unsigned c = 0; c < o.clients; ++c) conns.push_back(std::make_unique<PgConn>(conninfo));
  return RunClients(o.clients, [&](unsigned c, PhaseResult* r) {
    std::string error;
    for (const std::vector<PgTransfer>& batch : per_client[c]) {
      const auto t0 = SteadyClock::now();
      const bool ok = conns[c]->TransferBatch(batch, &error);
      const double us = MsSince(t0) * 1000;
      r->call_us.push_back(us);
      r->transfer_us.push_back(us / batch.size());
      r->transfers += batch.size();
      if (!ok) Refused(r, "PostgreSQL transfer_batch: " + error);
    }
  });
}

// ---- The machine's limits ---------------------------------------------------------------------

// Ed25519 verifies of real signing messages on `threads` threads: what the node's gRPC threads
// must at least do for each operation.
std::vector<double> VerifyLimit(const Workload& w, const Hash& ledger_id, unsigned threads,
                                int reps) {
  std::vector<std::string> messages;
  for (const SignedOperation& so : w.sample) messages.push_back(SigningMessage(ledger_id, so.body));
  std::vector<double> rates;
  for (int rep = 0; rep < reps; ++rep) {
    std::atomic<size_t> bad{0};
    const auto t0 = SteadyClock::now();
    ParallelFor(messages.size(), threads, [&](size_t i) {
      if (!Verify(w.sample[i].key, messages[i], w.sample[i].signature)) ++bad;
    });
    const double s = MsSince(t0) / 1000;
    if (bad > 0) Die("a signature the benchmark made does not verify");
    rates.push_back(messages.size() / s);
  }
  return rates;
}

// Synced RocksDB WriteBatch commits, one small write each, on one thread: the cost of the
// fsync the node's applier pays once per group.
std::vector<double> CommitLimit(const std::string& dir, int reps, double seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) Die("opening " + dir + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const std::string value(100, 'v');
  std::vector<double> rates;
  uint64_t key = 0;
  for (int rep = 0; rep < reps; ++rep) {
    uint64_t commits = 0;
    const auto t0 = SteadyClock::now();
    do {
      rocksdb::WriteBatch batch;
      char k[17];
      std::snprintf(k, sizeof k, "%016" PRIx64, key++);
      s = batch.Put(rocksdb::Slice(k, 16), value);
      if (s.ok()) s = db->Write(sync, &batch);
      if (!s.ok()) Die("writing to " + dir + ": " + s.ToString());
      ++commits;
    } while (MsSince(t0) < seconds * 1000);
    rates.push_back(commits / (MsSince(t0) / 1000));
  }
  s = db->Close();
  if (!s.ok()) Die("closing " + dir + ": " + s.ToString());
  return rates;
}

struct EmptyCallLimit {
  std::vector<double> rates;
  std::vector<double> call_us;  // of every repetition
};

// The node's Submit runs on gRPC's callback API (its handler queues the operation and returns;
// the applier finishes the call), its other methods on the synchronous API. The limit is
// measured on both kinds of server, and the ratios use the faster of the two.
enum class ServerApi { kSync, kCallback };

// A callback-API server whose GetHead answers at once, Head{sequence: 1}, as an empty callback
// method of the node would.
class EmptyCallbackService final
    : public pb::LedgerService::WithCallbackMethod_GetHead<pb::LedgerService::Service> {
 public:
  grpc::ServerUnaryReactor* GetHead(grpc::CallbackServerContext* ctx, const pb::GetHeadRequest*,
                                    pb::Head* head) override {
    head->set_sequence(1);
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// An empty unary call on a server in this process, driven by `clients` threads with a
// connection each, for `seconds` per repetition: the cost of a unary call that does nothing.
// kSync: grpc.health.v1.Health/Check on a synchronous server like the node's; kCallback:
// GetHead on EmptyCallbackService. Called like a generated stub calls (BlockingUnaryCall on a
// registered method), with raw bytes because Debian's gRPC ships no health stub.
EmptyCallLimit GrpcLimit(ServerApi api, unsigned clients, int reps, double seconds) {
  grpc::EnableDefaultHealthCheckService(api == ServerApi::kSync);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A synchronous server like the node's: gRPC adds its health service only beside a sync
  // service, so the ledger service is registered unimplemented (never called here).
  pb::LedgerService::Service unimplemented;
  EmptyCallbackService callback;
  if (api == ServerApi::kSync) {
    builder.RegisterService(&unimplemented);
  } else {
    builder.RegisterService(&callback);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) Die("cannot start the empty gRPC server");
  const char* method_name =
      api == ServerApi::kSync ? "/grpc.health.v1.Health/Check" : "/liard.v1.LedgerService/GetHead";
  // HealthCheckResponse{status: SERVING} and Head{sequence: 1} are both these two bytes.
  const std::string expected("\x08\x01", 2), expected_head("\x10\x01", 2);
  const std::string& want = api == ServerApi::kSync ? expected : expected_head;
  auto channels = MakeChannels("127.0.0.1:" + std::to_string(port), clients);
  EmptyCallLimit limit;
  for (int rep = 0; rep < reps; ++rep) {
    PhaseResult r = RunClients(clients, [&](unsigned c, PhaseResult* out) {
      const grpc::internal::RpcMethod method(method_name, grpc::internal::RpcMethod::NORMAL_RPC,
                                             channels[c]);
      grpc::Slice empty("");
      const grpc::ByteBuffer request(&empty, 1);  // HealthCheckRequest{service: ""}, or {}
      const auto t0 = SteadyClock::now();
      while (MsSince(t0) < seconds * 1000) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        grpc::ByteBuffer response;
        const auto c0 = SteadyClock::now();
        grpc::Status s =
            grpc::internal::BlockingUnaryCall(channels[c].get(), method, &ctx, request, &response);
        out->call_us.push_back(MsSince(c0) * 1000);
        ++out->transfers;
        std::vector<grpc::Slice> slices;
        std::string bytes;
        if (s.ok() && response.Dump(&slices).ok())
          for (const grpc::Slice& slice : slices)
            bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        if (!s.ok() || bytes != want)
          Refused(out,
                  std::string(method_name) + ": " +
                      (s.ok() ? "answered " + std::to_string(bytes.size()) + " unexpected bytes"
                              : s.error_message()));
      }
    });
    if (r.refused > 0) Die(r.first_problem);
    limit.rates.push_back(r.transfers / r.seconds);
    limit.call_us.insert(limit.call_us.end(), r.call_us.begin(), r.call_us.end());
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return limit;
}

// ---- Main -------------------------------------------------------------------------------------

std::string MakeWorkDir(const Options& o) {
  if (!o.work.empty()) {
    std::error_code ec;
    fs::create_directories(o.work, ec);
    if (ec) Die("cannot create " + o.work + ": " + ec.message());
    if (!fs::is_empty(o.work)) Die("--data " + o.work + " is not empty");
    return o.work;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/liard-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create a directory in " + pattern);
  return pattern;
}

double Mb(long kb) { return kb / 1024.0; }

int Main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  InitCrypto();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned verify_threads = o.verify_threads ? o.verify_threads : cores;
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  std::printf("command: %s\n%s (at start)\n", command.c_str(), MachineLine().c_str());
  const std::string work = MakeWorkDir(o);
  const std::string data = work + "/node";
  std::printf("work directory: %s%s\n", work.c_str(), o.keep ? " (kept)" : " (removed at the end)");
  std::fflush(stdout);

  // The ledger: the operator's genesis file, then `liard-node init` as an operator runs it.
  auto t0 = SteadyClock::now();
  Members members = MakeMembers(o);
  const std::string genesis_path = work + "/genesis.toml";
  std::ofstream(genesis_path) << GenesisToml(members);
  const double keys_ms = MsSince(t0);
  t0 = SteadyClock::now();
  const std::string init_out =
      RunToEnd(o.node, {"init", "--data", data, "--genesis", genesis_path}, work + "/init.log");
  const double init_ms = MsSince(t0);
  std::string id_bytes;
  if (init_out.rfind("ledger ", 0) != 0 || !FromHex(init_out.substr(7, 64), &id_bytes) ||
      id_bytes.size() != 32)
    Die("liard-node init printed '" + init_out + "', not its ledger id");
  Hash ledger_id;
  std::memcpy(ledger_id.data.data(), id_bytes.data(), 32);

  t0 = SteadyClock::now();
  Workload w = SignWorkload(o, members, ledger_id);
  const double sign_ms = MsSince(t0);
  std::printf("ledger %s: %" PRIu64 " residents (1,000.00 each), %" PRIu64
              " merchants; keys and genesis file %.0f ms, liard-node init %.0f ms; %" PRIu64
              " transfers signed in %.0f ms on %u threads\n",
              ToHex(ledger_id).c_str(), o.residents, o.merchants, keys_ms, init_ms,
              o.unary_transfers + o.batch_transfers + FixedTransfers(o), sign_ms, cores);
  std::fflush(stdout);

  // The limits first, while no node runs beside them.
  std::printf("\n-- the machine's limits (median of %d repetitions)\n", o.reps);
  std::fflush(stdout);
  const Stats verify = Summarise(VerifyLimit(w, ledger_id, verify_threads, o.reps));
  std::printf("Ed25519 verify, %u threads                 %s\n", verify_threads,
              Rate(verify).c_str());
  std::fflush(stdout);
  const Stats commit = Summarise(CommitLimit(work + "/rocksdb-limit", o.reps, o.limit_seconds));
  std::printf("RocksDB WriteBatch sync=true, 1 thread     %s\n", Rate(commit).c_str());
  std::fflush(stdout);
  const EmptyCallLimit empty_sync = GrpcLimit(ServerApi::kSync, o.clients, o.reps, o.limit_seconds);
  const Stats sync_rate = Summarise(empty_sync.rates);
  std::printf("empty gRPC unary call, sync API, %u clients     %s; %s\n", o.clients,
              Rate(sync_rate).c_str(), Percentiles(empty_sync.call_us).c_str());
  std::fflush(stdout);
  const EmptyCallLimit empty_callback =
      GrpcLimit(ServerApi::kCallback, o.clients, o.reps, o.limit_seconds);
  const Stats callback_rate = Summarise(empty_callback.rates);
  std::printf("empty gRPC unary call, callback API, %u clients %s; %s\n", o.clients,
              Rate(callback_rate).c_str(), Percentiles(empty_callback.call_us).c_str());
  // The ratios divide by the faster: the stricter limit.
  const Stats empty_rate = sync_rate.median >= callback_rate.median ? sync_rate : callback_rate;
  std::printf("(ratios to the empty call use the faster of the two: the %s API)\n",
              sync_rate.median >= callback_rate.median ? "sync" : "callback");
  std::fflush(stdout);

  // The node.
  NodeRun node = StartNode(o.node, data, work + "/node-stderr.log");
  std::printf("\n-- liard-node (pid %d) listening on 127.0.0.1:%d after %.0f ms, RSS %.1f MiB\n",
              node.pid, node.port, node.listen_ms, Mb(StatusField(node.pid, "VmRSS")));
  std::fflush(stdout);
  const std::string target = "127.0.0.1:" + std::to_string(node.port);
  auto channels = MakeChannels(target, o.clients);
  {
    auto stub = pb::LedgerService::NewStub(channels[0]);
    grpc::ClientContext ctx;
    pb::GenesisInfo info;
    grpc::Status s = stub->GetGenesis(&ctx, pb::GetGenesisRequest(), &info);
    if (!s.ok() || info.ledger_id() != id_bytes) Die("the node serves another ledger");
  }

  PhaseResult unary;
  long unary_hwm = 0;
  if (o.unary_transfers > 0) {
    unary = DriveUnary(channels, w);
    unary_hwm = StatusField(node.pid, "VmHWM");
    std::printf("unary Submit, %u clients: %" PRIu64
                " transfers in %.2f s = %.0f transfers/s; "
                "per call %s; refused %" PRIu64 "%s%s\n",
                o.clients, unary.transfers, unary.seconds, unary.transfers / unary.seconds,
                Percentiles(unary.call_us).c_str(), unary.refused, unary.refused ? ", first: " : "",
                unary.first_problem.c_str());
    std::fflush(stdout);
  }
  PhaseResult batch;
  long batch_hwm = 0;
  if (o.batch_transfers > 0) {
    batch = DriveBatches(channels, w);
    batch_hwm = StatusField(node.pid, "VmHWM");
    std::printf("SubmitBatch of %" PRIu64 ", %u clients: %" PRIu64
                " transfers in %zu batches in %.2f s = %.0f transfers/s; per batch %s; "
                "per transfer (batch time / its size) %s; refused %" PRIu64 "%s%s\n",
                o.batch_size, o.clients, batch.transfers, w.batch_count, batch.seconds,
                batch.transfers / batch.seconds, Percentiles(batch.call_us).c_str(),
                Percentiles(batch.transfer_us).c_str(), batch.refused,
                batch.refused ? ", first: " : "", batch.first_problem.c_str());
    std::fflush(stdout);
  }
  FixedRateResult fixed;
  long fixed_hwm = 0;
  if (!w.fixed.empty()) {
    fixed = DriveFixedRate(channels, w, o.rate);
    fixed_hwm = StatusField(node.pid, "VmHWM");
    std::printf(
        "fixed rate, %.0f unary Submit/s offered for %.1f s (open loop, %zu channels): "
        "%" PRIu64
        " answered in %.2f s = %.0f /s; latency from the due time %s; "
        "sender at most %.2f ms behind schedule; refused %" PRIu64 "%s%s\n",
        o.rate, o.rate_seconds, channels.size(), fixed.answered, fixed.seconds,
        fixed.answered / fixed.seconds, Percentiles(fixed.latency_us).c_str(), fixed.max_lag_ms,
        fixed.refused, fixed.refused ? ", first: " : "", fixed.first_problem.c_str());
    std::fflush(stdout);
  }
  // Everything acknowledged is in the journal, once each.
  uint64_t head = 0;
  {
    auto stub = pb::LedgerService::NewStub(channels[0]);
    grpc::ClientContext ctx;
    pb::Head h;
    grpc::Status s = stub->GetHead(&ctx, pb::GetHeadRequest(), &h);
    if (!s.ok()) Die("GetHead: " + s.error_message());
    head = h.sequence();
  }
  const long hwm = StatusField(node.pid, "VmHWM");
  channels.clear();
  StopNode(&node);
  const uint64_t expected_head = o.unary_transfers + o.batch_transfers + FixedTransfers(o);
  std::printf("journal head %" PRIu64 " (expected %" PRIu64
              "); node peak RSS (VmHWM) %.1f MiB (after unary %.1f MiB, after batch %.1f MiB, "
              "after fixed rate %.1f MiB); the node stopped on SIGTERM with exit 0\n",
              head, expected_head, Mb(hwm), Mb(unary_hwm), Mb(batch_hwm), Mb(fixed_hwm));
  std::fflush(stdout);

  // The PostgreSQL baseline, once the node is stopped: the same transfers by the same clients.
  PhaseResult pg_unary, pg_batch;
  bool pg_ok = true;
  if (o.postgres) {
    std::string problem;
    t0 = SteadyClock::now();
    std::unique_ptr<PgServer> pg = PgServer::Start(o.pg_bin, &problem);
    if (!pg) Die(problem + "; or run with --no-postgres");
    pg->CreateLedger(o.residents, o.merchants, kOpeningMinor);
    std::printf(
        "\n-- PostgreSQL %s on 127.0.0.1 (fsync=on, synchronous_commit=on), started and "
        "loaded in %.0f ms\n",
        pg->version().c_str(), MsSince(t0));
    std::fflush(stdout);
    if (o.unary_transfers > 0) {
      pg_unary = DrivePgUnary(o, pg->conninfo());
      std::printf("PostgreSQL, one transaction per transfer, %u clients: %" PRIu64
                  " transfers in %.2f s = %.0f transfers/s; per call %s; refused %" PRIu64 "%s%s\n",
                  o.clients, pg_unary.transfers, pg_unary.seconds,
                  pg_unary.transfers / pg_unary.seconds, Percentiles(pg_unary.call_us).c_str(),
                  pg_unary.refused, pg_unary.refused ? ", first: " : "",
                  pg_unary.first_problem.c_str());
      std::fflush(stdout);
    }
    if (o.batch_transfers > 0) {
      pg_batch = DrivePgBatches(o, pg->conninfo());
      std::printf(
          "PostgreSQL, one transaction per %" PRIu64 " transfers, %u clients: %" PRIu64
          " transfers in %.2f s = %.0f transfers/s; per batch %s; refused %" PRIu64 "%s%s\n",
          o.batch_size, o.clients, pg_batch.transfers, pg_batch.seconds,
          pg_batch.transfers / pg_batch.seconds, Percentiles(pg_batch.call_us).c_str(),
          pg_batch.refused, pg_batch.refused ? ", first: " : "", pg_batch.first_problem.c_str());
      std::fflush(stdout);
    }
    // Nothing created or lost, every transfer once.
    PgConn check(pg->conninfo(), /*prepare=*/false);
    const std::string rows = check.Exec("SELECT count(*) FROM transfers");
    const std::string sum = check.Exec("SELECT sum(balance) FROM accounts");
    const uint64_t want_rows = o.unary_transfers + o.batch_transfers;
    const std::string want_sum = std::to_string(static_cast<int64_t>(o.residents) * kOpeningMinor);
    pg_ok = rows == std::to_string(want_rows) && sum == want_sum && pg_unary.refused == 0 &&
            pg_batch.refused == 0;
    std::printf("PostgreSQL: %s transfer rows (expected %" PRIu64
                "), balances sum to %s (expected %s)\n",
                rows.c_str(), want_rows, sum.c_str(), want_sum.c_str());
  }

  const double unary_rate = o.unary_transfers ? unary.transfers / unary.seconds : 0;
  const double batch_rate = o.batch_transfers ? batch.transfers / batch.seconds : 0;
  std::printf(
      "\n-- ratios to the limits (targets of issue 8 in brackets)\n"
      "                       transfers/s   / verify(%u thr)   / synced commit   / empty call\n",
      verify_threads);
  std::printf("unary Submit           %11.0f   %15.3f   %15.2f   %10.3f  [empty call >= 0.40]\n",
              unary_rate, unary_rate / verify.median, unary_rate / commit.median,
              unary_rate / empty_rate.median);
  std::printf("SubmitBatch            %11.0f   %15.3f   %15.2f   %10.3f  [verify >= 0.75]\n",
              batch_rate, batch_rate / verify.median, batch_rate / commit.median,
              batch_rate / empty_rate.median);
  std::printf("(a ratio to synced commits above 1 means several transfers share each fsync)\n");
  if (o.postgres) {
    const double pg_unary_rate = o.unary_transfers ? pg_unary.transfers / pg_unary.seconds : 0;
    const double pg_batch_rate = o.batch_transfers ? pg_batch.transfers / pg_batch.seconds : 0;
    std::printf("\n                       liard/s   PostgreSQL/s   liard / PostgreSQL\n");
    std::printf("unary, 1 per call   %10.0f   %12.0f   %18.2f  [>= 1.5]\n", unary_rate,
                pg_unary_rate, pg_unary_rate > 0 ? unary_rate / pg_unary_rate : 0);
    std::printf("batch of %-6" PRIu64 "     %10.0f   %12.0f   %18.2f  [>= 3]\n", o.batch_size,
                batch_rate, pg_batch_rate, pg_batch_rate > 0 ? batch_rate / pg_batch_rate : 0);
  }
  if (!w.fixed.empty()) {
    std::vector<double> sorted = fixed.latency_us;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "\nfixed rate %.0f /s offered: p50 %.2f ms, p99 %.2f ms, p999 %.2f ms  [p99 < 10 ms]\n",
        o.rate, Percentile(sorted, 0.5) / 1000, Percentile(sorted, 0.99) / 1000,
        Percentile(sorted, 0.999) / 1000);
  }
  std::printf("%s (at end)\n", MachineLine().c_str());

  const bool failed =
      unary.refused + batch.refused + fixed.refused > 0 || head != expected_head || !pg_ok;
  if (!o.keep) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  if (failed) Die("some transfers were refused or are missing: the figures above are not valid");
  return 0;
}

}  // namespace
}  // namespace liard::bench

int main(int argc, char** argv) { return liard::bench::Main(argc, argv); }
