// Config: the node's TOML files — the run configuration and the genesis document an operator
// writes — parsed and validated with messages that name the file, the line and the problem.
#ifndef LIARD_NODE_CONFIG_H_
#define LIARD_NODE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/status.h"

namespace liard::node {

inline constexpr std::string_view kDefaultListen = "127.0.0.1:7421";

// What `liard-node run` reads from its --config file. Every field has a default, so a node
// runs without any file.
struct NodeConfig {
  std::string listen{kDefaultListen};           // [server] listen: HOST:PORT
  int64_t max_message_bytes = 4 * 1024 * 1024;  // [server] larger requests: RESOURCE_EXHAUSTED
  int64_t checkpoint_every_entries = 1000;      // [checkpoint] sign at least this often...
  int64_t checkpoint_every_seconds = 10;        // ...and this often when entries arrived
  std::string log_level = "info";               // [log] trace|debug|info|warn|error
  std::string log_format = "text";              // [log] text (key=value) | json (one object a line)
  // [tls] cert and key: PEM files of the node's certificate (its chain, leaf first) and private
  // key. Both or neither; neither serves plaintext (for a node behind a TLS proxy, or tests).
  std::string tls_cert_file;
  std::string tls_key_file;

  // [limits]: what one client, or all of them together, may hold (docs/operator.md, "Limits").
  // Connections beyond a cap are closed at once; streams beyond a cap are RESOURCE_EXHAUSTED.
  int64_t max_connections = 0;            // 0: derived from RLIMIT_NOFILE, minus the store's share
  int64_t max_connections_per_peer = 64;  // per client IP address
  int64_t max_streams = 1000;             // Watch + StreamJournal (+ reflection) open at once
  int64_t max_streams_per_peer = 16;      // per client IP address
  int64_t verify_threads = 0;             // signature verification pool; 0: one per core

  bool reflection = true;  // [server] reflection: gRPC server reflection for grpcurl

  // [web]: the HTTP/1.1 listener for browsers (the Connect protocol and the static pages,
  // node/web_gateway.h); off while listen is empty. Outside loopback it needs [tls] (HTTPS) or
  // `run --insecure`, like [server] listen.
  std::string web_listen;                        // HOST:PORT
  std::string web_root;                          // the static pages; missing: the API only
  std::vector<std::string> web_allowed_origins;  // "https://host[:port]" also counted as own
  int64_t web_max_connections = 64;              // served at once, one thread each
  int64_t web_max_connections_per_peer = 16;     // of those, from one IP address
  int64_t web_max_streams = 32;                  // Watch/StreamJournal over HTTP at once

  // [clock]: the node refuses to write entries with a time it cannot trust.
  // tolerance_seconds: the clock behind the journal's last entry by more than this at start-up,
  // or jumping (either way, against the monotonic clock) by more than this while running, stops
  // writes. max_gap_days: at start-up, a clock further than this past the journal's last entry
  // stops writes until the operator confirms it (`run --trust-clock`).
  int64_t clock_tolerance_seconds = 300;
  int64_t clock_max_gap_days = 31;

  // [backup]: a backup of the running node every every_seconds into `to` (node/backup.h), of
  // which the `keep` latest are kept; off while `to` is empty. node_key = false leaves the
  // node's seed out of them.
  std::string backup_to;
  int64_t backup_every_seconds = 3600;
  int64_t backup_keep = 24;
  bool backup_node_key = true;

  // [metrics] listen: HOST:PORT of the Prometheus page (node/metrics.h); off while empty, and
  // never the gRPC or web port.
  std::string metrics_listen;

  // [replication]: this node is a standby of `primary` (node/follower.h, docs/operator.md
  // "Standbys"); a primary while it is empty. `ledger` is the ledger id (64 hex digits) the
  // standby trusts, `reader_key` a file holding the 64-hex-digit seed of a treasurer's or
  // auditor's key that signs its StreamJournal requests, `reader_account` that account's id
  // (hex) when it was re-keyed (empty: the key's own), `primary_ca` a PEM file of the CA that
  // signed the primary's [tls] certificate (empty: plaintext, loopback or a private network).
  std::string replication_primary;
  std::string replication_ledger;
  std::string replication_reader_key;
  std::string replication_reader_account;
  std::string replication_primary_ca;
  // [replication], synchronous standbys (node/sync_wait.h, docs/operator.md "Synchronous
  // standbys"). A standby names itself with `name` (default: the host's name) in its acks; a
  // primary counts the standbys listed in `standbys` ("NAME=ACCOUNT-ID": the account whose key
  // the standby reads with) and answers a write only once `sync_standbys` of them hold it;
  // beyond `sync_timeout_ms` a write is answered UNAVAILABLE ("fail") or goes on waiting
  // ("wait", logged).
  std::string replication_name;
  int64_t sync_standbys = 0;
  int64_t sync_timeout_ms = 5'000;
  std::string on_sync_timeout = "fail";
  std::vector<std::string> replication_standbys;

  // [leadership]: who is primary is decided through etcd (node/leader.h, docs/operator.md
  // "Failover"); off while `leadership_endpoints` is empty. Needs a version 7 ledger.
  std::vector<std::string> leadership_endpoints;  // etcd client endpoints, HOST:PORT
  int64_t leadership_ttl_seconds = 10;
  std::string leadership_name;
  std::string leadership_address;
  int64_t leadership_settle_ms = 2'000;
  int64_t leadership_min_candidates = 1;
};

// The certificate and key of [tls], read whole. kIOError naming the file if one cannot be read,
// kInvalidArgument if one is not PEM of the expected kind. Call only when both paths are set.
[[nodiscard]] Status ReadTlsFiles(const NodeConfig& config, std::string* cert_pem,
                                  std::string* key_pem);

// Parses a config document. `source` names it in messages ("node.toml:3: ..."). Unknown keys,
// wrong types and out-of-range values are refused (kInvalidArgument); *out is set only on
// success, starting from the defaults.
[[nodiscard]] Status ParseConfig(std::string_view text, std::string_view source, NodeConfig* out);
// Reads and parses a file; an unreadable file is kIOError naming the path.
[[nodiscard]] Status LoadConfigFile(const std::string& path, NodeConfig* out);

// HOST:PORT where HOST is an IPv4 address, a bracketed IPv6 address or a host name, and PORT is
// 0 to 65535 (0: any free port). An empty host is refused, so that listening on every
// interface takes an explicit "0.0.0.0".
[[nodiscard]] Status ValidateListenAddress(std::string_view address);

// The currency's time zone when the genesis file names none ([currency] time_zone), and the
// demo's: la Roue, la Gonette and the Eusko are all in France.
inline constexpr char kDefaultTimeZone[] = "Europe/Paris";

// Parses a genesis document (the format in docs/operator.md) into a Genesis and validates it
// with ValidateGenesis. Amounts are read as a person types them, never as floating point.
// `now_ms` is created_at_ms when the file does not set it.
[[nodiscard]] Status ParseGenesis(std::string_view text, std::string_view source, int64_t now_ms,
                                  Genesis* out);
[[nodiscard]] Status LoadGenesisFile(const std::string& path, int64_t now_ms, Genesis* out);

// Reads a whole file; kIOError naming the path and the reason if it cannot.
[[nodiscard]] Status ReadTextFile(const std::string& path, std::string* out);

}  // namespace liard::node

#endif  // LIARD_NODE_CONFIG_H_
