// Connection limits: how many TCP connections liard-node holds, in all and per client address,
// and the file descriptors kept for the store.
//
// gRPC 1.51 (Debian 12) has no cap on incoming connections, and when accept4() fails with
// EMFILE its listener logs "Failed accept4" and stops accepting for good: a node that ran out
// of descriptors once never took a connection again (and RocksDB, short of a descriptor for its
// next WAL, aborted). gRPC offers no hook on its accept path, and grpc_server_add_channel_from_fd
// takes plaintext only, so liard-node defines accept4() itself (conn_limit.cc): gRPC's listener,
// in libgrpc.so, calls it through the dynamic linker, which finds the executable's definition
// first. It calls the kernel directly, admits a connection if both caps allow, and otherwise
// closes it at once and accepts the next, until the kernel says EAGAIN. docs/operator.md
// ("Limits") explains the design to operators.
#ifndef LIARD_NODE_CONN_LIMIT_H_
#define LIARD_NODE_CONN_LIMIT_H_

#include <sys/resource.h>

#include <cstdint>
#include <string>

#include "ledger/status.h"

namespace liard::node {

// Descriptors kept for the node's own use besides the store's and the connections': standard
// streams, gRPC's epoll and wake-up descriptors, the listening socket, TLS files, /dev/urandom,
// the log, the checkpointer's files.
inline constexpr int64_t kNodeFileDescriptorMargin = 64;
// Fewer connections than this is no service: refuse to start.
inline constexpr int64_t kMinConnections = 16;

// Raises the soft RLIMIT_NOFILE to the hard limit (a process may, without privilege) and
// returns the limit then in force.
rlim_t RaiseFileLimit();

// The gRPC connections the node may hold under `file_limit` descriptors: `configured` if not 0
// (and it fits), else all that the limit leaves after the store's share (kStoreMaxOpenFiles +
// kStoreFileDescriptorReserve), kNodeFileDescriptorMargin and `web_connections` (the web port's
// [web] max_connections, 0 without a web port: its own listener bounds those). kInvalidArgument
// with a sentence that says which limit to raise if that is fewer than kMinConnections or less
// than `configured`.
Status ConnectionBudget(rlim_t file_limit, int64_t configured, int64_t web_connections,
                        int64_t* max_connections);

// From now on, connections accepted by gRPC are counted: one beyond `max_total` in all, or
// beyond `max_per_peer` from one IP address, is closed at once (logged at most once a second,
// event=connection-refused). Call before the server starts.
void LimitConnections(int64_t max_total, int64_t max_per_peer);

struct ConnectionStats {
  int64_t open = 0;  // connections counted as open at the last look
  uint64_t refused_total = 0;
  uint64_t refused_peer = 0;
  uint64_t refused_descriptors = 0;  // shed because the process was out of descriptors
};
ConnectionStats CurrentConnectionStats();

}  // namespace liard::node

#endif  // LIARD_NODE_CONN_LIMIT_H_
