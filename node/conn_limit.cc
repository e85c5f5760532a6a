// The connection caps, and the accept4() that gRPC's listener calls (see conn_limit.h).
//
// Linked into the liard-node executable only (not liard_node_lib): the definition of accept4
// below replaces libc's for the whole process, and only the node's own listener calls it; so do
// recv and read, which guard the web listener's connections (web_gateway.h).
#include "node/conn_limit.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "node/store.h"
#include "node/web_gateway.h"

namespace liard::node {
namespace {

using Clock = std::chrono::steady_clock;

// Closed connections are noticed by looking (gRPC closes them, not this file): at a cap, every
// counted descriptor is checked again, but not more often than this, so that a flood of
// connections at the cap costs a bounded share of the listener's time.
constexpr auto kPruneInterval = std::chrono::milliseconds(20);
constexpr auto kLogInterval = std::chrono::seconds(1);

class Limiter {
 public:
  Limiter(int64_t max_total, int64_t max_per_peer)
      : max_total_(max_total), max_per_peer_(max_per_peer) {
    spare_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  int Accept(int listener, sockaddr* addr, socklen_t* addrlen, int flags) {
    for (;;) {
      sockaddr_storage peer{};
      socklen_t peer_len = sizeof peer;
      int fd = static_cast<int>(::syscall(SYS_accept4, listener, &peer, &peer_len, flags));
      if (fd < 0) {
        const int error = errno;
        if (error != EMFILE && error != ENFILE) return -1;
        // Out of descriptors. gRPC 1.51 would stop listening for good on this error: shed the
        // waiting connection with the spare descriptor instead, and tell gRPC to wait.
        if (!Shed(listener, flags)) {
          errno = EAGAIN;
          return -1;
        }
        continue;
      }
      const std::string ip = PeerIp(peer);
      const char* refused = Admit(fd, ip);
      if (refused == nullptr) {
        if (addr != nullptr && addrlen != nullptr) {
          std::memcpy(addr, &peer, std::min<socklen_t>(*addrlen, peer_len));
          *addrlen = peer_len;
        }
        return fd;
      }
      ::close(fd);
      Refused(refused, ip);
    }
  }

  ConnectionStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    ConnectionStats s = stats_;
    s.open = static_cast<int64_t>(open_.size());
    return s;
  }

 private:
  struct Entry {
    dev_t dev;
    ino_t ino;
    std::string ip;
  };

  static std::string PeerIp(const sockaddr_storage& peer) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (peer.ss_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
      const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
      if (IN6_IS_ADDR_V4MAPPED(&a)) {
        inet_ntop(AF_INET, &a.s6_addr[12], text, sizeof text);  // one peer, however it came
      } else {
        inet_ntop(AF_INET6, &a, text, sizeof text);
      }
    }
    return text;
  }

  // nullptr if admitted (and counted), else the reason.
  const char* Admit(int fd, const std::string& ip) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return "unknown";
    std::lock_guard<std::mutex> lock(mu_);
    // A descriptor number seen before belongs to a connection closed since.
    if (auto it = open_.find(fd); it != open_.end()) Forget(it);
    const char* over = Over(ip);
    if (over != nullptr && Clock::now() - last_prune_ >= kPruneInterval) {
      Prune();
      over = Over(ip);
    }
    if (over != nullptr) {
      if (over[0] == 't') {
        ++stats_.refused_total;
      } else {
        ++stats_.refused_peer;
      }
      return over;
    }
    open_.emplace(fd, Entry{st.st_dev, st.st_ino, ip});
    ++per_peer_[ip];
    return nullptr;
  }

  const char* Over(const std::string& ip) const {
    if (static_cast<int64_t>(open_.size()) >= max_total_) return "total";
    auto it = per_peer_.find(ip);
    if (it != per_peer_.end() && it->second >= max_per_peer_) return "peer";
    return nullptr;
  }

  // Drops the descriptors that no longer hold the socket they were accepted as: closed by gRPC
  // (fstat fails) or closed and reused for another file (another inode).
  void Prune() {
    last_prune_ = Clock::now();
    for (auto it = open_.begin(); it != open_.end();) {
      struct stat st {};
      if (::fstat(it->first, &st) != 0 || st.st_ino != it->second.ino ||
          st.st_dev != it->second.dev) {
        it = Forget(it);
      } else {
        ++it;
      }
    }
  }

  std::unordered_map<int, Entry>::iterator Forget(std::unordered_map<int, Entry>::iterator it) {
    auto peer = per_peer_.find(it->second.ip);
    if (peer != per_peer_.end() && --peer->second <= 0) per_peer_.erase(peer);
    return open_.erase(it);
  }

  // Accepts and closes one waiting connection with the spare descriptor; false if there was
  // none to shed with (the spare could not be had back) or nothing was waiting.
  bool Shed(int listener, int flags) {
    std::unique_lock<std::mutex> lock(mu_);
    if (spare_ < 0) spare_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (spare_ < 0) return false;
    ::close(spare_);
    spare_ = -1;
    int fd = static_cast<int>(::syscall(SYS_accept4, listener, nullptr, nullptr, flags));
    if (fd >= 0) ::close(fd);
    spare_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ++stats_.refused_descriptors;
    lock.unlock();
    Refused("descriptors", "?");
    return true;
  }

  // One log line a second at most, with the count of refusals since the last one.
  void Refused(const char* reason, const std::string& ip) {
    std::unique_lock<std::mutex> lock(mu_);
    ++unlogged_;
    const auto now = Clock::now();
    if (now - last_log_ < kLogInterval) return;
    last_log_ = now;
    const uint64_t count = unlogged_;
    unlogged_ = 0;
    const size_t open = open_.size();
    lock.unlock();
    spdlog::warn(
        "event=connection-refused reason={} peer={} refused={} open={} max_connections={} "
        "max_connections_per_peer={}",
        reason, ip, count, open, max_total_, max_per_peer_);
  }

  const int64_t max_total_;
  const int64_t max_per_peer_;
  std::mutex mu_;
  std::unordered_map<int, Entry> open_;
  std::unordered_map<std::string, int64_t> per_peer_;
  Clock::time_point last_prune_{};
  Clock::time_point last_log_{};
  uint64_t unlogged_ = 0;
  int spare_ = -1;
  ConnectionStats stats_;
};

std::atomic<Limiter*> g_limiter{nullptr};

}  // namespace

rlim_t RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur != limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

Status ConnectionBudget(rlim_t file_limit, int64_t configured, int64_t web_connections,
                        int64_t* max_connections) {
  const int64_t reserved = kStoreMaxOpenFiles + kStoreFileDescriptorReserve +
                           kNodeFileDescriptorMargin + std::max<int64_t>(web_connections, 0);
  const std::string kept = web_connections > 0 ? "the store's, the node's own and the web port's " +
                                                     std::to_string(web_connections)
                                               : std::string("the store's and the node's own");
  // RLIM_INFINITY, or anything past what the counters need, counts as plenty.
  const int64_t limit = file_limit == RLIM_INFINITY || file_limit > (rlim_t{1} << 40)
                            ? int64_t{1} << 40
                            : static_cast<int64_t>(file_limit);
  const int64_t available = limit - reserved;
  const std::string how =
      "raise it (LimitNOFILE= in the systemd unit, `ulimit -n` in a shell; see docs/operator.md, "
      "\"Limits\")";
  if (configured > 0) {
    if (configured > available)
      return Status(Code::kInvalidArgument,
                    "[limits] max_connections = " + std::to_string(configured) + " needs " +
                        std::to_string(configured + reserved) + " file descriptors with " + kept +
                        ", but the limit "
                        "(RLIMIT_NOFILE) is " +
                        std::to_string(limit) + "; " + how + " or lower max_connections");
    *max_connections = configured;
    return Status::Ok();
  }
  if (available < kMinConnections)
    return Status(Code::kInvalidArgument,
                  "the file descriptor limit (RLIMIT_NOFILE) is " + std::to_string(limit) +
                      ", which leaves " + std::to_string(std::max<int64_t>(available, 0)) +
                      " connections after the " + std::to_string(reserved) +
                      " descriptors kept for " +
                      (web_connections > 0 ? std::string("the store, the node and the web port")
                                           : std::string("the store and the node")) +
                      ", fewer than " + std::to_string(kMinConnections) + "; " + how);
  *max_connections = available;
  return Status::Ok();
}

void LimitConnections(int64_t max_total, int64_t max_per_peer) {
  // Made once and kept for the life of the process: gRPC's listener may call accept4 until exit.
  g_limiter.store(new Limiter(max_total, max_per_peer), std::memory_order_release);
}

ConnectionStats CurrentConnectionStats() {
  Limiter* limiter = g_limiter.load(std::memory_order_acquire);
  return limiter == nullptr ? ConnectionStats{} : limiter->Stats();
}

}  // namespace liard::node

// gRPC's listener accepts through this: the caps above, then the kernel's accept4.
extern "C" int accept4(int fd, sockaddr* addr, socklen_t* addrlen, int flags) {
  liard::node::Limiter* limiter = liard::node::g_limiter.load(std::memory_order_acquire);
  if (limiter == nullptr) return static_cast<int>(::syscall(SYS_accept4, fd, addr, addrlen, flags));
  return limiter->Accept(fd, addr, addrlen, flags);
}

// The web listener's connections are read through these (web_gateway.h, "The guard"):
// cpp-httplib calls recv(), OpenSSL's socket BIO read(). On any other thread they are the
// kernel's calls, as libc's would be.
extern "C" ssize_t recv(int fd, void* buf, size_t n, int flags) {
  if (liard::node::WebGuardActive()) return liard::node::WebGuardedRead(fd, buf, n, flags, true);
  return static_cast<ssize_t>(::syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr));
}

extern "C" ssize_t read(int fd, void* buf, size_t n) {
  if (liard::node::WebGuardActive()) return liard::node::WebGuardedRead(fd, buf, n, 0, false);
  return static_cast<ssize_t>(::syscall(SYS_read, fd, buf, n));
}
