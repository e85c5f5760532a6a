// WebGateway: liard-node's HTTP/1.1 listener for browsers ([web] in the config). It serves the
// ledger's gRPC service over the Connect protocol (unary calls and server streams, JSON or
// binary) by forwarding every call to the node's own gRPC server through an in-process channel,
// so that a browser's call meets the very handlers, limits and errors of a gRPC call; and it
// serves the static web pages of [web] root. docs/protocol.md ("Browsers: the HTTP mapping
// (Connect)") is the wire contract, docs/operator.md ([web]) the operator's side.
#ifndef LIARD_NODE_WEB_GATEWAY_H_
#define LIARD_NODE_WEB_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ledger/status.h"

namespace liard::node {

// The metadata key under which the gateway tells the node which browser address a call comes
// from. The node believes it only on calls that came through the in-process channel (see
// StreamPeerOf in service_streams.cc), so that the per-address stream cap counts browsers one by
// one rather than all of them as the one in-process peer.
inline constexpr char kWebPeerMetadataKey[] = "liard-web-peer";

struct WebOptions {
  std::string listen;                        // HOST:PORT; port 0 picks a free one
  std::string root;                          // static files; empty or missing: the API only
  std::vector<std::string> allowed_origins;  // also count as the server's own origin
  std::string tls_cert_file;                 // both set: HTTPS with the node's certificate
  std::string tls_key_file;
  int64_t max_body_bytes = 4 * 1024 * 1024;  // a request's body ([server] max_message_bytes)
  int64_t max_connections = 64;  // connections served at once (one thread each, made at start)
  int64_t max_connections_per_peer = 16;  // of those, from one IP address
  int64_t max_streams = 32;  // open Watch/StreamJournal over HTTP (each holds a connection)
  // A standby's gateway: Submit and SubmitBatch go to the primary over this channel (the
  // standby's own service would refuse them), so a page served by a standby can pay. Null: the
  // node's own service takes them.
  std::shared_ptr<grpc::Channel> primary;
};

class WebGateway {
 public:
  // `channel`: an in-process channel to the node's gRPC server (grpc::Server::InProcessChannel).
  WebGateway(WebOptions options, std::shared_ptr<grpc::Channel> channel);
  ~WebGateway();
  WebGateway(const WebGateway&) = delete;
  WebGateway& operator=(const WebGateway&) = delete;

  // Binds the listener and starts serving on threads made now. *port: the port bound.
  // kInvalidArgument if the TLS files do not load, kUnavailable if the address cannot be bound.
  [[nodiscard]] Status Start(int* port);
  // Ends open streams (they get an end-of-stream message), stops accepting, and waits for the
  // connections' threads. Idempotent.
  void Stop();

  // Streams open now over HTTP (for tests and logs).
  int64_t open_streams() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The guard on what a web connection may send. cpp-httplib 0.11 bounds neither the number of a
// request's header lines nor the time a client takes to send them (only each read's), so a
// client could grow the node's memory without end or hold a connection's thread for ever. The
// liard-node executable routes recv() and read() through these (conn_limit.cc), as it does
// accept4(): on a thread that serves a web connection, the connection's socket is read with
// the caps below, and its first read counts it against max_connections_per_peer (a
// connection beyond it reads as closed). Every other thread and descriptor reads as before.
inline constexpr int64_t kWebMaxHeaderBytes = 64 * 1024;  // a request line and its headers
inline constexpr int kWebHeaderSeconds = 10;              // to send them, from the first byte
inline constexpr int kWebBodySeconds = 60;                // to send the body after them
// True if the calling thread is serving a web connection now.
bool WebGuardActive();
// recv (is_recv, with `flags`) or read on such a thread: the kernel's answer, or 0 (the end of
// the connection) once the connection is over a cap.
ssize_t WebGuardedRead(int fd, void* buf, size_t n, int flags, bool is_recv);

}  // namespace liard::node

#endif  // LIARD_NODE_WEB_GATEWAY_H_
