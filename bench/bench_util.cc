// Helpers shared by the benchmark programs: statistics, the machine, keys, the node process.
#include "bench/bench_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace liard::bench {

double MsSince(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

void Die(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, message.c_str());
  std::exit(1);
}

void Check(const Status& s, const std::string& doing) {
  if (!s.ok()) Die(doing + ": " + s.ToString());
}

KeyPair KeyFor(std::string_view name) {
  Hash h = Sha256({"liard-startup-bench/", name});
  Seed seed;
  seed.data = h.data;
  return KeyPair::FromSeed(seed);
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Stats Summarise(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v.front();
  s.max = v.back();
  return s;
}

std::string Ms(const Stats& s) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.2f ms (min %.2f, max %.2f)", s.median, s.min, s.max);
  return buf;
}

std::string Mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  return buf;
}

void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  for (auto& t : pool) t.join();
}

long StatusField(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0)
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}

std::string MachineLine() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string model = "?";
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  std::ifstream mem("/proc/meminfo");
  std::string mem_line;
  std::getline(mem, mem_line);
  std::ifstream load("/proc/loadavg");
  std::string loadavg;
  std::getline(load, loadavg);
  char buf[512];
  std::snprintf(buf, sizeof buf, "machine: %u cores (%s), %s, load average %s",
                std::thread::hardware_concurrency(), model.c_str(), mem_line.c_str(),
                loadavg.c_str());
  return buf;
}

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits up to `limit_ms` for the process to exit; true (and *wstatus set) if it did.
bool WaitExit(pid_t pid, double limit_ms, int* wstatus) {
  const auto t0 = SteadyClock::now();
  while (waitpid(pid, wstatus, WNOHANG) == 0) {
    if (MsSince(t0) > limit_ms) return false;
    usleep(5'000);
  }
  return true;
}

}  // namespace

bool ParseCount(const char* text, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') return false;
  *out = v;
  return true;
}

pid_t Spawn(const std::string& program, const std::vector<std::string>& args,
            const std::string& err_log, int* out_fd) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) Die("pipe failed");
  int err = open(err_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (err < 0) Die("cannot write " + err_log);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    // Never outlive the benchmark: a node left running would keep the directory locked.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], 1);
    dup2(err, 2);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err);
  *out_fd = out[0];
  return pid;
}

bool ReadUntil(int fd, SteadyClock::time_point t0, double limit_ms, std::string* text,
               const std::function<bool(const std::string&)>& done) {
  while (!done(*text)) {
    pollfd p{fd, POLLIN, 0};
    int remaining = static_cast<int>(limit_ms - MsSince(t0));
    if (remaining <= 0 || poll(&p, 1, remaining) <= 0) return false;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    text->append(buf, n);
  }
  return true;
}

NodeRun StartNode(const std::string& node, const std::string& dir, const std::string& log) {
  NodeRun run;
  run.log = log;
  const auto t0 = SteadyClock::now();
  run.pid = Spawn(node, {"run", "--data", dir, "--listen", "127.0.0.1:0"}, log, &run.out_fd);
  const pid_t pid = run.pid;
  static constexpr std::string_view kListening = "liard-node listening on ";
  std::string text;
  size_t line_end = std::string::npos;
  ReadUntil(run.out_fd, t0, 60'000, &text, [&](const std::string& t) {
    size_t at = t.find(kListening);
    if (at != std::string::npos) line_end = t.find('\n', at);
    return line_end != std::string::npos;
  });
  run.listen_ms = MsSince(t0);
  if (line_end == std::string::npos) {
    kill(pid, SIGKILL);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    close(run.out_fd);
    Die("liard-node did not start on " + dir + "; its stderr:\n" + ReadAll(log));
  }
  // "liard-node listening on HOST:PORT": the port is after the last colon.
  const std::string line = text.substr(0, line_end);
  run.port = std::atoi(line.c_str() + line.rfind(':') + 1);
  return run;
}

std::string StopNode(NodeRun* run) {
  kill(run->pid, SIGTERM);
  int wstatus = 0;
  if (!WaitExit(run->pid, 30'000, &wstatus)) {
    kill(run->pid, SIGKILL);
    waitpid(run->pid, &wstatus, 0);
    Die("liard-node did not stop within 30 s of SIGTERM");
  }
  run->pid = -1;
  close(run->out_fd);
  run->out_fd = -1;
  std::string logged = ReadAll(run->log);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
    Die("liard-node did not exit 0 after SIGTERM; its stderr:\n" + logged);
  return logged;
}

}  // namespace liard::bench
