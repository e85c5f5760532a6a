// Config and genesis TOML parsing: strict (unknown keys refused), exact (amounts parsed as
// text, never floating point), and specific (every message names file, line and key).
#include "node/config.h"
#include "node/sync_wait.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/crypto.h"
#include "ledger/currency_code.h"
#include "ledger/money.h"
#include "ledger/rules_toml.h"
#include "ledger/toml_reader.h"

namespace liard::node {
namespace {

// Euro amounts are always in cents.
constexpr int kEuroDecimals = 2;

// A public key written as 64 hex characters or as an address of this currency.
bool ParseKey(std::string_view text, std::string_view currency_code, PublicKey* out,
              std::string* why) {
  std::string raw;
  if (text.size() == 64 && FromHex(text, &raw) && out->Assign(raw)) return true;
  Status s = DecodeAddress(currency_code, text, out);
  if (s.ok()) return true;
  bool looks_hex = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c));
  });
  if (looks_hex)
    *why = fmt::format("is {} hex characters; a public key is 64", text.size());
  else
    *why = "is neither 64 hex characters of a public key nor a valid address of this currency (" +
           s.message() + ")";
  return false;
}

}  // namespace

Status ReadTextFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status(Code::kIOError, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status(Code::kIOError, fmt::format("cannot read {}", path));
  *out = ss.str();
  return Status::Ok();
}

Status ValidateListenAddress(std::string_view address) {
  auto bad = [&](std::string_view why) {
    return Status(Code::kInvalidArgument,
                  fmt::format("listen address \"{}\" {}; write HOST:PORT, e.g. {}", address, why,
                              kDefaultListen));
  };
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("has no valid port number");
  int port_number = 0;
  std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port_number > 65535) return bad("has a port above 65535");
  if (host.empty()) return bad("has no host (use 0.0.0.0 to listen on every interface)");
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad("has an unclosed IPv6 bracket");
    std::string_view inner = host.substr(1, host.size() - 2);
    if (!std::all_of(inner.begin(), inner.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      return bad("has an invalid IPv6 address");
    return Status::Ok();
  }
  // A host name or a dotted IPv4 address: letters, digits, '-' and '.' only, labels not empty.
  if (host.size() > 253) return bad("has a host name that is too long");
  size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return bad("has an empty part in its host name");
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      ++label;
    } else {
      return bad(fmt::format("has the character '{}' in its host", c));
    }
  }
  if (label == 0) return bad("has an empty part in its host name");
  bool numeric = std::all_of(host.begin(), host.end(),
                             [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (numeric) {
    // All digits and dots: it must then be a real IPv4 address, not "127.0.0.300".
    int parts = 0;
    size_t start = 0;
    while (start <= host.size()) {
      size_t dot = host.find('.', start);
      std::string_view part =
          host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      int v = 0;
      if (part.size() > 3) return bad("has an invalid IPv4 address");
      std::from_chars(part.data(), part.data() + part.size(), v);
      if (v > 255) return bad("has an invalid IPv4 address");
      ++parts;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (parts != 4) return bad("has an invalid IPv4 address");
  }
  return Status::Ok();
}

Status ParseConfig(std::string_view text, std::string_view source, NodeConfig* out) {
  toml::table doc;
  Status s = ParseTomlDocument(text, source, &doc);
  if (!s.ok()) return s;
  NodeConfig c;
  TableReader top(source, doc, "");
  if (!(s = top.Allow({"server", "checkpoint", "log", "tls", "limits", "clock", "web", "backup",
                       "metrics", "replication", "leadership"}))
           .ok())
    return s;
  const toml::table *server = nullptr, *checkpoint = nullptr, *log = nullptr, *tls = nullptr,
                    *limits = nullptr, *clock = nullptr, *web = nullptr, *backup = nullptr,
                    *metrics = nullptr, *replication = nullptr, *leadership = nullptr;
  if (!(s = top.Table("replication", false, &replication)).ok()) return s;
  if (!(s = top.Table("leadership", false, &leadership)).ok()) return s;
  if (!(s = top.Table("metrics", false, &metrics)).ok()) return s;
  if (!(s = top.Table("backup", false, &backup)).ok()) return s;
  if (!(s = top.Table("web", false, &web)).ok()) return s;
  if (!(s = top.Table("limits", false, &limits)).ok()) return s;
  if (!(s = top.Table("clock", false, &clock)).ok()) return s;
  if (!(s = top.Table("server", false, &server)).ok()) return s;
  if (!(s = top.Table("tls", false, &tls)).ok()) return s;
  if (!(s = top.Table("checkpoint", false, &checkpoint)).ok()) return s;
  if (!(s = top.Table("log", false, &log)).ok()) return s;

  if (server) {
    TableReader r(source, *server, "[server]");
    if (!(s = r.Allow({"listen", "max_message_bytes", "reflection"})).ok()) return s;
    if (!(s = r.Boolean("reflection", &c.reflection)).ok()) return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("listen", false, &c.listen, &node)).ok()) return s;
    if (node) {
      s = ValidateListenAddress(c.listen);
      if (!s.ok()) return r.Error(*node, s.message());
    }
    if (!(s = r.Integer("max_message_bytes", false, &c.max_message_bytes, &node)).ok()) return s;
    // gRPC takes an int; below 1 KiB not even one operation fits.
    if (node && (c.max_message_bytes < 1024 || c.max_message_bytes > (int64_t{1} << 30)))
      return r.Error(*node, fmt::format("[server] max_message_bytes {} must be between 1024 and "
                                        "1073741824 (1 GiB)",
                                        c.max_message_bytes));
  }
  if (checkpoint) {
    TableReader r(source, *checkpoint, "[checkpoint]");
    if (!(s = r.Allow({"every_entries", "every_seconds"})).ok()) return s;
    const toml::node* node = nullptr;
    if (!(s = r.Integer("every_entries", false, &c.checkpoint_every_entries, &node)).ok()) return s;
    if (node && (c.checkpoint_every_entries < 1 || c.checkpoint_every_entries > 1'000'000'000))
      return r.Error(*node, fmt::format("[checkpoint] every_entries {} must be between 1 and "
                                        "1000000000",
                                        c.checkpoint_every_entries));
    if (!(s = r.Integer("every_seconds", false, &c.checkpoint_every_seconds, &node)).ok()) return s;
    if (node && (c.checkpoint_every_seconds < 1 || c.checkpoint_every_seconds > 1'000'000'000))
      return r.Error(*node, fmt::format("[checkpoint] every_seconds {} must be between 1 and "
                                        "1000000000",
                                        c.checkpoint_every_seconds));
  }
  if (log) {
    TableReader r(source, *log, "[log]");
    if (!(s = r.Allow({"level", "format"})).ok()) return s;
    const toml::node* format = nullptr;
    if (!(s = r.String("format", false, &c.log_format, &format)).ok()) return s;
    if (format && c.log_format != "text" && c.log_format != "json")
      return r.Error(*format,
                     fmt::format("[log] format \"{}\" must be text or json", c.log_format));
    const toml::node* node = nullptr;
    if (!(s = r.String("level", false, &c.log_level, &node)).ok()) return s;
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
    if (node && std::find(std::begin(kLevels), std::end(kLevels), c.log_level) == std::end(kLevels))
      return r.Error(*node, fmt::format("[log] level \"{}\" must be one of trace, debug, info, "
                                        "warn, error",
                                        c.log_level));
  }
  if (tls) {
    TableReader r(source, *tls, "[tls]");
    if (!(s = r.Allow({"cert", "key"})).ok()) return s;
    const toml::node *cert = nullptr, *key = nullptr;
    if (!(s = r.String("cert", false, &c.tls_cert_file, &cert)).ok()) return s;
    if (!(s = r.String("key", false, &c.tls_key_file, &key)).ok()) return s;
    // Half a TLS setup would silently serve plaintext: refuse it.
    if (cert && !key)
      return r.Error(*cert,
                     "[tls] cert is set but key is not: give both the certificate and "
                     "its private key, or neither to serve without TLS");
    if (key && !cert)
      return r.Error(*key,
                     "[tls] key is set but cert is not: give both the certificate and "
                     "its private key, or neither to serve without TLS");
    if (cert && c.tls_cert_file.empty()) return r.Error(*cert, "[tls] cert must not be empty");
    if (key && c.tls_key_file.empty()) return r.Error(*key, "[tls] key must not be empty");
  }
  if (limits) {
    TableReader r(source, *limits, "[limits]");
    if (!(s = r.Allow({"max_connections", "max_connections_per_peer", "max_streams",
                       "max_streams_per_peer", "verify_threads"}))
             .ok())
      return s;
    if (!(s = r.IntegerIn("max_connections", 0, 1'000'000, &c.max_connections)).ok()) return s;
    if (!(s = r.IntegerIn("max_connections_per_peer", 1, 1'000'000, &c.max_connections_per_peer))
             .ok())
      return s;
    if (!(s = r.IntegerIn("max_streams", 1, 1'000'000, &c.max_streams)).ok()) return s;
    if (!(s = r.IntegerIn("max_streams_per_peer", 1, 1'000'000, &c.max_streams_per_peer)).ok())
      return s;
    if (!(s = r.IntegerIn("verify_threads", 0, 256, &c.verify_threads)).ok()) return s;
  }
  if (metrics) {
    TableReader r(source, *metrics, "[metrics]");
    if (!(s = r.Allow({"listen"})).ok()) return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("listen", true, &c.metrics_listen, &node)).ok()) return s;
    s = ValidateListenAddress(c.metrics_listen);
    if (!s.ok()) return r.Error(*node, s.message());
  }
  if (replication) {
    TableReader r(source, *replication, "[replication]");
    if (!(s = r.Allow({"primary", "ledger", "reader_key", "reader_account", "primary_ca", "name",
                       "sync_standbys", "sync_timeout_ms", "on_sync_timeout", "standbys"}))
             .ok())
      return s;
    const toml::node* node = nullptr;
    std::string bytes;
    // A standby's table has `primary`; a primary's may hold only its synchronous standbys.
    if (!(s = r.String("primary", false, &c.replication_primary, &node)).ok()) return s;
    // A primary with [leadership] may hold a standby's reading settings without `primary`: it
    // follows whichever node deposes it (docs/operator.md, "Failover").
    const bool follows_when_deposed =
        !node && leadership != nullptr &&
        (replication->get("ledger") != nullptr || replication->get("reader_key") != nullptr);
    if (node || follows_when_deposed) {
      if (node) {
        s = ValidateListenAddress(c.replication_primary);
        if (!s.ok()) return r.Error(*node, "[replication] primary: " + s.message());
      }
      if (!(s = r.String("ledger", true, &c.replication_ledger, &node)).ok()) return s;
      if (!FromHex(c.replication_ledger, &bytes) || bytes.size() != 32)
        return r.Error(*node, "[replication] ledger must be the ledger id, 64 hexadecimal digits");
      if (!(s = r.String("reader_key", true, &c.replication_reader_key, &node)).ok()) return s;
      if (c.replication_reader_key.empty() || c.replication_reader_key[0] != '/')
        return r.Error(*node, "[replication] reader_key must be an absolute path to a seed file");
    } else {
      for (const char* key : {"ledger", "reader_key", "reader_account", "primary_ca"})
        if (replication->get(key) != nullptr)
          return r.Error(*replication->get(key),
                         std::string("[replication] ") + key +
                             " is a standby's setting: it needs primary (the primary's "
                             "HOST:PORT), or [leadership] (a primary that follows when deposed); "
                             "a primary's [replication] holds only sync_standbys, "
                             "sync_timeout_ms, on_sync_timeout and standbys");
    }
    if (!(s = r.String("name", false, &c.replication_name, &node)).ok()) return s;
    if (node) {
      SyncStandbyConfig probe;
      s = ParseSyncStandby(c.replication_name + "=" + std::string(64, '0'), &probe);
      if (!s.ok())
        return r.Error(*node,
                       "[replication] name must be 1 to 64 letters, digits, '-', '_' "
                       "or '.'");
    }
    if (!(s = r.IntegerIn("sync_standbys", 0, 16, &c.sync_standbys)).ok()) return s;
    if (!(s = r.IntegerIn("sync_timeout_ms", 1, 3'600'000, &c.sync_timeout_ms)).ok()) return s;
    if (!(s = r.String("on_sync_timeout", false, &c.on_sync_timeout, &node)).ok()) return s;
    if (node && c.on_sync_timeout != "wait" && c.on_sync_timeout != "fail")
      return r.Error(*node,
                     "[replication] on_sync_timeout must be \"fail\" (answer UNAVAILABLE) or "
                     "\"wait\" (wait until enough standbys confirm)");
    if (!(s = r.Find("standbys", toml::node_type::array, &node)).ok()) return s;
    if (node) {
      for (const toml::node& item : *node->as_array()) {
        const auto* text = item.as_string();
        SyncStandbyConfig one;
        if (text == nullptr) return r.Error(item, "[replication] standbys holds strings");
        if (!(s = ParseSyncStandby(text->get(), &one)).ok()) return r.Error(item, s.message());
        for (const std::string& seen : c.replication_standbys)
          if (seen.substr(0, seen.find('=')) == one.name)
            return r.Error(item, "[replication] standbys names \"" + one.name + "\" twice");
        c.replication_standbys.push_back(text->get());
      }
    }
    if (c.sync_standbys > static_cast<int64_t>(c.replication_standbys.size()))
      return r.TableError(fmt::format(
          "[replication] sync_standbys = {} but standbys lists {}: list at least as many "
          "standbys as a write must wait for",
          c.sync_standbys, c.replication_standbys.size()));
    if (!(s = r.String("reader_account", false, &c.replication_reader_account, &node)).ok())
      return s;
    if (node && (!FromHex(c.replication_reader_account, &bytes) || bytes.size() != 32))
      return r.Error(*node,
                     "[replication] reader_account must be an account id, 64 hexadecimal digits");
    if (!(s = r.String("primary_ca", false, &c.replication_primary_ca, &node)).ok()) return s;
    if (node && (c.replication_primary_ca.empty() || c.replication_primary_ca[0] != '/'))
      return r.Error(*node, "[replication] primary_ca must be an absolute path to a PEM file");
  }
  if (leadership) {
    TableReader r(source, *leadership, "[leadership]");
    if (!(s = r.Allow(
              {"endpoints", "ttl_seconds", "name", "address", "settle_ms", "min_candidates"}))
             .ok())
      return s;
    const toml::node* node = nullptr;
    if (!(s = r.Required("endpoints", toml::node_type::array, &node)).ok()) return s;
    for (const toml::node& item : *node->as_array()) {
      const auto* endpoint = item.as_string();
      if (endpoint == nullptr || !ValidateListenAddress(endpoint->get()).ok())
        return r.Error(item,
                       "[leadership] endpoints lists etcd's client addresses as HOST:PORT, e.g. "
                       "\"10.0.0.1:2379\"");
      c.leadership_endpoints.push_back(endpoint->get());
    }
    if (c.leadership_endpoints.empty() || c.leadership_endpoints.size() > 16)
      return r.Error(*node, "[leadership] endpoints must list 1 to 16 etcd members");
    if (!(s = r.IntegerIn("ttl_seconds", 2, 300, &c.leadership_ttl_seconds)).ok()) return s;
    if (!(s = r.String("name", true, &c.leadership_name, &node)).ok()) return s;
    const bool name_ok =
        !c.leadership_name.empty() && c.leadership_name.size() <= 64 &&
        std::all_of(c.leadership_name.begin(), c.leadership_name.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                 ch == '.';
        });
    if (!name_ok)
      return r.Error(*node,
                     "[leadership] name is this node's name among the ledger's nodes: 1 to 64 "
                     "letters, digits, '-', '_' or '.'");
    if (!(s = r.String("address", true, &c.leadership_address, &node)).ok()) return s;
    if (!ValidateListenAddress(c.leadership_address).ok())
      return r.Error(*node,
                     "[leadership] address is where clients reach this node, HOST:PORT, e.g. "
                     "\"10.0.0.2:7421\"");
    if (!(s = r.IntegerIn("settle_ms", 0, 60'000, &c.leadership_settle_ms)).ok()) return s;
    if (!(s = r.IntegerIn("min_candidates", 1, 100, &c.leadership_min_candidates)).ok()) return s;
  }
  if (backup) {
    TableReader r(source, *backup, "[backup]");
    if (!(s = r.Allow({"to", "every_seconds", "keep", "node_key"})).ok()) return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("to", true, &c.backup_to, &node)).ok()) return s;
    if (node && (c.backup_to.empty() || c.backup_to[0] != '/'))
      return r.Error(*node, "[backup] to must be an absolute path, e.g. \"/var/backups/liard\"");
    if (!(s = r.IntegerIn("every_seconds", 1, 31 * 86'400, &c.backup_every_seconds)).ok()) return s;
    if (!(s = r.IntegerIn("keep", 1, 10'000, &c.backup_keep)).ok()) return s;
    if (!(s = r.Boolean("node_key", &c.backup_node_key)).ok()) return s;
  }
  if (web) {
    TableReader r(source, *web, "[web]");
    if (!(s = r.Allow({"listen", "root", "allowed_origins", "max_connections",
                       "max_connections_per_peer", "max_streams"}))
             .ok())
      return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("listen", false, &c.web_listen, &node)).ok()) return s;
    if (node) {
      s = ValidateListenAddress(c.web_listen);
      if (!s.ok()) return r.Error(*node, s.message());
    }
    if (!(s = r.String("root", false, &c.web_root)).ok()) return s;
    if (!(s = r.Find("allowed_origins", toml::node_type::array, &node)).ok()) return s;
    if (node) {
      for (const toml::node& item : *node->as_array()) {
        const auto* origin = item.as_string();
        // An origin as a browser writes it: scheme, host, port; no path, no trailing slash.
        const bool ok =
            origin != nullptr &&
            (origin->get().rfind("https://", 0) == 0 || origin->get().rfind("http://", 0) == 0) &&
            origin->get().find('/', 8) == std::string::npos;
        if (!ok)
          return r.Error(item,
                         "[web] allowed_origins holds origins as a browser sends them, "
                         "e.g. \"https://roue.example.org\" (scheme, host and port only)");
        c.web_allowed_origins.push_back(origin->get());
      }
    }
    if (!(s = r.IntegerIn("max_connections", 4, 4096, &c.web_max_connections)).ok()) return s;
    if (!(s = r.IntegerIn("max_connections_per_peer", 1, 4096, &c.web_max_connections_per_peer))
             .ok())
      return s;
    if (!(s = r.IntegerIn("max_streams", 1, 4096, &c.web_max_streams)).ok()) return s;
    if (c.web_max_streams >= c.web_max_connections)
      return r.TableError(fmt::format(
          "[web] max_streams {} must be less than max_connections {}: each stream holds a "
          "connection, and the unary calls need some",
          c.web_max_streams, c.web_max_connections));
  }
  if (clock) {
    TableReader r(source, *clock, "[clock]");
    if (!(s = r.Allow({"tolerance_seconds", "max_gap_days"})).ok()) return s;
    if (!(s = r.IntegerIn("tolerance_seconds", 1, 86'400 * 366, &c.clock_tolerance_seconds)).ok())
      return s;
    if (!(s = r.IntegerIn("max_gap_days", 1, 3660, &c.clock_max_gap_days)).ok()) return s;
  }
  *out = std::move(c);
  return Status::Ok();
}

Status ReadTlsFiles(const NodeConfig& config, std::string* cert_pem, std::string* key_pem) {
  Status s = ReadTextFile(config.tls_cert_file, cert_pem);
  if (!s.ok()) return Status(s.code(), "[tls] cert: " + s.message());
  s = ReadTextFile(config.tls_key_file, key_pem);
  if (!s.ok()) return Status(s.code(), "[tls] key: " + s.message());
  // gRPC would only say that the credentials are bad, much later; say which file is wrong now.
  if (cert_pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return Status(Code::kInvalidArgument, "[tls] cert: " + config.tls_cert_file +
                                              " holds no PEM certificate (-----BEGIN "
                                              "CERTIFICATE-----)");
  if (key_pem->find("-----BEGIN") == std::string::npos ||
      key_pem->find("PRIVATE KEY-----") == std::string::npos)
    return Status(Code::kInvalidArgument, "[tls] key: " + config.tls_key_file +
                                              " holds no PEM private key (-----BEGIN ... PRIVATE "
                                              "KEY-----)");
  return Status::Ok();
}

Status LoadConfigFile(const std::string& path, NodeConfig* out) {
  std::string text;
  Status s = ReadTextFile(path, &text);
  if (!s.ok()) return s;
  return ParseConfig(text, path, out);
}

Status ParseGenesis(std::string_view text, std::string_view source, int64_t now_ms, Genesis* out) {
  toml::table doc;
  Status s = ParseTomlDocument(text, source, &doc);
  if (!s.ok()) return s;
  Genesis g;
  g.created_at_ms = now_ms;

  TableReader top(source, doc, "");
  if (!(s = top.Allow({"currency", "board", "fund", "rules", "programmes", "limits", "accounts"}))
           .ok())
    return s;
  const toml::table *currency = nullptr, *board = nullptr, *fund = nullptr, *rules = nullptr;
  const toml::node* accounts_node = nullptr;
  if (!(s = top.Table("currency", true, &currency)).ok()) return s;
  if (!(s = top.Table("board", true, &board)).ok()) return s;
  if (!(s = top.Table("fund", true, &fund)).ok()) return s;
  if (!(s = top.Table("rules", false, &rules)).ok()) return s;
  if (!(s = top.Find("accounts", toml::node_type::array, &accounts_node)).ok()) return s;

  // [currency] first: amounts and addresses depend on its decimals and code.
  {
    TableReader r(source, *currency, "[currency]");
    if (!(s = r.Allow({"code", "name", "decimals", "par", "created_at_ms", "time_zone"})).ok())
      return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("code", true, &g.currency_code, &node)).ok()) return s;
    // Addresses below are decoded with the code; ValidateGenesis checks its exact form later.
    if (!IsAddressCurrencyCode(g.currency_code))
      return r.Error(*node, fmt::format("[currency] code \"{}\" must be {}", g.currency_code,
                                        kCurrencyCodeRule));
    if (!(s = r.String("name", true, &g.currency_name, &node)).ok()) return s;
    if (!IsValidName(g.currency_name))
      return r.Error(*node, "[currency] name must be 1 to 64 bytes of printable UTF-8");
    int64_t decimals = 0;
    if (!(s = r.Integer("decimals", true, &decimals, &node)).ok()) return s;
    if (decimals < 0 || decimals > 9)
      return r.Error(*node, fmt::format("[currency] decimals {} is out of range", decimals));
    g.decimals = static_cast<uint32_t>(decimals);
    std::string par = "1/1";
    if (!(s = r.String("par", false, &par, &node)).ok()) return s;
    if (!ParseRatio(par, &g.par_num, &g.par_den))
      return r.Error(*node, fmt::format("[currency] par \"{}\" must be a ratio of positive whole "
                                        "numbers such as \"1/1\"",
                                        par));
    if (!(s = r.Integer("created_at_ms", false, &g.created_at_ms, &node)).ok()) return s;
    if (node && g.created_at_ms < 0)
      return r.Error(*node, "[currency] created_at_ms cannot be negative");
    // The zone the currency counts its days and months in (genesis version 4).
    g.time_zone = kDefaultTimeZone;
    if (!(s = r.String("time_zone", false, &g.time_zone, &node)).ok()) return s;
    if (node && !TimeZone::Named(g.time_zone))
      return r.Error(*node, fmt::format("[currency] time_zone \"{}\" is not a time zone of the "
                                        "IANA database, such as \"Europe/Paris\"",
                                        g.time_zone));
  }
  const int decimals = static_cast<int>(g.decimals);
  const std::string unit = g.currency_code.empty() ? "units" : g.currency_code;

  {
    TableReader r(source, *board, "[board]");
    if (!(s = r.Allow({"keys", "threshold"})).ok()) return s;
    const toml::node* keys_node = nullptr;
    if (!(s = r.Required("keys", toml::node_type::array, &keys_node)).ok()) return s;
    const toml::array& keys = *keys_node->as_array();
    size_t i = 0;
    for (const toml::node& k : keys) {
      ++i;
      if (!k.is_string())
        return r.Error(k, fmt::format("[board] keys entry {} must be a string, not {}", i,
                                      TomlTypeName(k.type())));
      PublicKey key;
      std::string why;
      if (!ParseKey(*k.value<std::string>(), g.currency_code, &key, &why))
        return r.Error(k, fmt::format("[board] keys entry {} {}", i, why));
      g.board_keys.push_back(key);
    }
    int64_t threshold = 0;
    const toml::node* node = nullptr;
    if (!(s = r.Integer("threshold", true, &threshold, &node)).ok()) return s;
    if (threshold < 1)
      return r.Error(*node, fmt::format("[board] threshold {} must be at least 1", threshold));
    if (static_cast<uint64_t>(threshold) > g.board_keys.size())
      return r.Error(*node,
                     fmt::format("[board] threshold {} is more than the {} board key{}", threshold,
                                 g.board_keys.size(), g.board_keys.size() == 1 ? "" : "s"));
    g.board_threshold = static_cast<uint32_t>(threshold);
  }

  {
    TableReader r(source, *fund, "[fund]");
    if (!(s = r.Allow({"opening"})).ok()) return s;
    std::string opening;
    const toml::node* node = nullptr;
    if (!(s = r.String("opening", true, &opening, &node)).ok()) return s;
    if (!(s = ParseAmountAt(r, *node, "opening", opening, kEuroDecimals, "euros", &g.opening_fund))
             .ok())
      return s;
  }

  // [rules], [[programmes]] and [[limits]]: read as set-rules reads them (ledger/rules_toml.h).
  if (!(s = ParseRulesTables(source, doc, RulesDocument::kGenesis, decimals, unit, &g.rules)).ok())
    return s;

  if (accounts_node) {
    size_t i = 0;
    for (const toml::node& entry : *accounts_node->as_array()) {
      ++i;
      std::string name = fmt::format("[[accounts]] entry {}", i);
      if (!entry.is_table())
        return Status(Code::kInvalidArgument,
                      top.Where(entry) + fmt::format("{} must be a table", name));
      TableReader r(source, *entry.as_table(), name);
      if (!(s = r.Allow({"key", "kind", "name", "opening_balance"})).ok()) return s;
      GenesisAccount a;
      std::string key, kind, opening;
      const toml::node *key_node, *kind_node, *name_node, *opening_node;
      if (!(s = r.String("key", true, &key, &key_node)).ok()) return s;
      std::string why;
      if (!ParseKey(key, g.currency_code, &a.id, &why))
        return r.Error(*key_node, fmt::format("{} key {}", name, why));
      if (!(s = r.String("kind", true, &kind, &kind_node)).ok()) return s;
      if (!ParseKind(kind, &a.kind))
        return r.Error(*kind_node,
                       fmt::format("{} kind \"{}\" is not one of: {}", name, kind, KindList()));
      if (!(s = r.String("name", true, &a.name, &name_node)).ok()) return s;
      if (!IsValidName(a.name))
        return r.Error(*name_node,
                       fmt::format("{} name must be 1 to 64 bytes of printable UTF-8", name));
      if (!(s = r.String("opening_balance", false, &opening, &opening_node)).ok()) return s;
      if (opening_node && !(s = ParseAmountAt(r, *opening_node, "opening_balance", opening,
                                              decimals, unit, &a.opening_balance))
                               .ok())
        return s;
      for (const auto& other : g.accounts)
        if (other.id == a.id)
          return r.Error(*key_node, fmt::format("{} has the same key as an earlier account", name));
      g.accounts.push_back(std::move(a));
    }
  }

  // Checked as init will write it: the current version, naming a node key (init makes the key
  // after reading the file, so the first board key stands in for it here).
  Genesis as_written = g;
  as_written.version = kCurrentGenesisVersion;
  if (!as_written.node_key && !g.board_keys.empty()) as_written.node_key = g.board_keys[0];
  s = ValidateGenesis(as_written);
  if (!s.ok()) return Status(Code::kInvalidArgument, fmt::format("{}: {}", source, s.message()));
  *out = std::move(g);
  return Status::Ok();
}

Status LoadGenesisFile(const std::string& path, int64_t now_ms, Genesis* out) {
  std::string text;
  Status s = ReadTextFile(path, &text);
  if (!s.ok()) return s;
  return ParseGenesis(text, path, now_ms, out);
}

}  // namespace liard::node
