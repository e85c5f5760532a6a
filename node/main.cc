// liard-node: `init` creates a ledger in a data directory, `run` serves it over gRPC until
// SIGTERM or SIGINT. The command-line contract is in docs/operator.md.
#include <fcntl.h>
#include <grpc/support/log.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "node/applier.h"
#include "node/checkpointer.h"
#include "node/config.h"
#include "node/demo.h"
#include "node/service.h"
#include "node/store.h"
#include "node/watch.h"
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
  spdlog::debug("event=grpc file={}:{} message=\"{}\"", args->file, args->line, args->message);
}

void SetUpLogging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("liard-node",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // One line per event: time, level, then key=value pairs that a log shipper can split.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  gpr_set_log_function(GrpcLog);
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_DEBUG);
}

int Init(const std::string& data, const std::string& genesis_file, bool demo) {
  InitCrypto();
  const int64_t now = NowMs();
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
  genesis.version = kCurrentGenesisVersion;
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
  std::printf("ledger %s\nnode key %s (fingerprint %s)\n", ToHex(ledger->id()).c_str(),
              ToHex(node_key.public_key()).c_str(), KeyFingerprint(node_key.public_key()).c_str());
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

int Run(const std::string& data, const std::string& config_file, const std::string& listen,
        bool insecure) {
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
  std::error_code ec;
  if (!std::filesystem::is_directory(data, ec))
    return Fail(kExitFailed, data +
                                 " is not a directory holding a ledger; create one with "
                                 "`liard-node init --data " +
                                 data + " --demo` (or --genesis FILE)");

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
  // on the path reads balances and signed requests and can answer for the node.
  const bool plaintext_off_loopback =
      config.tls_cert_file.empty() && !IsLoopbackAddress(config.listen);
  if (plaintext_off_loopback && !insecure)
    return Fail(kExitBadInput,
                "refusing to listen on " + config.listen +
                    " without TLS: it is reachable from the network, where anyone on the path "
                    "could read and alter the traffic. Configure [tls] cert and key (see "
                    "docs/operator.md), listen on 127.0.0.1 behind a TLS proxy, or pass "
                    "--insecure to serve plaintext anyway");

  SetUpLogging(config.log_level);
  InitCrypto();

  const auto load_start = std::chrono::steady_clock::now();
  std::unique_ptr<Store> store;
  Status s = Store::Open(data, /*create=*/false, &store);
  if (!s.ok()) return Fail(kExitFailed, s.message());
  if (!store->initialized())
    return Fail(kExitFailed, data + " holds no ledger; create one with `liard-node init --data " +
                                 data + " --demo` (or --genesis FILE)");
  std::string genesis_bytes;
  Hash stored_id;
  Genesis genesis;
  std::unique_ptr<Ledger> ledger;
  s = store->ReadGenesis(&genesis_bytes, &stored_id);
  if (s.ok()) s = codec::DecodeGenesis(genesis_bytes, &genesis);
  if (s.ok()) s = Ledger::Create(genesis, genesis_bytes, &ledger);
  if (!s.ok()) return Fail(kExitFailed, "cannot read the genesis in " + data + ": " + s.ToString());
  if (ledger->id() != stored_id)
    return Fail(kExitFailed, "the genesis stored in " + data +
                                 " does not hash to its ledger id: the data directory is damaged");
  MemoryState state(StateDigestRuleOf(genesis));
  HeadState head;
  s = store->Load(&state, &head);
  if (!s.ok()) return Fail(kExitFailed, s.message());  // the store's messages name the path
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - load_start)
                           .count();
  const size_t account_count = state.account_count();

  // The key the ledger names for checkpoints (the genesis's, then the latest SetNodeKey's);
  // none for a version 1 ledger before a board decision names one.
  const std::optional<PublicKey> named = state.governance().node_key;
  Seed seed;
  s = store->ReadNodeSeed(&seed);
  if (s.code() == Code::kNotFound && !named) {
    // A version 1 init stored the seed right after the genesis; a crash in between left none.
    seed = KeyPair::Generate().seed();
    s = store->PutNodeSeed(seed);
  }
  if (!s.ok() && s.code() != Code::kNotFound)
    return Fail(kExitFailed, "cannot read the node key in " + data + ": " + s.ToString());
  KeyPair node_key = KeyPair::FromSeed(seed);
  if (named && (!s.ok() || node_key.public_key() != *named)) {
    // The key the board named may wait in DATA/node-key.next (liard-node rekey-node).
    Status adopted = AdoptPreparedNodeKey(NextNodeKeyPath(data), *named, store.get(), &node_key);
    if (!adopted.ok())
      return Fail(kExitFailed,
                  "the ledger names node key " + KeyFingerprint(*named) + " (" + ToHex(*named) +
                      ") but this node holds " +
                      (s.ok() ? "key " + KeyFingerprint(node_key.public_key()) : "no key") +
                      "; put the named key's seed in " + NextNodeKeyPath(data) +
                      " (liard-node rekey-node prepares one) or restore this node's own key");
  }
  Checkpointer checkpointer(ledger->id(), store.get(), node_key, NextNodeKeyPath(data),
                            config.checkpoint_every_entries,
                            config.checkpoint_every_seconds * 1000);
  s = checkpointer.Init();
  // A node always has a checkpoint to show, from its first start.
  if (s.ok()) s = checkpointer.MaybeSign(head, state.digest(), named, NowMs(), /*force=*/false);
  if (!s.ok()) return Fail(kExitFailed, "cannot read or sign a checkpoint: " + s.ToString());

  WatchHub hub(kWatchQueueCapacity);
  Applier applier(*ledger, store.get(), std::move(state), head, &checkpointer, &hub, NowMs);
  LedgerServiceImpl service(*ledger, genesis_bytes, store.get(), &applier, &hub, &checkpointer,
                            StreamOptions{config.max_streams, config.max_streams_per_peer});

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
  // The synchronous methods (reads and streams; Submit and SubmitBatch are callback methods that
  // hold no thread through the fsync) each keep a gRPC thread while they run. gRPC's sync server
  // keeps at most MAX_POLLERS (default 2) idle threads and starts a new one whenever none is
  // idle, so with more concurrent calls than that it created and ended a thread for nearly every
  // call (profiled in docs/benchmarks.md). Keeping up to kSyncThreads threads polling removes
  // that.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kSyncThreads);
  builder.RegisterService(&service);
  applier.Start();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    applier.Stop();
    return Fail(kExitFailed, "cannot listen on " + config.listen +
                                 ": the address is in use or not available on this machine");
  }
  server->GetHealthCheckService()->SetServingStatus("liard.v1.LedgerService", true);
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::printf("liard-node listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
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
      "sequence={} load_ms={} version={}",
      host, port, config.tls_cert_file.empty() ? "off" : "on",
      plaintext_off_loopback ? "yes" : "no", ToHex(ledger->id()),
      KeyFingerprint(checkpointer.node_key()), genesis.currency_code, account_count, head.sequence,
      load_ms, LIARD_VERSION);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("event=stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");

  // Stop taking work, let in-flight calls finish (their operations still apply and commit),
  // then drain the applier and sign a last checkpoint.
  service.BeginShutdown();
  server->GetHealthCheckService()->SetServingStatus(false);
  hub.CloseAll();
  // gRPC cancels, without an answer a client could act on, calls it accepted but had not yet
  // handed to a handler when Shutdown starts. Keep serving a moment first: such calls then reach
  // a handler, which answers UNAVAILABLE (retry elsewhere or later) at once.
  std::this_thread::sleep_for(kDrainPeriod);
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  applier.Stop();
  const uint64_t final_sequence = applier.durable_sequence();
  const Applier::Stats stats = applier.stats();
  store.reset();
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
  return 0;
}

}  // namespace
}  // namespace liard::node

int main(int argc, char** argv) {
  CLI::App app{"liard-node: the ledger node of a local complementary currency"};
  app.set_version_flag("--version", "liard-node " LIARD_VERSION);
  app.require_subcommand(1);

  std::string data, genesis_file, config_file, listen;
  bool demo = false, insecure = false;
  CLI::App* init = app.add_subcommand("init", "Create a ledger in a data directory");
  init->add_option("--data", data, "Data directory (created if missing)")->required();
  CLI::Option* genesis_opt =
      init->add_option("--genesis", genesis_file, "Genesis file (TOML), see docs/operator.md");
  CLI::Option* demo_opt = init->add_flag(
      "--demo", demo, "Create the demo currency and write its keys to DATA/demo-keys");
  genesis_opt->excludes(demo_opt);

  CLI::App* run = app.add_subcommand("run", "Serve the ledger in a data directory");
  run->add_option("--data", data, "Data directory made by `liard-node init`")->required();
  run->add_option("--config", config_file, "Config file (TOML), see docs/operator.md");
  run->add_option("--listen", listen,
                  "HOST:PORT to listen on (default " + std::string(liard::node::kDefaultListen) +
                      "; port 0 picks a free one)");
  run->add_flag("--insecure", insecure,
                "serve plaintext gRPC on an address other than loopback without [tls] (refused "
                "otherwise); logged at WARN on every start");

  CLI::App* rekey = app.add_subcommand(
      "rekey-node",
      "Prepare a new node key for a board set-node-key decision (DATA/node-key.next)");
  rekey->add_option("--data", data, "Data directory made by `liard-node init`")->required();

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
    return liard::node::Init(data, genesis_file, demo);
  }
  if (rekey->parsed()) return liard::node::RekeyNode(data);
  return liard::node::Run(data, config_file, listen, insecure);
}
