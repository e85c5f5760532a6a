// Limits of liard-node against the real binary: connections and file descriptors (under a
// lowered RLIMIT_NOFILE), the signature verification pool, undecodable reads, a quick stop.
// docs/operator.md, "Limits"; docs/protocol.md for the status codes a client sees.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/status.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;
using Clock = std::chrono::steady_clock;

AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }

// The test process opens more sockets than a default soft limit of 1,024 allows.
void RaiseOwnFileLimit() {
  rlimit r{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &r) == 0);
  r.rlim_cur = r.rlim_max;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &r) == 0);
}

// Idle TCP connections to the node from one loopback address (127.0.0.N), as a client that
// connects and never speaks would hold them. Closed on destruction.
struct IdleConnections {
  std::vector<int> fds;
  ~IdleConnections() { CloseAll(); }
  void CloseAll() {
    for (int fd : fds) close(fd);
    fds.clear();
  }
  // Opens `count` connections from `source` to 127.0.0.1:port; returns how many connected.
  int Open(const std::string& source, int port, int count) {
    int opened = 0;
    for (int i = 0; i < count; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) break;
      sockaddr_in from{};
      from.sin_family = AF_INET;
      inet_pton(AF_INET, source.c_str(), &from.sin_addr);
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port = htons(static_cast<uint16_t>(port));
      inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
      if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
          connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        close(fd);
        continue;
      }
      fds.push_back(fd);
      ++opened;
    }
    return opened;
  }
  // How many the node still holds: a connection it closed reports the peer's hang-up (gRPC
  // may have written its settings first, so data to read proves nothing).
  int StillOpen() const {
    int open = 0;
    for (int fd : fds) {
      pollfd p{fd, POLLRDHUP, 0};
      if (poll(&p, 1, 0) == 0 || (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0) ++open;
    }
    return open;
  }
  // Waits until at most `at_most` are still open, or `timeout` passes; returns the count then.
  int WaitAtMost(int at_most, Millis timeout) const {
    const auto deadline = Clock::now() + timeout;
    int open = StillOpen();
    while (open > at_most && Clock::now() < deadline) {
      std::this_thread::sleep_for(Millis(50));
      open = StillOpen();
    }
    return open;
  }
};

std::string Limits(const std::string& lines) { return "[limits]\n" + lines; }

struct Node {
  TempDir tmp;
  std::string data;
  std::unique_ptr<NodeProcess> node;

  explicit Node(const std::string& config_toml, std::vector<ResourceLimit> limits = {},
                const GenesisSpec& spec = StandardGenesis()) {
    data = tmp.Join("data");
    InitLedger(data, spec);
    std::vector<std::string> extra;
    if (!config_toml.empty()) {
      WriteFile(tmp.Join("node.toml"), config_toml);
      extra = {"--config", tmp.Join("node.toml")};
    }
    node = std::make_unique<NodeProcess>(data, extra);
    node->set_limits(std::move(limits));
  }
};

// Pays 1.00 from alice to bob with a fresh channel, and reads bob's balance back: what a new
// client of the node does.
void PayAndReadWithFreshClient(NodeProcess& node, uint64_t alice_sequence, int64_t bob_before) {
  Client fresh(MakeChannel(node.target()));
  SubmitOutcome o = fresh.Submit(fresh.SignTransfer("alice", "bob", 100, alice_sequence));
  INFO(o.status.error_message() << " " << o.response.message());
  REQUIRE(o.status.ok());
  REQUIRE(o.response.code() == 0);
  CHECK(fresh.Balance("bob") == bob_before + 100);
}

std::string ProcFile(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The names of the node's threads, one per thread (/proc/PID/task/*/comm).
std::vector<std::string> ThreadNames(pid_t pid) {
  std::vector<std::string> names;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string comm = ProcFile(pid, std::string("task/") + e->d_name + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    names.push_back(comm);
  }
  closedir(d);
  return names;
}

int CountNamed(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<int>(std::count(names.begin(), names.end(), name));
}

TEST_CASE("connections from one address beyond max_connections_per_peer are closed at once",
          "[e2e][limits]") {
  Node n(Limits("max_connections_per_peer = 8\n"));
  n.node->Start();
  RaiseOwnFileLimit();
  IdleConnections idle;
  REQUIRE(idle.Open("127.0.0.2", n.node->port(), 40) == 40);
  // The node keeps 8 and closes the other 32 as it accepts them (on main it kept all 40).
  CHECK(idle.WaitAtMost(8, Millis(5'000)) == 8);
  // Another address is not held up by this one's connections.
  PayAndReadWithFreshClient(*n.node, 1, 5'000);
  CHECK(n.node->running());
  CHECK(n.node->err().find("event=connection-refused reason=peer peer=127.0.0.2") !=
        std::string::npos);
}

TEST_CASE("more idle connections than descriptors leave the node alive and accepting",
          "[e2e][limits]") {
  // 800 descriptors: 576 for the store, 64 for the node, 160 connections.
  Node n("", {{RLIMIT_NOFILE, 800, 800}});
  n.node->Start();
  CHECK(n.node->ErrShows("max_connections=160 "));
  RaiseOwnFileLimit();
  Client before(n.node->channel());  // connected before the flood
  REQUIRE(before.Balance("alice") == 10'000);

  // 1,000 idle connections from 40 addresses (25 each, under the per-address cap): more than
  // the node has descriptors. On main, accept4 failed with EMFILE and gRPC stopped accepting
  // for good.
  IdleConnections idle;
  int opened = 0;
  for (int a = 2; a < 42; ++a)
    opened += idle.Open("127.0.0." + std::to_string(a), n.node->port(), 25);
  REQUIRE(opened == 1'000);
  CHECK(idle.WaitAtMost(160, Millis(10'000)) <= 159);  // the client above holds one
  REQUIRE(n.node->running());
  CHECK(n.node->err().find("event=connection-refused reason=total") != std::string::npos);

  // A client connected before pays and reads while the flood is held.
  SubmitOutcome o = before.Submit(before.SignTransfer("alice", "bob", 100, 1));
  INFO(o.status.error_message());
  REQUIRE(o.status.ok());
  REQUIRE(o.response.code() == 0);
  CHECK(before.Balance("bob") == 5'100);

  // Once the flood is gone, a new client gets in.
  idle.CloseAll();
  PayAndReadWithFreshClient(*n.node, 2, 5'100);
  REQUIRE(n.node->running());
  CHECK(n.node->Stop() == 0);
}

TEST_CASE("the web port's connections are kept out of the gRPC connections' descriptors",
          "[e2e][limits]") {
  // 800 descriptors: 576 for the store, 64 for the node, 32 for the web port, 128 for gRPC.
  Node n("[web]\nlisten = \"127.0.0.1:0\"\nmax_connections = 32\nmax_streams = 16\n",
         {{RLIMIT_NOFILE, 800, 800}});
  n.node->Start();
  INFO(n.node->err());
  CHECK(n.node->ErrShows("max_connections=128 "));
  CHECK(n.node->Stop() == 0);
  // Asked for more gRPC connections than the descriptors leave beside the web port's: refused.
  Node m(
      "[limits]\nmax_connections = 150\n[web]\nlisten = \"127.0.0.1:0\"\nmax_connections = "
      "32\nmax_streams = 16\n",
      {{RLIMIT_NOFILE, 800, 800}});
  REQUIRE_THROWS(m.node->Start(Millis(10'000)));
  INFO(m.node->err());
  CHECK(m.node->err().find("max_connections = 150 needs 822 file descriptors with the store's, the "
                           "node's own and the web port's 32") != std::string::npos);
}

TEST_CASE("a descriptor limit that leaves too few connections stops the start with a sentence",
          "[e2e][limits]") {
  Node n("", {{RLIMIT_NOFILE, 600, 600}});
  REQUIRE_THROWS(n.node->Start(Millis(10'000)));
  const std::string err = n.node->err();
  INFO(err);
  CHECK(err.find("the file descriptor limit (RLIMIT_NOFILE) is 600") != std::string::npos);
  CHECK(err.find("LimitNOFILE=") != std::string::npos);
  CHECK(!n.node->running());
}

TEST_CASE("max_connections beyond what the descriptor limit backs stops the start",
          "[e2e][limits]") {
  Node n(Limits("max_connections = 1000\n"), {{RLIMIT_NOFILE, 1024, 1024}});
  REQUIRE_THROWS(n.node->Start(Millis(10'000)));
  const std::string err = n.node->err();
  INFO(err);
  CHECK(err.find("max_connections = 1000 needs 1640 file descriptors") != std::string::npos);
}

TEST_CASE("the node raises its soft descriptor limit to the hard one", "[e2e][limits]") {
  // 700 alone would leave too few connections: the node starts only because it raises it.
  Node n("", {{RLIMIT_NOFILE, 700, 4096}});
  n.node->Start();
  const std::string limits = ProcFile(n.node->pid(), "limits");
  INFO(limits);
  CHECK(limits.find("Max open files            4096                 4096") != std::string::npos);
  CHECK(n.node->ErrShows("max_connections=3456 "));
  CHECK(n.node->Stop() == 0);
}

TEST_CASE("batches are verified on a fixed pool of verify_threads threads", "[e2e][limits]") {
  GenesisSpec spec = StandardGenesis();
  spec.members.push_back({"dave", "resident", 10'000});
  spec.members.push_back({"erin", "resident", 10'000});
  Node n(Limits("verify_threads = 3\n"), {}, spec);
  n.node->Start();
  Client c(n.node->channel());
  CHECK(CountNamed(ThreadNames(n.node->pid()), "liard-verify") == 3);

  // Four batches at once, 300 operations each, one in ten with a broken signature: each
  // operation gets its own answer, in order.
  const std::vector<std::string> payers = {"alice", "bob", "dave", "erin"};
  std::vector<std::future<std::string>> results;
  for (const std::string& payer : payers) {
    results.push_back(std::async(std::launch::async, [&c, payer] {
      std::vector<pb::SignedOperation> ops;
      uint64_t sequence = 1;
      for (int i = 0; i < 300; ++i) {
        if (i % 10 == 9) {
          pb::SignedOperation bad = c.SignTransfer(payer, "carol", 1, 999'999);
          (*bad.mutable_signature())[0] ^= 1;
          ops.push_back(bad);
        } else {
          ops.push_back(c.SignTransfer(payer, "carol", 1, sequence++));
        }
      }
      pb::SubmitBatchResponse resp;
      grpc::Status s = c.SubmitBatch(ops, &resp);
      if (!s.ok()) return "call failed: " + s.error_message();
      if (resp.results_size() != 300) return std::string("wrong count");
      for (int i = 0; i < 300; ++i) {
        const uint32_t want = i % 10 == 9 ? static_cast<uint32_t>(Code::kBadSignature) : 0;
        if (resp.results(i).code() != want)
          return "result " + std::to_string(i) + ": " + resp.results(i).code_name() + " " +
                 resp.results(i).message();
      }
      return std::string();
    }));
  }
  for (auto& r : results) CHECK(r.get() == "");
  CHECK(c.Balance("carol") == 4 * 270);
  // Still the same three: no thread was made for a request.
  CHECK(CountNamed(ThreadNames(n.node->pid()), "liard-verify") == 3);
  CHECK(n.node->err().find("verify_threads=3 ") != std::string::npos);
}

// The tasks (threads) of every process of user `uid`, but `except`'s.
int TasksOfUser(uid_t uid, pid_t except) {
  int tasks = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stoi(name) == except) continue;
    std::istringstream in(ProcFile(std::stoi(name), "status"));
    std::string line;
    bool mine = false;
    while (std::getline(in, line)) {
      if (line.rfind("Uid:", 0) == 0) {
        std::istringstream f(line.substr(4));
        uid_t real = 0;
        f >> real;
        mine = real == uid;
      }
      if (mine && line.rfind("Threads:", 0) == 0) tasks += std::stoi(line.substr(8));
    }
  }
  return tasks;
}

int ThreadsOf(pid_t pid) {
  std::istringstream in(ProcFile(pid, "status"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  return 0;
}

TEST_CASE("under a thread cap a large batch is verified and answered and the node lives",
          "[e2e][limits]") {
  // RLIMIT_NPROC does not bind root: the node runs as nobody (65534), which needs root here.
  if (geteuid() != 0) {
    WARN("skipped: run as root to start the node as another user under RLIMIT_NPROC");
    return;
  }
  constexpr uid_t kNobody = 65534;
  GenesisSpec spec = StandardGenesis();
  spec.members.push_back({"dave", "resident", 100'000});
  Node n(Limits("verify_threads = 2\n"), {}, spec);
  REQUIRE(chmod(n.tmp.path().c_str(), 0755) == 0);
  REQUIRE(chown(n.data.c_str(), kNobody, kNobody) == 0);
  for (const auto& e : std::filesystem::recursive_directory_iterator(n.data))
    REQUIRE(lchown(e.path().c_str(), kNobody, kNobody) == 0);
  n.node->set_user(kNobody, kNobody);
  uint64_t next = 1;
  auto batch = [&](Client& c, int count) {
    std::vector<pb::SignedOperation> ops;
    for (int i = 0; i < count; ++i) ops.push_back(c.SignTransfer("dave", "carol", 1, next++));
    pb::SubmitBatchResponse resp;
    grpc::Status s = c.SubmitBatch(ops, &resp);
    if (!s.ok()) return "the call failed: " + s.error_message();
    for (const auto& r : resp.results())
      if (r.code() != 0) return r.code_name() + " " + r.message();
    return std::to_string(resp.results_size());
  };
  n.node->Start();
  Client c(n.node->channel());
  REQUIRE(batch(c, 200) == "200");  // every thread the node keeps exists now
  // The cap: this user may not make one more thread. Set by a process of the same user (this
  // test's process lacks CAP_SYS_RESOURCE, and a user may lower its own processes' limits).
  const pid_t node = n.node->pid();
  const rlim_t cap = static_cast<rlim_t>(ThreadsOf(node) + TasksOfUser(kNobody, node));
  auto set_cap = [&](rlim_t soft, rlim_t hard) {
    pid_t setter = fork();
    if (setter == 0) {
      rlimit r{soft, hard};
      if (setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(2);
      _exit(prlimit(node, RLIMIT_NPROC, &r, nullptr) == 0 ? 0 : 1);
    }
    int status = 0;
    return waitpid(setter, &status, 0) == setter && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  };
  // The node's limits as they are (this process may not read them with prlimit either).
  rlimit before{RLIM_INFINITY, RLIM_INFINITY};
  {
    std::istringstream in(ProcFile(node, "limits"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Max processes", 0) != 0) continue;
      std::istringstream f(line.substr(std::strlen("Max processes")));
      std::string soft, hard;
      f >> soft >> hard;
      if (soft != "unlimited") before.rlim_cur = std::stoul(soft);
      if (hard != "unlimited") before.rlim_max = std::stoul(hard);
    }
  }
  REQUIRE(set_cap(cap, before.rlim_max));
  REQUIRE(ProcFile(node, "limits").find("Max processes             " + std::to_string(cap)) !=
          std::string::npos);
  // On main the batch's verification threads could not start: std::system_error,
  // std::terminate, exit -6. Here the pool's threads exist since the start.
  CHECK(batch(c, 500) == "500");
  CHECK(batch(c, 300) == "300");
  CHECK(n.node->running());
  CHECK(n.node->err().find("terminate called") == std::string::npos);
  CHECK(c.Balance("carol") == 1'000);
  // A stop makes threads (gRPC's shutdown) and may wait on them under the cap (noted in the
  // issue's closing note, left open): the cap is lifted, and the node is ended either way.
  REQUIRE(set_cap(before.rlim_cur, before.rlim_max));
  const int stopped = n.node->Stop(Millis(10'000));
  if (stopped != 0) WARN("the stop under a lifted thread cap ended with " << stopped);
}

TEST_CASE("undecodable requests to every unary read are INVALID_ARGUMENT with a reason",
          "[e2e][limits]") {
  Node n("");
  n.node->Start();
  const std::vector<std::pair<std::string, std::string>> methods = {
      {"Simulate", "SimulateRequest"},
      {"GetAccount", "GetAccountRequest"},
      {"LookupAccount", "LookupAccountRequest"},
      {"GetHistory", "GetHistoryRequest"},
      {"GetOperation", "GetOperationRequest"},
      {"GetReserves", "GetReservesRequest"},
      {"GetHead", "GetHeadRequest"},
      {"GetCheckpoint", "GetCheckpointRequest"},
      {"GetGenesis", "GetGenesisRequest"},
      {"GetGovernance", "GetGovernanceRequest"}};
  // A field tag with wire type 7, which does not exist: no message decodes from it.
  const std::string garbage("\x0f\xff\xff\xff", 4);
  for (const auto& [method, request] : methods) {
    std::string response;
    grpc::Status s =
        RawUnaryCall(n.node->channel(), "/liard.v1.LedgerService/" + method, garbage, &response);
    INFO(method << ": " << s.error_code() << " " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message() == method + ": the request does not decode as a liard.v1." + request +
                                   "; send one encoded as docs/protocol.md describes");
  }
  // And a well-formed one is still answered.
  std::string head;
  REQUIRE(RawUnaryCall(n.node->channel(), "/liard.v1.LedgerService/GetHead", "", &head).ok());
  pb::Head parsed;
  REQUIRE(parsed.ParseFromString(head));
  CHECK(parsed.currency_code() == "ROUE");
  CHECK(n.node->running());
}

TEST_CASE("a stop with an idle client connected ends well within the grace period",
          "[e2e][limits]") {
  Node n("");
  n.node->Start();
  Client idle(MakeChannel(n.node->target()));  // connected, one call made, then idle
  REQUIRE(idle.Head().currency_code() == "ROUE");
  RaiseOwnFileLimit();
  IdleConnections silent;  // and connected without a word, as a port scanner leaves it
  REQUIRE(silent.Open("127.0.0.1", n.node->port(), 1) == 1);
  std::this_thread::sleep_for(Millis(200));
  const auto start = Clock::now();
  const int code = n.node->Stop(Millis(10'000));
  const auto took = std::chrono::duration_cast<Millis>(Clock::now() - start);
  INFO("stopped in " << took.count() << " ms");
  CHECK(code == 0);
  CHECK(took < Millis(1'500));  // on main: the whole 5 s grace, and more
}

// Not a test (hidden from ctest): the node's memory after a flood of reads and streams, for
// docs/operator.md, "Memory". Run it with
//   build/tests/node_e2e_tests "[.memory]" -s
// (LIARD_NODE_BINARY=... for another build, MALLOC_ARENA_MAX=... to compare allocator settings).
TEST_CASE("memory after a flood of reads and streams", "[.memory]") {
  GenesisSpec spec = StandardGenesis();
  spec.members.push_back({"dave", "resident", 1'000'000});
  Node n("", {}, spec);
  n.node->Start();
  Client c(n.node->channel());
  // A history to read: 20,000 transfers to bob.
  uint64_t sequence = 1;
  for (int b = 0; b < 40; ++b) {
    std::vector<pb::SignedOperation> ops;
    for (int i = 0; i < 500; ++i) ops.push_back(c.SignTransfer("dave", "bob", 1, sequence++));
    pb::SubmitBatchResponse resp;
    REQUIRE(c.SubmitBatch(ops, &resp).ok());
  }
  auto rss = [&](const char* field) {
    std::istringstream in(ProcFile(n.node->pid(), "status"));
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field) + 1)) / 1024;
    return 0L;
  };
  const long before = rss("VmRSS:");
  // 60 clients (under the 64 connections allowed from one address), each on its own
  // connection: 20 pages of 500 receipts, then a Watch stream from sequence 1 read to the end,
  // twice over.
  const AccountId bob = Id("bob");
  std::vector<std::future<void>> clients;
  for (int t = 0; t < 60; ++t) {
    clients.push_back(std::async(std::launch::async, [&] {
      Client mine(MakeChannel(n.node->target()));
      for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 20; ++i) {
          pb::GetHistoryResponse page;
          (void)mine.History(bob, 0, 500, &page);
        }
        grpc::ClientContext ctx;
        SetDeadline(&ctx, Millis(60'000));
        pb::WatchRequest req;
        req.set_account(std::string(bob.view()));
        req.set_from_sequence(1);
        ReadCall call{"Watch", &bob};
        call.from_sequence = 1;
        *req.mutable_auth() = mine.SignRead(mine.reader(), call);
        auto reader = mine.stub().Watch(&ctx, req);
        pb::Receipt r;
        int got = 0;
        while (got < 20'000 && reader->Read(&r)) ++got;
        ctx.TryCancel();
        (void)reader->Finish();
      }
    }));
  }
  for (auto& f : clients) f.get();
  const long peak = rss("VmHWM:");
  const long after_flood = rss("VmRSS:");
  std::this_thread::sleep_for(Millis(15'000));  // idle
  const long idle = rss("VmRSS:");
  WARN("RSS MiB: before " << before << ", peak " << peak << ", right after the flood "
                          << after_flood << ", after 15 s idle " << idle);
  CHECK(n.node->Stop() == 0);
}

}  // namespace
}  // namespace liard::e2e
