// Whether a gRPC address stays on this machine: the node (where it listens) and the wallet
// (where it connects) refuse plaintext anywhere else unless told --insecure.
#ifndef LIARD_PROTO_LOOPBACK_H_
#define LIARD_PROTO_LOOPBACK_H_

#include <string_view>

namespace liard {

// Whether the HOST of a valid HOST:PORT is this machine only: 127.0.0.0/8, ::1 (bracketed, or
// an IPv4-mapped 127.x address) or "localhost". Anything else (0.0.0.0, [::], a LAN address,
// another host name) may be reached from the network.
bool IsLoopbackAddress(std::string_view address);

}  // namespace liard

#endif  // LIARD_PROTO_LOOPBACK_H_
