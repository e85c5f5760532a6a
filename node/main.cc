// liard-node: `init` creates a ledger in a data directory, `run` serves it over gRPC until
// SIGTERM or SIGINT. The command-line contract is in docs/operator.md.
#include <fcntl.h>
#include <grpc/support/log.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "liard/v1/node.grpc.pb.h"
#include "node/applier.h"
#include "node/backup.h"
#include "node/checkpointer.h"
#include "node/config.h"
#include "node/conn_limit.h"
#include "node/demo.h"
#include "node/follower.h"
#include "node/leader.h"
#include "node/log_json.h"
#include "node/log_text.h"
#include "node/metrics.h"
#include "node/order_index.h"
#include "node/rejoin.h"
#include "node/replication.h"
#include "node/scheduler.h"
#include "node/service.h"
#include "node/startup.h"
#include "node/store.h"
#include "node/sync_ack.h"
#include "node/sync_wait.h"
#include "node/verify_pool.h"
#include "node/watch.h"
#include "node/web_gateway.h"
#include "proto/codec.h"
#include "proto/loopback.h"

#ifndef LIARD_VERSION
#define LIARD_VERSION "unknown"
#endif

namespace liard::node {
namespace {

// Exit codes: 0 done; 1 the operation failed (state of the data directory, the network, the
// disk); 2 the input was wrong (command line, genesis or config file).
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

// A stream slower than this many receipts behind is ended with a resume hint.
constexpr size_t kWatchQueueCapacity = 10'000;
// In-flight calls get this long to finish at shutdown before they are cancelled.
constexpr auto kShutdownGrace = std::chrono::seconds(5);
constexpr auto kDrainPeriod = std::chrono::milliseconds(500);
// Idle gRPC threads kept polling (see RunNode): as many as there may be concurrent calls that
// wait on the applier, so that a thread is not created and ended per call.
constexpr int kSyncThreads = 64;
// glibc's malloc makes up to 8 arenas per core, each keeping what a flood of calls freed: 2 keep
// the retained memory lower (docs/operator.md, "Memory", has the measurements).
constexpr int kMallocArenas = 2;
// After this long without a call, free memory is handed back to the system (malloc_trim).
constexpr auto kTrimAfterIdle = std::chrono::seconds(10);
// A connection that has not finished its HTTP/2 (and TLS) handshake after this is closed.
constexpr auto kHandshakeTimeout = std::chrono::milliseconds(20'000);
// A connection without a call for this long is closed (a client reconnects when it needs to).
constexpr auto kConnectionIdle = std::chrono::milliseconds(5 * 60'000);
// The most threads gRPC's synchronous server may run at once (pollers and handlers): beyond, a
// synchronous call (server reflection, the synchronous reads) is answered RESOURCE_EXHAUSTED
// instead of the node making one more thread. Streams of the ledger are callback streams and
// need none (node/streams.h).
constexpr int kMaxSyncThreads = 2 * kSyncThreads;

// [server] reflection = false: linking gRPC's reflection library registers its plugin with every
// ServerBuilder; this option takes it out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const auto& p) { return p->name() == "proto_server_reflection"; });
  }
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "liard-node: %s\n", message.c_str());
  return code;
}

// gRPC's own log lines go through spdlog at debug level: an operator sees them with
// [log] level = "debug", and the one-line error contract of start-up is kept otherwise.
void GrpcLog(gpr_log_func_args* args) {
  spdlog::debug("event=grpc file={}:{} message=\"{}\"", args->file, args->line,
                LogText(args->message, kLogReasonBytes));
}

void SetUpLogging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("liard-node",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // One line per event: time, level, then key=value pairs that a log shipper can split; or the
  // same as one JSON object a line ([log] format = "json", node/log_json.h).
  if (format == "json")
    logger->set_formatter(MakeJsonLogFormatter());
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  gpr_set_log_function(GrpcLog);
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_DEBUG);
}

// The earliest clock `init` accepts: a genesis is stamped with the clock, and a machine whose
// clock says it is before 2000 has lost its time (a dead RTC battery, no network time yet).
constexpr int64_t kEarliestInitMs = 946'684'800'000;  // 2000-01-01T00:00:00Z

// One sentence if the clock cannot stamp a genesis; empty if it can.
std::string CheckInitClock(int64_t now_ms) {
  if (now_ms >= kEarliestInitMs) return "";
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000 - (now_ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  return std::string("this machine's clock says ") + date +
         ", before 2000, so it cannot date a new ledger; nothing was created: set the clock "
         "(timedatectl set-ntp true, or timedatectl set-time) and run init again";
}

// Free space `run` needs in the data directory's file system before it opens the store: RocksDB
// writes a new MANIFEST, OPTIONS file and info log at every opening (and replays the
// write-ahead log into table files), and on a full disk it aborts on an assertion rather than
// returning an error. (It also tries to preallocate 4 MiB for the MANIFEST and about 70 MiB for
// the new write-ahead log; where that space is missing it writes without.)
constexpr uint64_t kMinFreeBytesToStart = 32ull << 20;

// While running, the applier writes a group only with this much free: RocksDB aborts when a
// synced write fails for want of space, so the node stops writing before that (a group is at
// most about 1 MiB; the margin also covers a memtable flush's first table files).
constexpr uint64_t kMinFreeBytesToWrite = 16ull << 20;

// The free bytes of the file system of `path`, or -1 if statvfs fails.
int64_t FreeBytes(const std::string& path) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) return -1;
  return static_cast<int64_t>(static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize);
}

// One sentence if the data directory's file system has too little free space; empty if not.
std::string CheckFreeSpace(const std::string& data) {
  const int64_t free_bytes = FreeBytes(data);
  if (free_bytes < 0) return "";  // the store's own open names the problem
  if (static_cast<uint64_t>(free_bytes) >= kMinFreeBytesToStart) return "";
  return "the disk of " + data + " has " + std::to_string(free_bytes >> 20) +
         " MiB free, and the node needs at least " + std::to_string(kMinFreeBytesToStart >> 20) +
         " MiB to start; nothing was changed: free space on it (df -h " + data +
         "), then start the node again";
}

// Closes the store at shutdown. After a failed write the store is not closed: closing flushes
// the memtables to table files, which a full disk refuses, and Debian's RocksDB then aborts on
// an assertion. Everything acknowledged is in the write-ahead log, which the next start
// replays; the process ends right after this.
void CloseStore(std::unique_ptr<Store> store, bool disk_failed) {
  if (!disk_failed) {
    store.reset();
    return;
  }
  spdlog::warn(
      "event=store-not-closed message=\"the disk failed: the store is left for the next start to "
      "recover from its write-ahead log\"");
  (void)store.release();
}

// The applier's guards: the clock (the config, `run --trust-clock`) and the free space.
ApplierOptions GuardOptions(const NodeConfig& config, bool trust_clock, const std::string& data) {
  ApplierOptions o;
  o.disk_check = [data]() {
    const int64_t free_bytes = FreeBytes(data);
    if (free_bytes < 0 || static_cast<uint64_t>(free_bytes) >= kMinFreeBytesToWrite)
      return Status();
    return Status(Code::kIOError, "the disk of " + data + " has " +
                                      std::to_string(free_bytes >> 20) + " MiB free, less than " +
                                      std::to_string(kMinFreeBytesToWrite >> 20) +
                                      " MiB: nothing was written");
  };
  o.clock_tolerance_ms = config.clock_tolerance_seconds * 1000;
  o.clock_max_gap_ms = config.clock_max_gap_days * 86'400'000;
  o.trust_clock = trust_clock;
  return o;
}

int Init(const std::string& data, const std::string& genesis_file, bool demo,
         uint32_t genesis_version) {
  InitCrypto();
  const int64_t now = NowMs();
  if (std::string wrong = CheckInitClock(now); !wrong.empty()) return Fail(kExitFailed, wrong);
  Genesis genesis;
  Demo demo_set;
  if (demo) {
    demo_set = MakeDemo(now);
    genesis = demo_set.genesis;
  } else {
    Status s = LoadGenesisFile(genesis_file, now, &genesis);
    if (!s.ok()) return Fail(kExitBadInput, s.message());
  }
  // The node key first: the genesis names it, so the ledger id vouches for the key that signs
  // the node's checkpoints.
  const KeyPair node_key = KeyPair::Generate();
  // kCurrentGenesisVersion unless asked: version 7 (terms in entries, for failover through
  // etcd) is chosen by whoever runs standbys with [leadership].
  if (genesis_version != kCurrentGenesisVersion && genesis_version != kGenesisVersion7)
    return Fail(kExitBadInput, "--genesis-version must be " +
                                   std::to_string(kCurrentGenesisVersion) + " (the default) or " +
                                   std::to_string(kGenesisVersion7) +
                                   " (entries carry the primary's term, for [leadership])");
  genesis.version = genesis_version;
  genesis.node_key = node_key.public_key();
  const std::string genesis_bytes = codec::EncodeGenesis(genesis);
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Create(genesis, genesis_bytes, &ledger);
  if (!s.ok()) return Fail(kExitBadInput, "the genesis is not valid: " + s.ToString());
  MemoryState state(StateDigestRuleOf(genesis));
  Delta delta;
  s = ledger->GenesisDelta(state, &delta);
  if (!s.ok()) return Fail(kExitBadInput, "the genesis is not valid: " + s.ToString());
  state.Commit(delta);

  std::unique_ptr<Store> store;
  s = Store::Open(data, /*create=*/true, &store);
  if (!s.ok()) return Fail(kExitFailed, s.message());
  if (store->initialized()) {
    std::string existing;
    Hash existing_id;
    std::string id_text;
    if (store->ReadGenesis(&existing, &existing_id).ok()) id_text = " " + ToHex(existing_id);
    return Fail(kExitFailed, data + " already holds a ledger" + id_text +
                                 "; nothing was changed (use another directory)");
  }
  if (demo) {
    // Seeds in a directory without a ledger belong to no ledger: replacing them loses nothing.
    std::error_code ec;
    std::filesystem::remove_all(DemoKeysDir(data), ec);
    s = WriteDemoKeys(data, demo_set.keys);
    if (!s.ok()) return Fail(kExitFailed, s.message());
  }
  // The seed before the genesis: a ledger that names a key never exists without it.
  s = store->PutNodeSeed(node_key.seed());
  if (s.ok()) s = store->Initialize(genesis_bytes, ledger->id(), state);
  if (!s.ok()) {
    if (demo) {
      std::error_code ec;
      std::filesystem::remove_all(DemoKeysDir(data), ec);
    }
    return Fail(kExitFailed, s.message());
  }
  store.reset();
  if (demo) {
    std::string names;
    for (const DemoKey& k : demo_set.keys) names += (names.empty() ? "" : ", ") + k.name;
    std::fprintf(stderr, "liard-node: demo keys written to %s (%s)\n", DemoKeysDir(data).c_str(),
                 names.c_str());
  }
  std::printf("ledger %s\nnode key %s (fingerprint %s)\ntime zone %s\n",
              ToHex(ledger->id()).c_str(), ToHex(node_key.public_key()).c_str(),
              KeyFingerprint(node_key.public_key()).c_str(), genesis.time_zone.c_str());
  std::fflush(stdout);
  return 0;
}

// Prepares the node's next key in DATA/node-key.next, for a board SetNodeKey decision: the
// running node adopts it when the decision applies. Run again, it shows the same key.
int RekeyNode(const std::string& data) {
  InitCrypto();
  std::error_code ec;
  if (!std::filesystem::is_directory(data, ec))
    return Fail(kExitFailed, data + " is not a directory holding a ledger");
  const std::string path = NextNodeKeyPath(data);
  Seed seed;
  Status s = ReadSeedFile(path, &seed);
  if (s.ok()) {
    std::fprintf(stderr, "liard-node: a node key is already prepared in %s; it is shown again\n",
                 path.c_str());
  } else if (s.code() != Code::kNotFound) {
    return Fail(kExitFailed, s.message());
  } else {
    seed = KeyPair::Generate().seed();
    const std::string text = ToHex(seed) + "\n";
    // Written whole beside it, then linked into place: a running node never reads half a seed,
    // and link() never replaces a key prepared meanwhile.
    const std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok = fd >= 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    int error = errno;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    if (ok && ::link(tmp.c_str(), path.c_str()) != 0) {
      ok = false;
      error = errno;
    }
    ::unlink(tmp.c_str());
    if (!ok) return Fail(kExitFailed, "cannot write " + path + ": " + std::strerror(error));
    int dir = ::open(data.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  const PublicKey key = KeyPair::FromSeed(seed).public_key();
  std::printf("node key %s (fingerprint %s)\n", ToHex(key).c_str(), KeyFingerprint(key).c_str());
  std::printf(
      "prepared in %s; a board member proposes it with:\n  liard --key BOARD-KEY board propose "
      "set-node-key %s\n"
      "the node signs with it from the entry that decides it on\n",
      path.c_str(), ToHex(key).c_str());
  std::fflush(stdout);
  return 0;
}

// `liard-node node-key`: the public key this node signs checkpoints with, read from its store
// (a node that serves holds the database: stop it, or read the key from its start log line).
int PrintNodeKey(const std::string& data) {
  InitCrypto();
  std::error_code ec;
  if (!std::filesystem::is_directory(data, ec))
    return Fail(kExitFailed, data + " is not a directory holding a ledger");
  const std::string pub_path = data + "/node-key.pub";
  std::unique_ptr<Store> store;
  Status s = Store::Open(data, /*create=*/false, &store);
  if (!s.ok() && std::filesystem::exists(pub_path, ec)) {
    // A running node holds the database: it wrote its public key there at its start.
    std::ifstream in(pub_path);
    std::string hex, bytes;
    PublicKey key;
    if (!(in >> hex) || !FromHex(hex, &bytes) || !key.Assign(bytes))
      return Fail(kExitFailed, pub_path + " does not hold a public key");
    std::printf("node key %s (fingerprint %s)\n", ToHex(key).c_str(), KeyFingerprint(key).c_str());
    std::fflush(stdout);
    return 0;
  }
  Seed seed;
  if (s.ok()) s = store->ReadNodeSeed(&seed);
  if (s.code() == Code::kNotFound)
    return Fail(kExitFailed, data +
                                 " holds no node key yet: a standby made before standbys had "
                                 "keys gets one at its next start");
  if (!s.ok()) return Fail(kExitFailed, "cannot read the node key in " + data + ": " + s.message());
  const PublicKey key = KeyPair::FromSeed(seed).public_key();
  std::printf("node key %s (fingerprint %s)\n", ToHex(key).c_str(), KeyFingerprint(key).c_str());
  std::fflush(stdout);
  return 0;
}

std::string WithGrouping(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// `liard-node backup`: through the running node's socket, or straight from the database when no
// node serves it. --list shows the backups of a directory.
int Backup(const std::string& data, const std::string& to_arg, bool without_node_key, bool list) {
  std::error_code ec;
  const std::string to = std::filesystem::absolute(to_arg, ec).lexically_normal().string();
  if (list) {
    std::vector<BackupListing> backups;
    Status s = ListBackups(to, &backups);
    if (!s.ok()) return Fail(kExitFailed, s.message());
    std::printf("%-6s %-20s %-10s %-9s %-14s %s\n", "backup", "made (UTC)", "entries", "node key",
                "bytes", "ledger");
    for (const BackupListing& b : backups) {
      const std::time_t t = static_cast<std::time_t>(b.time_s);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char when[32];
      std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
      std::printf("%-6u %-20s %-10llu %-9s %-14s %s\n", b.id, when,
                  static_cast<unsigned long long>(b.sequence), b.node_key ? "yes" : "no",
                  WithGrouping(b.size_bytes).c_str(), b.ledger_hex.c_str());
    }
    std::fflush(stdout);
    return 0;
  }
  if (data.empty()) return Fail(kExitBadInput, "backup needs --data DIR (or --list)");
  if (!std::filesystem::is_directory(data, ec))
    return Fail(kExitFailed, data + " is not a directory holding a ledger");
  BackupResult r;
  bool through_node = true;
  Status s = RequestBackup(data, to, !without_node_key, &r);
  if (s.code() == Code::kNotFound) {
    // No node serves the directory: open the database here (its lock keeps a node out meanwhile).
    through_node = false;
    // Opening it writes files (RocksDB's log, a new MANIFEST): as root in another user's
    // directory they would be root's, and that user's node could no longer open its database.
    struct stat dir_stat {};
    if (::geteuid() == 0 && ::stat(data.c_str(), &dir_stat) == 0 && dir_stat.st_uid != 0)
      return Fail(kExitBadInput, data + " belongs to user id " + std::to_string(dir_stat.st_uid) +
                                     " and no node serves it: run the backup as that user (sudo -u "
                                     "liard liard-node backup ...), so that the files it writes "
                                     "in it stay that user's");
    InitCrypto();
    std::unique_ptr<Store> store;
    s = Store::Open(data, /*create=*/false, &store);
    if (s.code() == Code::kUnavailable)
      s = Status(Code::kUnavailable, "a liard-node uses " + data +
                                         " but does not answer on its backup socket (a "
                                         "liard-node from before online backups?): upgrade it, "
                                         "or stop it and run the backup again");
    else if (s.ok() && !store->initialized())
      s = Status(Code::kNotFound, data + " holds no ledger");
    if (s.ok()) s = CreateBackup(*store, data, to, !without_node_key, &r);
  }
  if (!s.ok())
    return Fail(s.code() == Code::kInvalidArgument ? kExitBadInput : kExitFailed, s.message());
  std::printf("backup %u in %s: ledger %s, up to entry %llu, %s bytes (%s new), %lld ms%s\n", r.id,
              to.c_str(), ToHex(r.ledger_id).c_str(), static_cast<unsigned long long>(r.sequence),
              WithGrouping(r.size_bytes).c_str(), WithGrouping(r.new_bytes).c_str(),
              static_cast<long long>(r.elapsed_ms),
              through_node ? ", made by the running node" : "");
  if (r.node_key)
    std::printf("node key: included; keep the backup as private as the data directory\n");
  else
    std::printf(
        "node key: not included; a node restored from it needs the key's seed in "
        "DATA/node-key.next (docs/operator.md, \"A lost node key\")\n");
  std::fflush(stdout);
  return 0;
}

int Restore(const std::string& from_arg, uint32_t id, const std::string& data) {
  InitCrypto();
  RestoreReport r;
  Status s = RestoreBackup(from_arg, id, data, &r);
  if (!s.ok())
    return Fail(s.code() == Code::kInvalidArgument ? kExitBadInput : kExitFailed, s.message());
  std::printf("restored backup %u of ledger %s into %s\n", r.id, ToHex(r.ledger_id).c_str(),
              data.c_str());
  std::printf("verified: the hash chain of entries 1..%llu, the state (%zu accounts, digest %s), ",
              static_cast<unsigned long long>(r.sequence), r.accounts,
              ToHex(r.state_digest).c_str());
  if (r.checkpoint)
    std::printf("the signed checkpoint at entry %llu\n",
                static_cast<unsigned long long>(r.checkpoint_sequence));
  else
    std::printf("no checkpoint yet\n");
  std::printf("head %llu %s\n", static_cast<unsigned long long>(r.sequence),
              ToHex(r.head_hash).c_str());
  if (r.node_key)
    std::printf("node key: restored with it\n");
  else
    std::printf(
        "node key: not in the backup; put its seed in %s before `liard-node run` "
        "(docs/operator.md, "
        "\"A lost node key\")\n",
        NextNodeKeyPath(data).c_str());
  std::fflush(stdout);
  return 0;
}

// Set when a node that led (or was started as a primary) learns that another node holds the
// leader key: Run then stops as on SIGTERM, and main() starts this program again as a standby
// of that node (`follow --primary`), which sets aside what the new primary does not hold
// (node/rejoin.h) and follows.
std::mutex g_restart_mu;
std::string g_restart_primary;  // under g_restart_mu

void RestartAsStandbyOf(const std::string& address) {
  {
    std::lock_guard lock(g_restart_mu);
    if (!g_restart_primary.empty()) return;
    g_restart_primary = address;
  }
  spdlog::warn(
      "event=rejoin-restart primary={} message=\"another node holds the leader key: this node "
      "stops and starts again as its standby\"",
      LogText(address, 128));
  kill(getpid(), SIGTERM);
}

std::string RestartPrimary() {
  std::lock_guard lock(g_restart_mu);
  return g_restart_primary;
}

// `liard-node set-aside`: the entries of a side file (node/rejoin.h), and with `send`, each
// looked up on that node and sent again (the very same envelope) if it does not hold it.
int SetAside(const std::string& file, const std::string& send, const std::string& ca_file) {
  InitCrypto();
  std::vector<SetAsideEntry> entries;
  Status s = ReadSetAside(file, &entries);
  if (!s.ok()) return Fail(kExitBadInput, s.message());
  std::unique_ptr<::liard::v1::LedgerService::Stub> stub;
  if (!send.empty()) {
    if (Status v = ValidateListenAddress(send); !v.ok())
      return Fail(kExitBadInput, "--send: " + v.message());
    FollowerOptions to;
    to.primary = send;
    if (!ca_file.empty()) {
      if (Status r = ReadTextFile(ca_file, &to.primary_ca_pem); !r.ok())
        return Fail(kExitBadInput, "--tls-ca: " + r.message());
    }
    stub = ::liard::v1::LedgerService::NewStub(PrimaryChannel(to));
  }
  int unsent = 0;
  for (const SetAsideEntry& e : entries) {
    std::string line = std::to_string(e.sequence) + "  " + e.time + "  op " +
                       e.operation_id_hex.substr(0, 16) + "  account " +
                       e.account_hex.substr(0, 16);
    if (stub) {
      ::liard::v1::SignedOperation op;
      std::string id;
      if (!op.ParseFromString(e.envelope) || !FromHex(e.operation_id_hex, &id)) {
        line += "  not sent: the envelope does not decode";
        ++unsent;
      } else {
        grpc::ClientContext lookup;
        lookup.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        ::liard::v1::GetOperationRequest get;
        get.set_operation_id(id);
        ::liard::v1::Receipt receipt;
        grpc::Status st = stub->GetOperation(&lookup, get, &receipt);
        if (st.ok()) {
          line += "  already in the ledger at entry " + std::to_string(receipt.sequence());
        } else if (st.error_code() != grpc::StatusCode::NOT_FOUND) {
          line += "  not sent: " + st.error_message();
          ++unsent;
        } else {
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          ::liard::v1::SubmitRequest req;
          *req.mutable_operation() = op;
          ::liard::v1::SubmitResponse resp;
          st = stub->Submit(&ctx, req, &resp);
          if (st.ok()) {
            line += "  applied now at entry " + std::to_string(resp.sequence());
          } else if (st.error_code() == grpc::StatusCode::UNAVAILABLE ||
                     st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
            line += "  outcome unknown, run again: " + st.error_message();
            ++unsent;
          } else {
            line += "  refused: " + st.error_message();
          }
        }
      }
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf("%zu entries set aside%s\n", entries.size(),
              stub ? (unsent == 0 ? ", each settled" : ", some not settled: run again") : "");
  return unsent == 0 ? 0 : kExitFailed;
}

// `run`'s --web-listen and --web-root: they override [web] listen and root.
struct WebFlags {
  std::string listen;
  std::string root;
};

// `follow`'s flags: they override [replication].
struct FollowFlags {
  std::string primary;
  std::string ledger;
  std::string reader_key;
  std::string name;
};

// A standby's options from [replication]: the reader's seed and account, the primary's CA.
Status StandbyOptions(const NodeConfig& config, FollowerOptions* out, Hash* ledger_id) {
  out->primary = config.replication_primary;
  out->max_message_bytes = config.max_message_bytes;
  std::string bytes;
  if (!FromHex(config.replication_ledger, &bytes) || !ledger_id->Assign(bytes))
    return Status(Code::kInvalidArgument,
                  "[replication] ledger (or follow --ledger) must be the ledger id, 64 "
                  "hexadecimal digits");
  if (config.replication_reader_key.empty())
    return Status(Code::kInvalidArgument,
                  "[replication] reader_key (or follow --reader-key) must name the seed file of a "
                  "treasurer's or auditor's key");
  std::string text;
  Status s = ReadTextFile(config.replication_reader_key, &text);
  if (!s.ok()) return Status(s.code(), "[replication] reader_key: " + s.message());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (!FromHex(text, &bytes) || !out->reader_seed.Assign(bytes))
    return Status(Code::kInvalidArgument,
                  "[replication] reader_key: " + config.replication_reader_key +
                      " does not hold a key seed (64 hexadecimal digits)");
  out->reader_account = KeyPair::FromSeed(out->reader_seed).public_key();
  if (!config.replication_reader_account.empty() &&
      (!FromHex(config.replication_reader_account, &bytes) || !out->reader_account.Assign(bytes)))
    return Status(Code::kInvalidArgument, "[replication] reader_account must be 64 hex digits");
  if (!config.replication_primary_ca.empty()) {
    s = ReadTextFile(config.replication_primary_ca, &out->primary_ca_pem);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

int Run(const std::string& data, const std::string& config_file, const std::string& listen,
        const WebFlags& web, bool insecure, bool trust_clock, const FollowFlags& follow = {}) {
  // Signals are taken synchronously by this thread (sigwait): blocked first, before any other
  // thread exists, so that every thread inherits the mask. gRPC starts threads as soon as a
  // credentials object exists (grpc_init): a SIGTERM delivered to one of them before this mask
  // killed the node outright, without its last checkpoint or its log lines.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // The allocator and the descriptor limit, before any thread (docs/operator.md, "Limits").
  // An operator's MALLOC_ARENA_MAX, read by glibc before main, is left as it is.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, kMallocArenas);
  const rlim_t file_limit = RaiseFileLimit();

  NodeConfig config;
  if (!config_file.empty()) {
    Status s = LoadConfigFile(config_file, &config);
    if (!s.ok()) return Fail(kExitBadInput, s.message());
  }
  if (!listen.empty()) {
    Status s = ValidateListenAddress(listen);
    if (!s.ok()) return Fail(kExitBadInput, "--listen: " + s.message());
    config.listen = listen;
  }
  if (!web.listen.empty()) {
    Status s = ValidateListenAddress(web.listen);
    if (!s.ok()) return Fail(kExitBadInput, "--web-listen: " + s.message());
    config.web_listen = web.listen;
  }
  if (!web.root.empty()) config.web_root = web.root;
  if (!follow.primary.empty()) {
    Status s = ValidateListenAddress(follow.primary);
    if (!s.ok()) return Fail(kExitBadInput, "--primary: " + s.message());
    config.replication_primary = follow.primary;
  }
  if (!follow.ledger.empty()) config.replication_ledger = follow.ledger;
  if (!follow.reader_key.empty()) config.replication_reader_key = follow.reader_key;
  if (!follow.name.empty()) config.replication_name = follow.name;
  // A standby ([replication] primary, or `liard-node follow`): it copies the primary's journal
  // and takes no writes (node/follower.h).
  const bool standby = !config.replication_primary.empty();
  FollowerOptions follow_options;
  Hash standby_ledger;
  if (standby) {
    if (Status s = StandbyOptions(config, &follow_options, &standby_ledger); !s.ok())
      return Fail(kExitBadInput, s.message());
  }
  if (!config.metrics_listen.empty()) {
    // The metrics are for the operator's scraper, never on a port that clients use.
    const auto port_of = [](const std::string& address) {
      return address.empty() ? -1 : std::atoi(address.c_str() + address.rfind(':') + 1);
    };
    const int metrics_port = port_of(config.metrics_listen);
    if (metrics_port != 0 &&
        (metrics_port == port_of(config.listen) || metrics_port == port_of(config.web_listen)))
      return Fail(kExitBadInput, "[metrics] listen " + config.metrics_listen +
                                     " uses the port of the ledger's " +
                                     (metrics_port == port_of(config.listen) ? "gRPC" : "web") +
                                     " listener: give the metrics a port of their own, e.g. "
                                     "127.0.0.1:9421");
  }
  int64_t max_connections = 0;
  if (Status s = ConnectionBudget(file_limit, config.max_connections,
                                  config.web_listen.empty() ? 0 : config.web_max_connections,
                                  &max_connections);
      !s.ok())
    return Fail(kExitFailed, "cannot serve: " + s.message());
  std::error_code ec;
  if (standby) {
    // A new standby makes its copy of the ledger from the primary's genesis.
    InitCrypto();
    Status s = CreateStandbyStore(data, follow_options, standby_ledger, 30'000);
    if (!s.ok()) return Fail(kExitFailed, s.message());
  }
  if (!std::filesystem::is_directory(data, ec))
    return Fail(kExitFailed, data +
                                 " is not a directory holding a ledger; create one with "
                                 "`liard-node init --data " +
                                 data + " --demo` (or --genesis FILE)");

  // A clock before 2000 is lost, not merely off: RocksDB itself aborts on a time before 1970.
  if (NowMs() < kEarliestInitMs)
    return Fail(kExitFailed,
                "this machine's clock says it is before 2000, so the node cannot date anything; "
                "set the clock (timedatectl set-ntp true, or timedatectl set-time) and start it "
                "again");

  // TLS files are read before anything else starts, so that a wrong path is the one error.
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config.tls_cert_file.empty()) {
    grpc::SslServerCredentialsOptions tls;
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    Status s = ReadTlsFiles(config, &pair.cert_chain, &pair.private_key);
    if (!s.ok()) return Fail(kExitBadInput, s.message());
    tls.pem_key_cert_pairs.push_back(std::move(pair));
    // Clients are not asked for certificates: they prove who they are by signing.
    tls.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
    credentials = grpc::SslServerCredentials(tls);
  }
  // Plaintext reaches only this machine unless the operator says otherwise: off loopback, anyone
  // on the path reads balances and signed requests and can answer for the node. The same rule
  // for the gRPC port and for the browsers' port ([web], HTTPS with the same [tls] files).
  const auto plaintext_refusal = [&](const std::string& address) -> std::string {
    if (!config.tls_cert_file.empty() || IsLoopbackAddress(address) || insecure) return "";
    return "refusing to listen on " + address +
           " without TLS: it is reachable from the network, where anyone on the path "
           "could read and alter the traffic. Configure [tls] cert and key (see "
           "docs/operator.md), listen on 127.0.0.1 behind a TLS proxy, or pass "
           "--insecure to serve plaintext anyway";
  };
  const bool plaintext_off_loopback =
      config.tls_cert_file.empty() && !IsLoopbackAddress(config.listen);
  if (std::string refused = plaintext_refusal(config.listen); !refused.empty())
    return Fail(kExitBadInput, refused);
  const bool web_plaintext_off_loopback = !config.web_listen.empty() &&
                                          config.tls_cert_file.empty() &&
                                          !IsLoopbackAddress(config.web_listen);
  if (!config.web_listen.empty()) {
    if (std::string refused = plaintext_refusal(config.web_listen); !refused.empty())
      return Fail(kExitBadInput, "[web] " + refused);
  }

  if (std::string full = CheckFreeSpace(data); !full.empty()) return Fail(kExitFailed, full);

  SetUpLogging(config.log_level, config.log_format);
  InitCrypto();

  if (standby) {
    // A deposed primary's entries that the primary it now follows does not hold: set aside in
    // DATA/set-aside/, then cut (node/rejoin.h).
    RejoinOutcome rejoined;
    Status rs = RejoinPrimary(data, follow_options, standby_ledger, 5'000, &rejoined);
    if (!rs.ok())
      return Fail(kExitFailed, "cannot follow " + follow_options.primary + ": " + rs.message());
  }
  const auto load_start = std::chrono::steady_clock::now();
  OpenedLedger opened;
  Status s = OpenLedgerDir(data, &opened);
  if (!s.ok()) return Fail(kExitFailed, s.message());  // the messages name the path
  std::unique_ptr<Store> store = std::move(opened.store);
  const std::string genesis_bytes = std::move(opened.genesis_bytes);
  Genesis genesis = std::move(opened.genesis);
  const std::unique_ptr<Ledger> ledger = std::move(opened.ledger);
  MemoryState state = std::move(*opened.state);
  HeadState head = opened.head;
  if (store->created_head_anchor())
    spdlog::info(
        "event=head-anchor-created path={}/head-anchor sequence={} reason=\"a database from "
        "before the head anchor: it now records the head it opened at\"",
        data, head.sequence);
  // A database from before the standing orders' index gets it once, from its journal.
  uint64_t indexed_entries = 0;
  s = CompleteOrderIndex(*store, ledger->id(), head.sequence, &indexed_entries);
  if (!s.ok()) return Fail(kExitFailed, "cannot index the standing orders: " + s.ToString());
  if (indexed_entries != 0)
    spdlog::info(
        "event=order-index-filled entries={} reason=\"a database from before the "
        "standing orders' index: its journal was read once\"",
        indexed_entries);
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - load_start)
                           .count();
  const size_t account_count = state.account_count();

  // The keys the ledger names for checkpoints (the genesis's, then the latest SetNodeKey's or
  // SetNodeKeys's); none for a version 1 ledger before a board decision names one.
  const Governance& governance = state.governance();
  const std::optional<PublicKey>& named = governance.node_key;
  Seed seed;
  s = store->ReadNodeSeed(&seed);
  if (s.code() == Code::kNotFound && (!named || standby)) {
    // A version 1 init stored the seed right after the genesis; a crash in between left none.
    // A standby made before standbys had keys gets its own here, on its own machine.
    seed = KeyPair::Generate().seed();
    s = store->PutNodeSeed(seed);
  }
  if (!s.ok() && s.code() != Code::kNotFound)
    return Fail(kExitFailed, "cannot read the node key in " + data + ": " + s.ToString());
  KeyPair node_key = s.ok() ? KeyPair::FromSeed(seed) : KeyPair::Generate();
  if (standby && ledger->id() != standby_ledger)
    return Fail(kExitFailed, data + " holds ledger " + ToHex(ledger->id()) + ", not the ledger " +
                                 ToHex(standby_ledger) + " of [replication] ledger");
  // A standby signs no checkpoint while it follows: it serves the primary's, matched against its
  // own state; promoted, it signs with its own key once the ledger names it.
  if (!standby && named && (!s.ok() || !governance.NamesNodeKey(node_key.public_key()))) {
    // The key the board named may wait in DATA/node-key.next (liard-node rekey-node).
    Status adopted =
        AdoptPreparedNodeKey(NextNodeKeyPath(data), governance, store.get(), &node_key);
    if (!adopted.ok())
      return Fail(kExitFailed,
                  "the ledger names node key " + KeyListText(governance.NodeKeys()) +
                      " but this node holds " +
                      (s.ok() ? "key " + KeyFingerprint(node_key.public_key()) : "no key") +
                      "; put the named key's seed in " + NextNodeKeyPath(data) +
                      " (liard-node rekey-node prepares one) or restore this node's own key");
  }
  Checkpointer checkpointer(ledger->id(), store.get(), node_key, NextNodeKeyPath(data),
                            config.checkpoint_every_entries,
                            config.checkpoint_every_seconds * 1000);
  s = checkpointer.Init(governance);
  if (standby) checkpointer.SetReplica();
  // A node always has a checkpoint to show, from its first start.
  if (s.ok())
    s = checkpointer.MaybeSign(head, state.digest(), governance, NowMs(), /*force=*/false);
  if (!s.ok()) return Fail(kExitFailed, "cannot read or sign a checkpoint: " + s.ToString());
  {
    // The public key, for `liard-node node-key` while the node holds the database (not secret).
    std::ofstream pub(data + "/node-key.pub", std::ios::trunc);
    pub << ToHex(node_key.public_key()) << "\n";
  }
  if (standby && !checkpointer.Named(governance))
    spdlog::warn(
        "event=node-key-not-named key={} fingerprint={} message=\"the ledger does not name this "
        "standby's node key: promoted, it would take writes but sign no checkpoint; the board "
        "names it with `liard board propose set-node-keys` (`liard-node node-key --data {}` "
        "prints it)\"",
        ToHex(node_key.public_key()), KeyFingerprint(node_key.public_key()), data);

  WatchHub hub(kWatchQueueCapacity);
  // The live standing orders, found once here; the applier keeps the index up to date.
  Scheduler scheduler(*ledger);
  s = scheduler.Rebuild(state, *store);
  if (!s.ok()) return Fail(kExitFailed, "cannot index the standing orders: " + s.ToString());
  ApplierOptions applier_options = GuardOptions(config, trust_clock, data);
  applier_options.scheduler = &scheduler;
  // Synchronous standbys (node/sync_wait.h): a primary whose [replication] lists standbys
  // tracks what they hold; with sync_standbys > 0 its answers wait for their copies.
  std::unique_ptr<SyncWait> sync;
  Applier* applier_of_sync = nullptr;  // set below: the acks check keys on its state
  // A standby with [leadership] keeps its list for when it is promoted (wired then, below).
  if (!config.replication_standbys.empty() && (!standby || !config.leadership_endpoints.empty())) {
    SyncOptions so;
    so.sync_standbys = static_cast<uint32_t>(config.sync_standbys);
    so.timeout_ms = config.sync_timeout_ms;
    so.on_timeout = config.on_sync_timeout == "wait" ? OnSyncTimeout::kWait : OnSyncTimeout::kFail;
    for (const std::string& text : config.replication_standbys) {
      SyncStandbyConfig one;
      if (Status ps = ParseSyncStandby(text, &one); !ps.ok())
        return Fail(kExitBadInput, ps.message());
      so.standbys.push_back(one);
    }
    sync = std::make_unique<SyncWait>(
        std::move(so), ledger->id(), store.get(),
        [&applier_of_sync](const AccountId& id, PublicKey* key) {
          return applier_of_sync->Read([&](const MemoryState& st, const HeadState&) {
            const Account* a = st.FindAccount(id);
            if (a != nullptr) *key = a->key;
            return a != nullptr;
          });
        },
        NowMs);
    if (sync->enabled() && !standby) applier_options.sync = sync.get();
  }
  Applier applier(*ledger, store.get(), std::move(state), head, &checkpointer, &hub, NowMs,
                  std::move(applier_options));
  // Made at start, so that no request ever has to start a thread (a thread cap then stops
  // nothing but the start).
  std::unique_ptr<VerifyPool> verify_pool;
  try {
    verify_pool = std::make_unique<VerifyPool>(static_cast<int>(config.verify_threads));
  } catch (const std::exception& e) {
    return Fail(kExitFailed, std::string("cannot start the signature verification threads (") +
                                 e.what() +
                                 "); lower [limits] verify_threads or raise the "
                                 "process's thread limit");
  }
  LedgerServiceImpl service(*ledger, genesis_bytes, store.get(), &applier, &hub, &checkpointer,
                            verify_pool.get(),
                            StreamOptions{config.max_streams, config.max_streams_per_peer});
  std::unique_ptr<Follower> follower;
  std::atomic<bool> follow_failed{false};
  if (standby) {
    service.SetStandbyOf(config.replication_primary);
    follower =
        std::make_unique<Follower>(*ledger, store.get(), &applier, &checkpointer, follow_options,
                                   NowMs, [&follow_failed](const std::string&) {
                                     // The main thread stops the node, as on SIGTERM.
                                     follow_failed = true;
                                     kill(getpid(), SIGTERM);
                                   });
  }
  ReplicationServiceImpl replication(&applier, follower.get());
  applier_of_sync = &applier;
  if (sync && !standby) {
    replication.SetSync(sync.get());
    sync->Start();
  }
  // A standby tells its primary what it holds, for a primary with synchronous standbys.
  std::unique_ptr<StandbyAcker> acker;
  if (standby) {
    std::string name = config.replication_name;
    if (name.empty()) {
      char host[256] = {};
      if (gethostname(host, sizeof host - 1) == 0) name = host;
      if (name.empty() || name.size() > kSyncMaxName) name = "standby";
    }
    acker = std::make_unique<StandbyAcker>(follow_options, name, ledger->id(), &applier);
  }
  // [leadership]: etcd decides which node writes (node/leader.h). A standby that wins stops
  // following and starts its applier; the others follow whoever holds the key.
  std::unique_ptr<Leader> leader;
  std::unique_ptr<grpc::Server> server;
  std::atomic<bool> promoted{false};
  if (!config.leadership_endpoints.empty()) {
    if (!EntriesCarryTerm(genesis))
      return Fail(kExitBadInput,
                  "[leadership] needs a ledger whose entries carry the primary's term (genesis "
                  "version 7, `liard-node init --genesis-version 7`); this one is version " +
                      std::to_string(genesis.version));
    LeadershipOptions lo;
    lo.endpoints = config.leadership_endpoints;
    lo.ttl_seconds = config.leadership_ttl_seconds;
    lo.name = config.leadership_name;
    lo.address = config.leadership_address;
    lo.settle_ms = config.leadership_settle_ms;
    lo.min_candidates = static_cast<uint32_t>(config.leadership_min_candidates);
    leader = std::make_unique<Leader>(
        std::move(lo), ledger->id(), &applier,
        [&](uint64_t term) -> Status {
          if (!standby) return Status::Ok();
          // What it stored is durable; from here on this node writes, after its last entry.
          follower->Stop();
          acker->Stop();
          // Its synchronous standbys apply from its first write as primary on.
          if (sync) {
            if (sync->enabled()) applier.SetSync(sync.get());
            replication.SetSync(sync.get());
            sync->Start();
          }
          Status rebuilt = applier.Read([&](const MemoryState& st, const HeadState&) {
            return scheduler.Rebuild(st, *store);
          });
          if (!rebuilt.ok()) return rebuilt;
          promoted = true;
          // From here on it signs its checkpoints with its own key, if the ledger names it.
          checkpointer.SetPrimary();
          Status signed_now = applier.Read([&](const MemoryState& st, const HeadState& h) {
            if (!checkpointer.Named(st.governance()))
              spdlog::warn(
                  "event=node-key-not-named key={} fingerprint={} message=\"promoted, this node "
                  "takes writes but signs no checkpoint: the ledger does not name its key; the "
                  "board names it with `liard board propose set-node-keys`\"",
                  ToHex(checkpointer.node_key()), KeyFingerprint(checkpointer.node_key()));
            return checkpointer.MaybeSign(h, st.digest(), st.governance(), NowMs(),
                                          /*force=*/true);
          });
          if (!signed_now.ok()) return signed_now;
          service.SetStandbyOf("");
          grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
          applier.SetWritableListener([health](bool writable) {
            health->SetServingStatus("liard.v1.LedgerService", writable);
          });
          applier.Start();
          spdlog::warn("event=promoted term={} message=\"this standby is now the primary\"", term);
          return Status::Ok();
        },
        [&](const std::string& address) {
          if (!address.empty() && (!standby || promoted) && !config.replication_ledger.empty() &&
              !config.replication_reader_key.empty()) {
            RestartAsStandbyOf(address);
            return;
          }
          if (standby && !promoted) {
            if (!address.empty()) {
              service.SetStandbyOf(address);
              follower->Retarget(address);
              acker->Retarget(address);
            }
            return;
          }
          service.SetStandbyOf(address);  // "" while it leads: the fence decides
        });
    replication.SetLeader(leader.get());
  }

  grpc::EnableDefaultHealthCheckService(true);
  if (config.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!config.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  grpc::ResourceQuota quota("liard-node");
  quota.SetMaxThreads(kMaxSyncThreads);
  builder.SetResourceQuota(quota);
  int port = 0;
  builder.AddListeningPort(config.listen, credentials, &port);
  // gRPC sets SO_REUSEPORT by default: a second node would then share the port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  // Connections (docs/operator.md, "Limits"): counted and capped as gRPC accepts them; a
  // connection that never completes its handshake, or that carries no call for a while, is
  // closed, so that an idle client does not keep its descriptor forever.
  LimitConnections(max_connections, config.max_connections_per_peer);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             static_cast<int>(kHandshakeTimeout.count()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             static_cast<int>(kConnectionIdle.count()));
  // The synchronous methods (the streams; the unary methods are callback methods that hold no
  // thread through the fsync) each keep a gRPC thread while they run. gRPC's sync server
  // keeps at most MAX_POLLERS (default 2) idle threads and starts a new one whenever none is
  // idle, so with more concurrent calls than that it created and ended a thread for nearly every
  // call (profiled in docs/benchmarks.md). Keeping up to kSyncThreads threads polling removes
  // that.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kSyncThreads);
  builder.RegisterService(&service);
  builder.RegisterService(&replication);
  // A standby's only writer is its follower (Applier::AppendReplicated).
  if (!standby) applier.Start();
  server = builder.BuildAndStart();
  if (!server || port == 0) {
    applier.Stop();
    return Fail(kExitFailed, "cannot listen on " + config.listen +
                                 ": the address is in use or not available on this machine");
  }
  // Health follows the applier: NOT_SERVING while it refuses writes (an untrusted clock, a
  // failed disk); reads are served all the same.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (standby) {
    health->SetServingStatus("liard.v1.LedgerService", false);  // it takes no writes
    follower->Start();
    acker->Start();
  } else {
    applier.SetWritableListener(
        [health](bool writable) { health->SetServingStatus("liard.v1.LedgerService", writable); });
  }
  if (leader) leader->Start();
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  // Backups while serving: the backup socket for `liard-node backup`, and [backup]'s schedule.
  BackupService backups(store.get(), data,
                        BackupSchedule{config.backup_to, config.backup_every_seconds,
                                       config.backup_keep, config.backup_node_key},
                        GuardOptions(config, trust_clock, data).disk_check);
  if (Status bs = backups.Start(); !bs.ok()) {
    server->Shutdown(std::chrono::system_clock::now());
    applier.Stop();
    return Fail(kExitFailed, bs.message());
  }
  // Prometheus's page ([metrics] listen), read from the running parts when asked for.
  MetricsServer metrics(MetricsSources{
      .operations_applied = [&applier] { return applier.stats().applied; },
      .head_sequence = [&applier] { return applier.durable_sequence(); },
      .writable = [&applier] { return applier.writable(); },
      .checkpoint_time_ms = [&checkpointer]() -> std::optional<int64_t> {
        SignedCheckpointRecord latest;
        if (!checkpointer.Latest(&latest)) return std::nullopt;
        return latest.checkpoint.time_ms;
      },
      .verify_queue = [&verify_pool] { return static_cast<int64_t>(verify_pool->waiting()); },
      .open_streams = [&service] { return service.open_streams(); },
      .open_connections = [] { return CurrentConnectionStats().open; },
      .store_property = [&store](std::string_view name,
                                 bool per_family) { return store->IntProperty(name, per_family); },
      .now_ms = NowMs,
      .replication = !standby ? std::function<ReplicationFigures()>()
                              : [&follower, &applier] {
                                  const HeadState own = applier.Read(
                                      [](const MemoryState&, const HeadState& h) { return h; });
                                  return LagOf(follower->status(), own, NowMs());
                                },
      .sync = !sync ? std::function<std::string()>()
                    : [&sync, &promoted, standby] {
                        return standby && !promoted ? std::string() : sync->MetricsText();
                      },
  });
  int metrics_port = 0;
  if (!config.metrics_listen.empty()) {
    if (Status ms = metrics.Start(config.metrics_listen, &metrics_port); !ms.ok()) {
      backups.Stop();
      server->Shutdown(std::chrono::system_clock::now());
      applier.Stop();
      return Fail(kExitFailed, ms.message());
    }
  }
  // Browsers: Connect over HTTP/1.1, every call forwarded to the server above in-process.
  std::unique_ptr<WebGateway> gateway;
  int web_port = 0;
  if (!config.web_listen.empty()) {
    WebOptions w;
    w.listen = config.web_listen;
    w.root = config.web_root;
    w.allowed_origins = config.web_allowed_origins;
    w.tls_cert_file = config.tls_cert_file;
    w.tls_key_file = config.tls_key_file;
    w.max_body_bytes = config.max_message_bytes;
    w.max_connections = config.web_max_connections;
    w.max_connections_per_peer = config.web_max_connections_per_peer;
    w.max_streams = config.web_max_streams;
    // A standby forwards the pages' writes to its primary (docs/operator.md, "Standbys").
    if (standby) w.primary = PrimaryChannel(follow_options);
    grpc::ChannelArguments args;
    // The node bounds what it sends; the gateway takes whatever it answers.
    args.SetMaxReceiveMessageSize(-1);
    gateway = std::make_unique<WebGateway>(std::move(w), server->InProcessChannel(args));
    if (Status ws = gateway->Start(&web_port); !ws.ok()) {
      gateway.reset();
      server->Shutdown(std::chrono::system_clock::now());
      applier.Stop();
      return Fail(ws.code() == Code::kInvalidArgument ? kExitBadInput : kExitFailed, ws.message());
    }
  }
  std::printf("liard-node listening on %s:%d\n", host.c_str(), port);
  if (gateway) {
    const std::string web_host = config.web_listen.substr(0, config.web_listen.rfind(':'));
    std::printf("liard-node web on %s://%s:%d\n", config.tls_cert_file.empty() ? "http" : "https",
                web_host.c_str(), web_port);
  }
  if (metrics_port != 0) {
    const std::string metrics_host =
        config.metrics_listen.substr(0, config.metrics_listen.rfind(':'));
    std::printf("liard-node metrics on http://%s:%d/metrics\n", metrics_host.c_str(), metrics_port);
    spdlog::info("event=metrics-start listen={}:{}", metrics_host, metrics_port);
  }
  std::fflush(stdout);
  if (gateway)
    spdlog::log(web_plaintext_off_loopback ? spdlog::level::warn : spdlog::level::info,
                "event=web-start listen={}:{} tls={} insecure={} root=\"{}\" max_connections={} "
                "max_streams={}",
                config.web_listen.substr(0, config.web_listen.rfind(':')), web_port,
                config.tls_cert_file.empty() ? "off" : "on",
                web_plaintext_off_loopback ? "yes" : "no",
                LogText(config.web_root, kLogReasonBytes), config.web_max_connections,
                config.web_max_streams);
  // Logged only once serving, so that a failed start prints its one error line and no more.
  if (plaintext_off_loopback)
    spdlog::warn(
        "event=insecure listen={}:{} message=\"--insecure: serving PLAINTEXT to the network; "
        "balances, signed requests and answers can be read and forged on the path; configure "
        "[tls]\"",
        host, port);
  spdlog::log(
      plaintext_off_loopback ? spdlog::level::warn : spdlog::level::info,
      "event=start listen={}:{} tls={} insecure={} ledger={} node_key={} currency={} accounts={} "
      "sequence={} load_ms={} max_connections={} max_connections_per_peer={} file_limit={} "
      "verify_threads={} version={} node_key_named={}",
      host, port, config.tls_cert_file.empty() ? "off" : "on",
      plaintext_off_loopback ? "yes" : "no", ToHex(ledger->id()),
      KeyFingerprint(checkpointer.node_key()), genesis.currency_code, account_count, head.sequence,
      load_ms, max_connections, config.max_connections_per_peer, file_limit, verify_pool->threads(),
      LIARD_VERSION,
      applier.Read([&](const MemoryState& st, const HeadState&) {
        return checkpointer.Named(st.governance());
      })
          ? "yes"
          : "no");

  // While it waits for a signal, the main thread hands memory that a burst of calls freed back
  // to the system once the node has been idle for a while (docs/operator.md, "Memory").
  int signal_number = 0;
  uint64_t calls_seen = service.calls_done();
  bool trimmed = false;
  for (;;) {
    const timespec wait{kTrimAfterIdle.count(), 0};
    signal_number = sigtimedwait(&signals, nullptr, &wait);
    if (signal_number > 0) break;
    if (errno != EAGAIN) continue;  // EINTR
    const uint64_t calls = service.calls_done();
    const bool idle = calls == calls_seen && service.calls_in_flight() == 0;
    calls_seen = calls;
    if (!idle) {
      trimmed = false;
    } else if (!trimmed) {
      malloc_trim(0);
      trimmed = true;
    }
  }
  spdlog::info("event=stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");

  // Stop taking work, let in-flight calls finish (their operations still apply and commit),
  // then drain the applier and sign a last checkpoint.
  if (acker) acker->Stop();
  // The lease is revoked at once: another node may take the key without waiting for it.
  if (leader) leader->Stop();
  if (follower) follower->Stop();  // what it wrote is durable; a restart resumes from there
  applier.SetWritableListener(nullptr);
  service.BeginShutdown();
  server->GetHealthCheckService()->SetServingStatus(false);
  hub.CloseAll();
  // gRPC cancels, without an answer a client could act on, calls it accepted but had not yet
  // handed to a handler when Shutdown starts. Keep serving a moment first: such calls then reach
  // a handler, which answers UNAVAILABLE (retry elsewhere or later) at once.
  std::this_thread::sleep_for(kDrainPeriod);
  // Then the calls in flight (submits waiting to be durable) finish, within the grace period.
  // Once none is left, gRPC is told to stop at once: given a grace period, it waited all of it
  // whenever a connection had not closed after its GOAWAY (one that never finished its
  // handshake, or a client that does not answer), though no call could still be saved.
  const bool calls_done = service.WaitCalls(std::chrono::steady_clock::now() + kShutdownGrace);
  if (!calls_done)
    spdlog::warn("event=stop-grace-expired message=\"calls still in flight are cancelled\"");
  // Browsers' streams get their end-of-stream message; their connections close.
  // Answers still waiting for standbys: UNAVAILABLE, outcome unknown (they are journaled).
  if (sync) sync->Stop();
  if (gateway) gateway->Stop();
  server->Shutdown(std::chrono::system_clock::now());
  metrics.Stop();
  backups.Stop();
  applier.Stop();
  const uint64_t final_sequence = applier.durable_sequence();
  const Applier::Stats stats = applier.stats();
  CloseStore(std::move(store), applier.disk_failed());
  // Per 100: integers only, and enough to tell "each operation paid its own fsync" (100) from a
  // working group commit.
  spdlog::info(
      "event=stopped sequence={} groups={} operations={} applied={} ops_per_group_x100={} "
      "largest_group={} write_ms={}",
      final_sequence, stats.groups, stats.operations, stats.applied,
      stats.groups == 0 ? 0 : stats.applied * 100 / stats.groups, stats.largest_group,
      stats.write_us / 1000);
  // Not spdlog::shutdown(): gRPC may still log from its destructors after this point.
  spdlog::default_logger()->flush();
  return follow_failed ? kExitFailed : 0;
}

}  // namespace
}  // namespace liard::node

int main(int argc, char** argv) {
  CLI::App app{"liard-node: the ledger node of a local complementary currency"};
  app.set_version_flag("--version", "liard-node " LIARD_VERSION);
  app.require_subcommand(1);

  std::string data, genesis_file, config_file, listen;
  bool demo = false, insecure = false, trust_clock = false;
  CLI::App* init = app.add_subcommand("init", "Create a ledger in a data directory");
  init->add_option("--data", data, "Data directory (created if missing)")->required();
  CLI::Option* genesis_opt =
      init->add_option("--genesis", genesis_file, "Genesis file (TOML), see docs/operator.md");
  CLI::Option* demo_opt = init->add_flag(
      "--demo", demo, "Create the demo currency and write its keys to DATA/demo-keys");
  genesis_opt->excludes(demo_opt);
  uint32_t genesis_version = liard::kCurrentGenesisVersion;
  init->add_option("--genesis-version", genesis_version,
                   "Genesis version to write: 6 (default) or 7 (every journal entry carries the "
                   "primary's term, needed for [leadership]; docs/operator.md, Failover)");

  CLI::App* run = app.add_subcommand("run", "Serve the ledger in a data directory");
  run->add_option("--data", data, "Data directory made by `liard-node init`")->required();
  run->add_option("--config", config_file, "Config file (TOML), see docs/operator.md");
  run->add_option("--listen", listen,
                  "HOST:PORT to listen on (default " + std::string(liard::node::kDefaultListen) +
                      "; port 0 picks a free one)");
  liard::node::WebFlags web;
  run->add_option("--web-listen", web.listen,
                  "HOST:PORT of the HTTP listener for browsers (Connect protocol and the web "
                  "pages; overrides [web] listen; off unless set)");
  run->add_option("--web-root", web.root,
                  "directory of the web pages served on --web-listen (overrides [web] root)");
  run->add_flag("--insecure", insecure,
                "serve plaintext gRPC (and HTTP for --web-listen) on an address other than "
                "loopback without [tls] (refused otherwise); logged at WARN on every start");

  run->add_flag("--trust-clock", trust_clock,
                "start writing even though the clock is far past the journal's last entry "
                "([clock] max_gap_days) or behind it; see docs/operator.md, The clock");

  liard::node::FollowFlags follow;
  CLI::App* follow_cmd = app.add_subcommand(
      "follow", "Serve a standby: copy a primary's journal, verify it, serve reads");
  follow_cmd->add_option("--data", data, "Data directory (created from the primary if missing)")
      ->required();
  follow_cmd->add_option("--primary", follow.primary, "HOST:PORT of the primary (gRPC)")
      ->required();
  follow_cmd->add_option("--ledger", follow.ledger,
                         "the ledger id (64 hex digits) this standby trusts ([replication] "
                         "ledger)");
  follow_cmd->add_option("--reader-key", follow.reader_key,
                         "file holding the 64-hex-digit seed of a treasurer's or auditor's key "
                         "([replication] reader_key)");
  follow_cmd->add_option("--name", follow.name,
                         "how this standby names itself to its primary ([replication] name; "
                         "default: the host's name)");
  follow_cmd->add_option("--config", config_file, "Config file (TOML), see docs/operator.md");
  follow_cmd->add_option("--listen", listen, "HOST:PORT to listen on (port 0: a free one)");
  follow_cmd->add_flag("--insecure", insecure,
                       "serve plaintext on an address other than loopback without [tls]");

  CLI::App* rekey = app.add_subcommand(
      "rekey-node",
      "Prepare a new node key for a board set-node-key decision (DATA/node-key.next)");
  rekey->add_option("--data", data, "Data directory made by `liard-node init`")->required();

  CLI::App* node_key_cmd = app.add_subcommand(
      "node-key",
      "Print this node's public key and fingerprint, for the board to name it "
      "(liard board propose set-node-keys); a standby's data directory has its own");
  node_key_cmd->add_option("--data", data, "Data directory of the node (primary or standby)")
      ->required();

  std::string backup_to;
  bool without_node_key = false, list_backups = false;
  CLI::App* backup = app.add_subcommand(
      "backup", "Back up a ledger into a backup directory, while its node serves or not");
  backup->add_option("--data", data, "Data directory of the ledger (its node may be running)");
  backup
      ->add_option("--to", backup_to,
                   "Backup directory (created if missing; holds every backup, incremental)")
      ->required();
  backup->add_flag("--without-node-key", without_node_key,
                   "leave the node's signing key out of the backup");
  backup->add_flag("--list", list_backups, "list the backups in --to instead");

  std::string set_aside_file, set_aside_send, set_aside_ca;
  CLI::App* set_aside = app.add_subcommand(
      "set-aside",
      "List the entries a deposed primary set aside (DATA/set-aside/*.jsonl); with --send, look "
      "each up on the primary and send again, as the same envelope, those it does not hold");
  set_aside->add_option("--file", set_aside_file, "A side file, DATA/set-aside/*.jsonl")
      ->required();
  set_aside->add_option("--send", set_aside_send, "HOST:PORT of the primary (gRPC)");
  set_aside->add_option("--tls-ca", set_aside_ca,
                        "PEM file of the CA of the primary's certificate (plaintext without it)");

  std::string restore_from;
  uint32_t restore_id = 0;
  CLI::App* restore =
      app.add_subcommand("restore", "Restore a backup into a new data directory, and verify it");
  restore->add_option("--from", restore_from, "Backup directory")->required();
  restore->add_option("--backup", restore_id,
                      "Which backup (liard-node backup --list); default the latest");
  restore->add_option("--data", data, "New data directory (must not exist, or be empty)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : liard::node::kExitBadInput;
  }
  if (init->parsed()) {
    if (genesis_file.empty() && !demo) {
      std::fprintf(stderr, "liard-node: init needs --genesis FILE or --demo\n");
      return liard::node::kExitBadInput;
    }
    return liard::node::Init(data, genesis_file, demo, genesis_version);
  }
  if (rekey->parsed()) return liard::node::RekeyNode(data);
  if (set_aside->parsed())
    return liard::node::SetAside(set_aside_file, set_aside_send, set_aside_ca);
  if (node_key_cmd->parsed()) return liard::node::PrintNodeKey(data);
  if (backup->parsed()) return liard::node::Backup(data, backup_to, without_node_key, list_backups);
  if (restore->parsed()) return liard::node::Restore(restore_from, restore_id, data);
  const int rc = follow_cmd->parsed()
                     ? liard::node::Run(data, config_file, listen, web, insecure,
                                        /*trust_clock=*/false, follow)
                     : liard::node::Run(data, config_file, listen, web, insecure, trust_clock);
  const std::string primary = liard::node::RestartPrimary();
  if (rc != 0 || primary.empty()) return rc;
  // Deposed: the same program again, as a standby of the new primary (the config's [replication]
  // ledger and reader_key; the listen address and config file as given).
  std::vector<std::string> args = {argv[0], "follow", "--data", data, "--primary", primary};
  if (!config_file.empty()) args.insert(args.end(), {"--config", config_file});
  if (!listen.empty()) args.insert(args.end(), {"--listen", listen});
  if (!follow.name.empty()) args.insert(args.end(), {"--name", follow.name});
  if (insecure) args.push_back("--insecure");
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  ::execv("/proc/self/exe", cargs.data());
  std::fprintf(stderr, "liard-node: cannot start again as a standby of %s: %s\n", primary.c_str(),
               std::strerror(errno));
  return liard::node::kExitFailed;
}
