// End-to-end harness: starts, stops and kills the real liard-node, and speaks gRPC to it.
#include "tests/e2e/harness.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <grpcpp/generic/generic_stub.h>
#include <sodium.h>

#include "ledger/amount.h"
#include "ledger/genesis.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"

#ifndef LIARD_NODE_PATH
#error "LIARD_NODE_PATH must name the liard-node binary (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

using Clock = std::chrono::steady_clock;

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Forks and execs the node with stdout and stderr on pipes. Everything the child does between
// fork and exec is async-signal-safe: gRPC's threads exist in this process.
// `options` (may be null: the node's way) adds environment changes, a standard input, and a
// new session, so that a child never shares the test's controlling terminal.
pid_t SpawnProgram(const std::string& path, const std::vector<std::string>& args,
                   const ProgramOptions* options, int* out_fd, int* err_fd,
                   const std::vector<ResourceLimit>* limits = nullptr,
                   uid_t uid = static_cast<uid_t>(-1), gid_t gid = static_cast<gid_t>(-1)) {
  std::vector<std::string> argv_storage;
  argv_storage.push_back(path);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw std::runtime_error("pipe2 failed");
  }
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  // The environment and the standard input are prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> env_storage;
  std::vector<char*> envp;
  if (options != nullptr) {
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view kv(*e);
      std::string name(kv.substr(0, kv.find('=')));
      bool drop = options->env.count(name) > 0;
      for (const auto& u : options->unset_env) drop = drop || u == name;
      if (!drop) env_storage.emplace_back(kv);
    }
    for (const auto& [k, v] : options->env) env_storage.push_back(k + "=" + v);
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    int in = memfd_create("liard-e2e-stdin", MFD_CLOEXEC);
    if (in < 0) throw std::runtime_error("memfd_create failed");
    size_t done = 0;
    while (done < options->stdin_data.size()) {
      ssize_t n = write(in, options->stdin_data.data() + done, options->stdin_data.size() - done);
      if (n <= 0) throw std::runtime_error("cannot write the child's standard input");
      done += static_cast<size_t>(n);
    }
    lseek(in, 0, SEEK_SET);
    if (devnull >= 0) close(devnull);
    devnull = in;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // If this test process dies (a crash, ctest's timeout), the node must die with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, nullptr);
    sigaction(SIGTERM, &dfl, nullptr);
    sigaction(SIGINT, &dfl, nullptr);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
    if (limits != nullptr) {
      for (const ResourceLimit& l : *limits) {
        rlimit r{l.soft, l.hard};
        if (setrlimit(l.resource, &r) != 0) _exit(126);
      }
    }
    if (uid != static_cast<uid_t>(-1)) {
      if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
    }
    if (options != nullptr) {
      setsid();  // no controlling terminal: a program can never wait on /dev/tty
      execve(argv[0], argv.data(), envp.data());
    } else {
      execv(argv[0], argv.data());
    }
    static const char kMsg[] = "e2e harness: execv failed\n";
    ssize_t ignored = write(2, kMsg, sizeof kMsg - 1);
    (void)ignored;
    _exit(127);
  }
  if (devnull >= 0) close(devnull);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  *out_fd = out[0];
  *err_fd = err[0];
  return pid;
}

pid_t Spawn(const std::vector<std::string>& args, int* out_fd, int* err_fd) {
  return SpawnProgram(NodePath(), args, nullptr, out_fd, err_fd);
}

// Spawn, under resource limits set in the child before exec.
pid_t SpawnLimited(const std::vector<std::string>& args, int* out_fd, int* err_fd,
                   const std::vector<ResourceLimit>& limits, uid_t uid, gid_t gid) {
  return SpawnProgram(NodePath(), args, nullptr, out_fd, err_fd, &limits, uid, gid);
}

// Drains both pipes until EOF on both or `stop` says so; calls `sink` with each chunk.
template <typename Sink, typename Stop>
void Drain(int out_fd, int err_fd, Sink sink, Stop stop) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[8192];
  while (open_fds > 0 && !stop()) {
    int n = poll(fds, 2, 50);
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        sink(i, std::string_view(buf, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
}

// Concatenates a ByteBuffer's slices.
std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string NodePath() {
  if (const char* env = std::getenv("LIARD_NODE_BINARY"); env != nullptr && *env != '\0')
    return env;
  return LIARD_NODE_PATH;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/liard-e2e-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (std::getenv("LIARD_E2E_KEEP") != nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

size_t Count(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs what `spawn` starts to completion, collecting its output, killing it after `timeout`.
template <typename SpawnFn>
CommandResult RunSpawned(SpawnFn spawn, const std::vector<std::string>& args, Millis timeout) {
  CommandResult result;
  int out_fd, err_fd;
  pid_t pid = spawn(args, &out_fd, &err_fd);
  auto deadline = Clock::now() + timeout;
  Drain(
      out_fd, err_fd,
      [&](int i, std::string_view chunk) { (i == 0 ? result.out : result.err).append(chunk); },
      [&] { return Clock::now() > deadline; });
  close(out_fd);
  close(err_fd);
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      result.exit_code = DecodeWaitStatus(status);
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (Clock::now() > deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      if (waitpid(pid, &status, 0) == pid) result.exit_code = DecodeWaitStatus(status);
      break;
    }
    std::this_thread::sleep_for(Millis(5));
  }
  return result;
}

CommandResult RunNode(const std::vector<std::string>& args, Millis timeout) {
  return RunSpawned(Spawn, args, timeout);
}

CommandResult RunProgram(const std::string& path, const std::vector<std::string>& args,
                         const ProgramOptions& options, Millis timeout) {
  return RunSpawned([&](const std::vector<std::string>& a, int* out_fd,
                        int* err_fd) { return SpawnProgram(path, a, &options, out_fd, err_fd); },
                    args, timeout);
}

int64_t GenesisSpec::fund() const {
  int64_t sum = extra_fund;
  for (const auto& m : members) sum += m.opening;
  return sum;
}

GenesisSpec StandardGenesis() {
  GenesisSpec spec;
  spec.members = {
      {"association", "association", 0}, {"office", "exchange-office", 0}, {"shop", "merchant", 0},
      {"alice", "resident", 100'00},     {"bob", "resident", 50'00},       {"carol", "resident", 0},
  };
  return spec;
}

std::string Cents(int64_t cents) { return FormatAmount(Amount(cents), 2, "", '.'); }

std::string GenesisToml(const GenesisSpec& spec) {
  std::ostringstream t;
  t << "# A test currency written by the e2e harness.\n"
    << "[currency]\n"
    << "code = " << TomlString(spec.code) << "\n"
    << "name = " << TomlString(spec.name) << "\n"
    << "decimals = 2\n"
    << "par = \"1/1\"\n"
    << "created_at_ms = " << spec.created_at_ms << "\n";
  if (!spec.time_zone.empty()) t << "time_zone = " << TomlString(spec.time_zone) << "\n";
  t << "\n[board]\nkeys = [";
  for (size_t i = 0; i < spec.board.size(); ++i)
    t << (i ? ", " : "") << TomlString(ToHex(testing::KeyFor(spec.board[i]).public_key()));
  t << "]\nthreshold = " << spec.threshold << "\n\n"
    << "[fund]\nopening = " << TomlString(Cents(spec.fund())) << "\n\n"
    << "[rules]\nbacking = \"1/1\"\n";
  for (const auto& m : spec.members) {
    t << "\n[[accounts]]\n"
      << "key = " << TomlString(ToHex(testing::KeyFor(m.name).public_key())) << "\n"
      << "kind = " << TomlString(m.kind) << "\n"
      << "name = " << TomlString(m.name) << "\n"
      << "opening_balance = " << TomlString(Cents(m.opening)) << "\n";
  }
  return t.str();
}

std::string InitLedger(const std::string& data_dir, const GenesisSpec& spec) {
  std::string genesis_path = data_dir + ".genesis.toml";
  WriteFile(genesis_path, GenesisToml(spec));
  std::vector<std::string> args = {"init", "--data", data_dir, "--genesis", genesis_path};
  if (spec.genesis_version != 0) {
    args.push_back("--genesis-version");
    args.push_back(std::to_string(spec.genesis_version));
  }
  CommandResult r = RunNode(args);
  static const std::regex kLine(
      "^ledger ([0-9a-f]{64})\nnode key [0-9a-f]{64} .*\ntime zone [A-Za-z0-9_/+-]+\n$");
  std::smatch m;
  if (r.exit_code != 0 || !std::regex_match(r.out, m, kLine))
    throw std::runtime_error("liard-node init failed (exit " + std::to_string(r.exit_code) +
                             "): stdout: " + r.out + " stderr: " + r.err);
  return m[1].str();
}

NodeProcess::NodeProcess(std::string data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) Kill();
  JoinReader();
}

void NodeProcess::ReaderLoop(int out_fd, int err_fd) {
  Drain(
      out_fd, err_fd,
      [&](int i, std::string_view chunk) {
        std::lock_guard<std::mutex> lock(mu_);
        (i == 0 ? out_ : err_).append(chunk);
        cv_.notify_all();
      },
      [&] {
        std::lock_guard<std::mutex> lock(mu_);
        return stop_reader_;
      });
  close(out_fd);
  close(err_fd);
  std::lock_guard<std::mutex> lock(mu_);
  reader_done_ = true;
  cv_.notify_all();
}

void NodeProcess::JoinReader() {
  if (!reader_.joinable()) return;
  {
    // The process is gone, so EOF comes at once; the flag only guards against a grandchild that
    // kept the pipe open.
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, Millis(2'000), [&] { return reader_done_; });
    stop_reader_ = true;
  }
  reader_.join();
}

bool NodeProcess::WaitExit(Millis timeout) {
  if (pid_ <= 0) return true;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = DecodeWaitStatus(status);
      pid_ = -1;
      return true;
    }
    if (r < 0 && errno != EINTR) {  // not our child any more: nothing to wait for
      pid_ = -1;
      return true;
    }
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(Millis(5));
  }
}

bool NodeProcess::running() { return pid_ > 0 && !WaitExit(Millis(0)); }

std::string NodeProcess::out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string NodeProcess::err() const {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

bool NodeProcess::ErrShows(std::string_view needle, Millis timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (err().find(needle) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(20));
  }
}

void NodeProcess::Start(Millis timeout) {
  Launch();
  WaitReady(timeout);
}

void NodeProcess::Launch() {
  if (pid_ > 0) throw std::runtime_error("the node is already running");
  JoinReader();
  {
    std::lock_guard<std::mutex> lock(mu_);
    out_.clear();
    err_.clear();
    reader_done_ = false;
    stop_reader_ = false;
  }
  port_ = 0;
  web_port_ = 0;
  channel_.reset();
  exit_code_ = -1;

  std::vector<std::string> args = {"run", "--data", data_dir_, "--listen", listen_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  int out_fd, err_fd;
  pid_ = SpawnLimited(args, &out_fd, &err_fd, limits_, uid_, gid_);
  reader_ = std::thread([this, out_fd, err_fd] { ReaderLoop(out_fd, err_fd); });
}

void NodeProcess::WaitReady(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  auto fail = [&](const std::string& why) {
    Kill();
    throw std::runtime_error("liard-node run: " + why + "\n--- stdout:\n" + out() +
                             "\n--- stderr:\n" + err());
  };

  // The contract: exactly one line "liard-node listening on 127.0.0.1:PORT" once ready.
  static const std::regex kListening("(^|\n)liard-node listening on 127\\.0\\.0\\.1:([0-9]+)\n");
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      std::smatch m;
      if (std::regex_search(out_, m, kListening)) {
        port_ = std::stoi(m[2].str());
        // With --web-listen (or [web] listen), the browsers' port, printed in the same write.
        static const std::regex kWeb("(^|\n)liard-node web on https?://[^\n]*:([0-9]+)\n");
        std::smatch w;
        if (std::regex_search(out_, w, kWeb)) web_port_ = std::stoi(w[2].str());
        break;
      }
      cv_.wait_for(lock, Millis(20));
    }
    if (!running()) fail("exited with code " + std::to_string(exit_code_) + " before listening");
    if (Clock::now() > deadline) fail("no listening line before the deadline");
  }
  if (port_ <= 0 || port_ > 65535) fail("printed an impossible port");

  channel_ = MakeChannel(target(), credentials_);
  for (;;) {
    int serving = -1;
    grpc::Status s = HealthCheck(channel_, "", &serving, Millis(1'000));
    if (s.ok() && serving == 1) break;
    if (!running()) fail("exited with code " + std::to_string(exit_code_) + " before serving");
    if (Clock::now() > deadline)
      fail("health not SERVING before the deadline (last: " + s.error_message() + ")");
    std::this_thread::sleep_for(Millis(20));
  }
}

int NodeProcess::Stop(Millis timeout) {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, SIGTERM);
  if (!WaitExit(timeout)) {
    Kill();
    return -1;
  }
  JoinReader();
  channel_.reset();
  return exit_code_;
}

void NodeProcess::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    // SIGKILL cannot be caught; the bound only matters for a process stuck in the kernel.
    WaitExit(Millis(30'000));
  }
  JoinReader();
  channel_.reset();
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // Each test talks to its own node; never share a subchannel with another test's channel.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!credentials) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(target, credentials, args);
}

std::shared_ptr<grpc::ChannelCredentials> TlsCredentials(const std::string& ca_pem) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_pem;
  return grpc::SslCredentials(options);
}

void SetDeadline(grpc::ClientContext* ctx, Millis timeout) {
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
}

grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& request, std::string* response, Millis timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  grpc::ByteBuffer resp;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &req, &resp,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  auto future = done.get_future();
  // The context's deadline ends the call; the extra margin only covers a stuck completion.
  if (future.wait_for(timeout + Millis(5'000)) != std::future_status::ready) {
    ctx.TryCancel();
    future.wait();
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "raw call did not complete");
  }
  grpc::Status s = future.get();
  if (s.ok() && response != nullptr) *response = ToString(resp);
  return s;
}

int64_t ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::istringstream rest(line.substr(field.size() + 1));
    int64_t v = -1;
    rest >> v;
    return v;
  }
  return -1;
}

struct StreamFlood::Call {
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> rw;
  grpc::ByteBuffer request;
  bool send = false;
  bool half_close = false;
  bool read = false;
  grpc::ByteBuffer in;
  size_t messages = 0;
  bool ended = false;
  grpc::Status status;
  Tag start{this, 0}, write{this, 1}, writes_done{this, 2}, reading{this, 3}, finish{this, 4};
};

StreamFlood::StreamFlood(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(std::make_unique<grpc::GenericStub>(channel_)) {}

StreamFlood::~StreamFlood() {
  for (auto& c : calls_) c->ctx.TryCancel();
  // Every operation posted completes once cancelled; then the queue can be shut down.
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(10);
  while (pending_ > 0) {
    void* tag = nullptr;
    bool ok = false;
    if (cq_.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) break;
    Handle(static_cast<Tag*>(tag), ok);
  }
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

size_t StreamFlood::Open(const std::string& method, const std::string* request, bool half_close,
                         bool read, Millis timeout) {
  auto c = std::make_unique<Call>();
  SetDeadline(&c->ctx, timeout);
  if (request != nullptr) {
    grpc::Slice slice(*request);
    c->request = grpc::ByteBuffer(&slice, 1);
    c->send = true;
  }
  c->half_close = half_close;
  c->read = read;
  c->rw = stub_->PrepareCall(&c->ctx, method, &cq_);
  c->rw->StartCall(&c->start);
  ++pending_;
  calls_.push_back(std::move(c));
  return calls_.size() - 1;
}

void StreamFlood::Handle(Tag* tag, bool ok) {
  --pending_;
  Call* c = tag->call;
  auto finish = [&] {
    c->rw->Finish(&c->status, &c->finish);
    ++pending_;
  };
  switch (tag->kind) {
    case 0:  // started
      if (!ok) return finish();
      if (c->send) {
        c->rw->Write(c->request, &c->write);
        ++pending_;
      } else if (c->half_close) {
        c->rw->WritesDone(&c->writes_done);
        ++pending_;
      }
      if (c->read) {
        c->rw->Read(&c->in, &c->reading);
        ++pending_;
      }
      return;
    case 1:  // written
      if (ok && c->half_close) {
        c->rw->WritesDone(&c->writes_done);
        ++pending_;
      }
      // A lagging call reads nothing; to learn that the server ended it, it still asks for the
      // status (which completes only at the end).
      if (!c->read) finish();
      return;
    case 2:
      return;
    case 3:  // a message, or the end
      if (!ok) return finish();
      ++c->messages;
      c->rw->Read(&c->in, &c->reading);
      ++pending_;
      return;
    case 4:
      c->ended = true;
      return;
  }
}

bool StreamFlood::Settle(Millis wait, const std::function<bool()>& done) {
  const auto deadline = std::chrono::system_clock::now() + wait;
  if (done && done()) return true;
  for (;;) {
    void* tag = nullptr;
    bool ok = false;
    if (cq_.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT)
      return done && done();
    Handle(static_cast<Tag*>(tag), ok);
    if (done && done()) return true;
  }
}

bool StreamFlood::ended(size_t i) const { return calls_.at(i)->ended; }
grpc::Status StreamFlood::status(size_t i) const { return calls_.at(i)->status; }
size_t StreamFlood::messages(size_t i) const { return calls_.at(i)->messages; }
void StreamFlood::Cancel(size_t i) { calls_.at(i)->ctx.TryCancel(); }
size_t StreamFlood::open() const {
  size_t n = 0;
  for (const auto& c : calls_) n += c->ended ? 0 : 1;
  return n;
}

grpc::Status RawBidiCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                         const std::vector<std::string>& requests,
                         std::vector<std::string>* responses, Millis timeout) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  auto deadline = std::chrono::system_clock::now() + timeout + Millis(5'000);
  // One operation at a time: each step waits for its own tag, under a deadline.
  auto step = [&](void* want) {
    void* tag = nullptr;
    bool ok = false;
    for (;;) {
      auto r = cq.AsyncNext(&tag, &ok, deadline);
      if (r != grpc::CompletionQueue::GOT_EVENT) return false;
      if (tag == want) return ok;
    }
  };
  int tags[4];
  auto call = stub.PrepareCall(&ctx, method, &cq);
  grpc::Status status(grpc::StatusCode::UNKNOWN, "the call did not start");
  bool alive = call != nullptr;
  if (alive) {
    call->StartCall(&tags[0]);
    alive = step(&tags[0]);
  }
  for (size_t i = 0; alive && i < requests.size(); ++i) {
    grpc::Slice slice(requests[i]);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, &tags[1]);
    alive = step(&tags[1]);
  }
  if (alive) {
    call->WritesDone(&tags[1]);
    alive = step(&tags[1]);
  }
  for (int i = 0; alive && i < 10'000; ++i) {
    grpc::ByteBuffer buffer;
    call->Read(&buffer, &tags[2]);
    if (!step(&tags[2])) break;  // the server ended the stream
    responses->push_back(ToString(buffer));
  }
  if (call != nullptr) {
    if (!alive) ctx.TryCancel();  // a step failed: end the call so that Finish completes
    call->Finish(&status, &tags[3]);
    if (!step(&tags[3])) {
      ctx.TryCancel();
      status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "the call did not finish");
    }
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int* serving_status, Millis timeout) {
  // HealthCheckRequest { string service = 1; } by hand: no health stub ships with Debian's gRPC.
  std::string request;
  if (!service.empty()) {
    request += '\x0a';
    request += static_cast<char>(service.size());  // services names here are < 128 bytes
    request += service;
  }
  std::string response;
  grpc::Status s =
      RawUnaryCall(channel, "/grpc.health.v1.Health/Check", request, &response, timeout);
  if (!s.ok()) return s;
  // HealthCheckResponse { ServingStatus status = 1; }: 0x08 then a one-byte varint; absent = 0.
  *serving_status = 0;
  if (response.size() >= 2 && response[0] == '\x08')
    *serving_status = static_cast<unsigned char>(response[1]);
  return s;
}

std::string LiardCode(const grpc::ClientContext& ctx) {
  const auto& trailers = ctx.GetServerTrailingMetadata();
  auto it = trailers.find("liard-code");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Client::Client(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)),
      stub_(pb::LedgerService::NewStub(channel_)),
      reader_(testing::KeyFor("association")) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GenesisInfo info;
  grpc::Status s = stub_->GetGenesis(&ctx, pb::GetGenesisRequest(), &info);
  if (!s.ok()) throw std::runtime_error("GetGenesis failed: " + s.error_message());
  genesis_bytes_ = info.genesis();
  ledger_id_ = LedgerIdOf(genesis_bytes_);
  if (info.ledger_id() != HashBytes(ledger_id_))
    throw std::runtime_error("GetGenesis: ledger_id " + Hex(info.ledger_id()) +
                             " is not the hash of the genesis bytes, " + ToHex(ledger_id_));
}

pb::SignedOperation Client::SignTransfer(const KeyPair& from, const AccountId& to, int64_t amount,
                                         uint64_t sequence, std::string memo) const {
  Operation op;
  op.ledger_id = ledger_id_;
  op.account = from.public_key();
  op.sequence = sequence;
  op.payload = liard::Transfer{to, Amount(amount), std::move(memo)};
  SignedOperation so = codec::SignOperation(op, ledger_id_, from);
  pb::SignedOperation wire;
  wire.set_body(so.body);
  wire.set_public_key(std::string(so.key.view()));
  wire.set_signature(std::string(so.signature.view()));
  return wire;
}

pb::SignedOperation Client::SignTransfer(std::string_view from, std::string_view to, int64_t amount,
                                         uint64_t sequence, std::string memo) const {
  return SignTransfer(testing::KeyFor(from), testing::KeyFor(to).public_key(), amount, sequence,
                      std::move(memo));
}

pb::ReadAuth Client::SignReadRequest(const KeyPair& signer, const ReadRequest& request) const {
  pb::ReadAuth auth;
  std::string body = codec::EncodeReadRequest(request);
  auth.set_signature(std::string(signer.Sign(ReadSigningMessage(ledger_id_, body)).view()));
  auth.set_public_key(std::string(signer.public_key().view()));
  auth.set_body(std::move(body));
  return auth;
}

std::string Client::FreshNonce() {
  std::string nonce(kMinReadNonce, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

pb::ReadAuth Client::SignRead(const KeyPair& reader, std::string_view method,
                              const AccountId* target) const {
  return SignReadAs(reader.public_key(), reader, method, target);
}

pb::ReadAuth Client::SignRead(const KeyPair& reader, const ReadCall& call,
                              int64_t lifetime_ms) const {
  return SignReadRequest(reader,
                         ReadRequestFor(ledger_id_, reader.public_key(), call,
                                        NowMs() + clock_offset_ms_ + lifetime_ms, FreshNonce()));
}

pb::ReadAuth Client::SignReadAs(const AccountId& reader, const KeyPair& key,
                                std::string_view method, const AccountId* target) const {
  return SignReadRequest(key, ReadRequestFor(ledger_id_, reader, ReadCall{method, target},
                                             NowMs() + clock_offset_ms_ + 60'000, FreshNonce()));
}

pb::SignedOperation Client::Sign(const KeyPair& key, Operation op) const {
  op.ledger_id = ledger_id_;
  SignedOperation so = codec::SignOperation(op, ledger_id_, key);
  pb::SignedOperation wire;
  wire.set_body(so.body);
  wire.set_public_key(std::string(so.key.view()));
  wire.set_signature(std::string(so.signature.view()));
  return wire;
}

pb::SignedOperation Client::SignPropose(const KeyPair& member, uint64_t sequence, Decision decision,
                                        int64_t expires_ms) const {
  Operation op;
  op.account = member.public_key();
  op.sequence = sequence;
  op.payload = liard::Propose{std::move(decision), expires_ms};
  return Sign(member, std::move(op));
}

pb::SignedOperation Client::SignApprove(const KeyPair& member, uint64_t sequence,
                                        const Hash& proposal) const {
  Operation op;
  op.account = member.public_key();
  op.sequence = sequence;
  op.payload = liard::Approve{proposal};
  return Sign(member, std::move(op));
}

pb::GovernanceInfo Client::Governance() {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GovernanceInfo info;
  grpc::Status s = stub_->GetGovernance(&ctx, pb::GetGovernanceRequest(), &info);
  if (!s.ok()) throw std::runtime_error("GetGovernance failed: " + s.error_message());
  return info;
}

Hash Client::OperationIdOf(const pb::SignedOperation& op) const {
  return OperationId(ledger_id_, op.body());
}

SubmitOutcome Client::Submit(const pb::SignedOperation& op, Millis timeout) {
  SubmitOutcome outcome;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  pb::SubmitRequest req;
  *req.mutable_operation() = op;
  outcome.status = stub_->Submit(&ctx, req, &outcome.response);
  const auto& trailers = ctx.GetServerTrailingMetadata();
  if (auto it = trailers.find("liard-code"); it != trailers.end())
    outcome.liard_code.assign(it->second.data(), it->second.size());
  if (auto it = trailers.find("liard-code-name"); it != trailers.end())
    outcome.liard_code_name.assign(it->second.data(), it->second.size());
  return outcome;
}

grpc::Status Client::SubmitBatch(const std::vector<pb::SignedOperation>& ops,
                                 pb::SubmitBatchResponse* response, Millis timeout) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  pb::SubmitBatchRequest req;
  for (const auto& op : ops) *req.add_operations() = op;
  return stub_->SubmitBatch(&ctx, req, response);
}

grpc::Status Client::GetAccount(const AccountId& id, pb::AccountInfo* info) {
  return GetAccount(id, info, reader_);
}

grpc::Status Client::GetAccount(const AccountId& id, pb::AccountInfo* info, const KeyPair& reader) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetAccountRequest req;
  req.set_id(std::string(id.view()));
  *req.mutable_auth() = SignRead(reader, "GetAccount", &id);
  return stub_->GetAccount(&ctx, req, info);
}

pb::AccountInfo Client::AccountOf(std::string_view name) {
  pb::AccountInfo info;
  const KeyPair key = testing::KeyFor(name);
  grpc::Status s = GetAccount(key.public_key(), &info, key);
  if (!s.ok())
    throw std::runtime_error("GetAccount(" + std::string(name) + ") failed: " +
                             std::to_string(s.error_code()) + " " + s.error_message());
  return info;
}

std::vector<pb::Receipt> Client::HistoryAs(const KeyPair& reader, const AccountId& id) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetHistoryRequest req;
  req.set_id(std::string(id.view()));
  *req.mutable_auth() = SignRead(reader, "GetHistory", &id);
  pb::GetHistoryResponse resp;
  grpc::Status s = stub_->GetHistory(&ctx, req, &resp);
  if (!s.ok())
    throw std::runtime_error("GetHistory failed: " + std::to_string(s.error_code()) + " " +
                             s.error_message());
  return {resp.entries().begin(), resp.entries().end()};
}

grpc::Status Client::GetOrder(const KeyPair& reader, const Hash& order_id, const AccountId& account,
                              uint32_t events, pb::OrderInfo* info) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetOrderRequest req;
  req.set_order_id(std::string(order_id.view()));
  req.set_account(std::string(account.view()));
  req.set_events(events);
  ReadCall call{"GetOrder", &account};
  call.request_digest = std::string(order_id.view());
  call.limit = events;
  *req.mutable_auth() = SignRead(reader, call);
  return stub_->GetOrder(&ctx, req, info);
}

grpc::Status Client::ListOrders(const KeyPair& reader, const AccountId& account, uint64_t before,
                                uint32_t limit, pb::ListOrdersResponse* response) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::ListOrdersRequest req;
  req.set_account(std::string(account.view()));
  req.set_before_sequence(before);
  req.set_limit(limit);
  ReadCall call{"ListOrders", &account};
  call.before_sequence = before;
  call.limit = limit;
  *req.mutable_auth() = SignRead(reader, call);
  return stub_->ListOrders(&ctx, req, response);
}

pb::Head Client::Head() {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::Head head;
  grpc::Status s = stub_->GetHead(&ctx, pb::GetHeadRequest(), &head);
  if (!s.ok()) throw std::runtime_error("GetHead failed: " + s.error_message());
  return head;
}

pb::Reserves Client::Reserves() {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::Reserves r;
  grpc::Status s = stub_->GetReserves(&ctx, pb::GetReservesRequest(), &r);
  if (!s.ok()) throw std::runtime_error("GetReserves failed: " + s.error_message());
  return r;
}

grpc::Status Client::GetOperation(const Hash& op_id, pb::Receipt* receipt) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetOperationRequest req;
  req.set_operation_id(HashBytes(op_id));
  return stub_->GetOperation(&ctx, req, receipt);
}

std::vector<pb::JournalEntry> Client::Journal(uint64_t from, Millis timeout) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  pb::StreamJournalRequest req;
  req.set_from_sequence(from);
  req.set_follow(false);
  ReadCall call{"StreamJournal", nullptr};
  call.from_sequence = from;
  *req.mutable_auth() = SignRead(reader_, call);
  auto reader = stub_->StreamJournal(&ctx, req);
  std::vector<pb::JournalEntry> entries;
  pb::JournalEntry e;
  while (reader->Read(&e)) entries.push_back(e);
  grpc::Status s = reader->Finish();
  if (!s.ok())
    throw std::runtime_error("StreamJournal failed after " + std::to_string(entries.size()) +
                             " entries: " + s.error_message());
  return entries;
}

grpc::Status Client::History(const AccountId& id, uint64_t before, uint32_t limit,
                             pb::GetHistoryResponse* response) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::GetHistoryRequest req;
  req.set_id(std::string(id.view()));
  req.set_before_sequence(before);
  req.set_limit(limit);
  ReadCall call{"GetHistory", &id};
  call.before_sequence = before;
  call.limit = limit;
  *req.mutable_auth() = SignRead(reader_, call);
  return stub_->GetHistory(&ctx, req, response);
}

std::string VerifyChain(const std::vector<pb::JournalEntry>& entries, const Hash& ledger_id) {
  Hash prev = ledger_id;
  uint64_t term = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    std::string where =
        "entry " + std::to_string(e.sequence()) + " (position " + std::to_string(i + 1) + "): ";
    if (e.sequence() != i + 1) return where + "sequence out of order or with a gap";
    if (e.prev_hash() != HashBytes(prev))
      return where + "prev_hash " + Hex(e.prev_hash()) + " is not the previous hash " + ToHex(prev);
    JournalEntry je;
    je.sequence = e.sequence();
    je.time_ms = e.time_ms();
    je.prev_hash = prev;
    je.envelope = e.envelope();
    je.term = e.term();
    Hash h = EntryHash(je);
    if (e.entry_hash() != HashBytes(h))
      return where + "entry_hash " + Hex(e.entry_hash()) + " is not the recomputed " + ToHex(h);
    if (e.term() < term)
      return where + "term " + std::to_string(e.term()) + " is lower than the previous entry's";
    term = e.term();
    prev = h;
  }
  return "";
}

std::string ReplayJournal(std::string_view genesis_bytes,
                          const std::vector<pb::JournalEntry>& entries, Replay* out,
                          uint64_t up_to) {
  Genesis genesis;
  Status s = codec::DecodeGenesis(genesis_bytes, &genesis);
  if (!s.ok()) return "the genesis does not decode: " + s.ToString();
  s = Ledger::Create(genesis, genesis_bytes, &out->ledger);
  if (!s.ok()) return "the genesis is refused by the core: " + s.ToString();
  out->state = MemoryState(StateDigestRuleOf(genesis));  // the digest rule of the genesis's version
  Delta delta;
  s = out->ledger->GenesisDelta(out->state, &delta);
  if (!s.ok()) return "the genesis state is refused: " + s.ToString();
  out->state.Commit(delta);
  for (const auto& e : entries) {
    if (e.sequence() > up_to) break;
    std::string where = "entry " + std::to_string(e.sequence()) + ": ";
    SignedOperation so;
    s = codec::DecodeEnvelope(e.envelope(), &so);
    if (!s.ok()) return where + "the envelope does not decode: " + s.ToString();
    VerifiedOperation v;
    s = out->ledger->Preflight(std::move(so), &v);
    if (!s.ok()) return where + "refused by Preflight on replay: " + s.ToString();
    s = out->ledger->Apply(out->state, v, ApplyContext{e.time_ms(), &out->transfers}, &delta);
    if (!s.ok()) return where + "refused by Apply on replay: " + s.ToString();
    out->state.Commit(delta);
    if (RefundsFromJournal(genesis)) out->transfers.Add(v.id(), v.op(), genesis, out->state);
    out->op_ids.push_back(v.id());
  }
  return "";
}

void MakeCertificate(const TempDir& tmp, const std::string& name) {
  CommandResult r =
      RunProgram("/usr/bin/env",
                 {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                  "/CN=liard test node", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                  "-keyout", tmp.Join(name + ".key"), "-out", tmp.Join(name + ".crt")});
  if (r.exit_code != 0)
    throw std::runtime_error("openssl could not make a certificate (exit " +
                             std::to_string(r.exit_code) + "): " + r.err);
}

std::string HashBytes(const Hash& h) { return std::string(h.view()); }
std::string Hex(std::string_view bytes) { return ToHex(bytes); }

ChildProcess::ChildProcess(const std::string& path, const std::vector<std::string>& args,
                           const ProgramOptions& options) {
  int out_fd, err_fd;
  pid_ = SpawnProgram(path, args, &options, &out_fd, &err_fd);
  reader_ = std::thread([this, out_fd, err_fd] {
    Drain(
        out_fd, err_fd,
        [&](int i, std::string_view chunk) {
          std::lock_guard<std::mutex> lock(mu_);
          (i == 0 ? out_ : err_).append(chunk);
          cv_.notify_all();
        },
        [&] {
          std::lock_guard<std::mutex> lock(mu_);
          return stop_reader_;
        });
    close(out_fd);
    close(err_fd);
  });
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_reader_ = true;
  }
  if (reader_.joinable()) reader_.join();
}

bool ChildProcess::WaitFor(std::string_view needle, bool on_stderr, Millis timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout,
                      [&] { return (on_stderr ? err_ : out_).find(needle) != std::string::npos; });
}

std::string ChildProcess::out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string ChildProcess::err() const {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

int ChildProcess::Signal(int sig, Millis timeout) {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, sig);
  auto deadline = Clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = DecodeWaitStatus(status);
      break;
    }
    if (Clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      exit_code_ = -1;
      break;
    }
    std::this_thread::sleep_for(Millis(5));
  }
  pid_ = -1;
  return exit_code_;
}

// `data`, once a ledger of `spec` is initialised in it.
static std::string Initialised(const std::string& data, const GenesisSpec& spec) {
  InitLedger(data, spec);
  return data;
}

RunningLedger::RunningLedger(const GenesisSpec& spec, std::vector<std::string> args)
    : data(tmp.Join("data")), node(Initialised(data, spec), std::move(args)) {
  node.Start();
  client_ = std::make_unique<Client>(node.channel());
}

}  // namespace liard::e2e
