// Helpers shared by the benchmark programs (liard-startup-bench, liard-bench): statistics, the
// machine's description, fixed keys, and the real liard-node spawned and stopped as a process.
#ifndef LIARD_NODE_BENCH_UTIL_H_
#define LIARD_NODE_BENCH_UTIL_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace liard::bench {

using SteadyClock = std::chrono::steady_clock;

double MsSince(SteadyClock::time_point t0);

// Prints "PROGRAM: message" on stderr and exits 1.
[[noreturn]] void Die(const std::string& message);
void Check(const Status& s, const std::string& doing);

// A key derived from a fixed seed, so that the same name always gives the same account. The
// prefix predates this file: keeping it keeps the ledger ids of ledgers built before.
KeyPair KeyFor(std::string_view name);

// SplitMix64: a pseudo-random number that is a pure function of its input.
uint64_t Mix(uint64_t x);

struct Stats {
  double median = 0, min = 0, max = 0;
};
Stats Summarise(std::vector<double> v);
std::string Ms(const Stats& s);  // "1.23 ms (min 1.00, max 2.00)"
std::string Mib(uint64_t bytes);

// Runs fn(i) for i in [0, n) on `threads` threads.
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn);

// A numeric field of /proc/PID/status in kB (VmHWM, VmRSS), or -1.
long StatusField(pid_t pid, const std::string& field);

// "machine: N cores (model), MemTotal: ... kB, load average ...", read when called.
std::string MachineLine();

// A whole decimal count as typed on a command line; false for signs, junk or overflow.
bool ParseCount(const char* text, uint64_t* out);

// Starts `program args...` with its stdout on a pipe (*out_fd) and its stderr in `err_log`. The
// child is killed with the benchmark if the benchmark dies.
pid_t Spawn(const std::string& program, const std::vector<std::string>& args,
            const std::string& err_log, int* out_fd);
// Reads `fd` into *text until `done(*text)` is true, the pipe closes, or `limit_ms` have passed
// since `t0`. Returns whether `done` was reached.
bool ReadUntil(int fd, SteadyClock::time_point t0, double limit_ms, std::string* text,
               const std::function<bool(const std::string&)>& done);

// One `liard-node run --data DIR --listen 127.0.0.1:0`, started by StartNode.
struct NodeRun {
  pid_t pid = -1;
  int out_fd = -1;       // its stdout, read up to the listening line
  std::string log;       // where its stderr goes
  int port = 0;          // from its listening line
  double listen_ms = 0;  // from fork to the listening line
};

// Spawns the node (killed with the benchmark if the benchmark dies) and waits up to 60 s for
// its "liard-node listening on" line. Dies, with the node's stderr, if it does not come.
NodeRun StartNode(const std::string& node, const std::string& dir, const std::string& log);
// Stops it as an operator would (SIGTERM) and returns its stderr. Dies if it does not exit 0
// within 30 s.
std::string StopNode(NodeRun* run);

}  // namespace liard::bench

#endif  // LIARD_NODE_BENCH_UTIL_H_
