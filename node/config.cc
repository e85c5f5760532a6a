// Config and genesis TOML parsing: strict (unknown keys refused), exact (amounts parsed as
// text, never floating point), and specific (every message names file, line and key).
#include "node/config.h"

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
#include "ledger/money.h"

namespace liard::node {
namespace {

// Euro amounts are always in cents.
constexpr int kEuroDecimals = 2;

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Reads the keys of one TOML table, refusing by name any key it does not know: a misspelt key
// silently ignored would leave a default the operator did not choose.
class TableReader {
 public:
  TableReader(std::string_view source, const toml::table& table, std::string name)
      : source_(source), table_(table), name_(std::move(name)) {}

  // "file:line: " for a node, or "file: " when the parser gave no position.
  std::string Where(const toml::source_region& region) const {
    if (region.begin.line == 0) return fmt::format("{}: ", source_);
    return fmt::format("{}:{}: ", source_, region.begin.line);
  }
  std::string Where(const toml::node& node) const { return Where(node.source()); }
  std::string WhereTable() const { return Where(table_); }

  Status Error(const toml::node& node, std::string_view message) const {
    return Status(Code::kInvalidArgument, Where(node) + std::string(message));
  }
  Status TableError(std::string_view message) const {
    return Status(Code::kInvalidArgument, WhereTable() + std::string(message));
  }

  const std::string& name() const { return name_; }
  // "[server] listen", or "listen" at the top level.
  std::string Qualified(std::string_view key) const {
    return name_.empty() ? std::string(key) : fmt::format("{} {}", name_, key);
  }

  // nullptr if absent. A present key of the wrong type is an error naming both types.
  Status Find(std::string_view key, toml::node_type type, const toml::node** out) {
    *out = nullptr;
    const toml::node* node = table_.get(key);
    if (node == nullptr) return Status::Ok();
    if (node->type() != type)
      return Error(*node, fmt::format("{} must be {}, not {}", Qualified(key), TypeName(type),
                                      TypeName(node->type())));
    *out = node;
    return Status::Ok();
  }

  Status Required(std::string_view key, toml::node_type type, const toml::node** out) {
    Status s = Find(key, type, out);
    if (!s.ok()) return s;
    if (*out == nullptr)
      return TableError(fmt::format("{} is missing: it is required", Qualified(key)));
    return Status::Ok();
  }

  // Optional string; *present says whether it was there.
  Status String(std::string_view key, bool required, std::string* out,
                const toml::node** node = nullptr) {
    const toml::node* n;
    Status s = required ? Required(key, toml::node_type::string, &n)
                        : Find(key, toml::node_type::string, &n);
    if (!s.ok()) return s;
    if (node) *node = n;
    if (n) *out = *n->value<std::string>();
    return Status::Ok();
  }

  // An optional integer within [min, max]; out of range names the key, the value and the range.
  Status IntegerIn(std::string_view key, int64_t min, int64_t max, int64_t* out) {
    const toml::node* node = nullptr;
    Status s = Integer(key, false, out, &node);
    if (!s.ok()) return s;
    if (node && (*out < min || *out > max))
      return Error(*node,
                   fmt::format("{} {} must be between {} and {}", Qualified(key), *out, min, max));
    return Status::Ok();
  }

  Status Boolean(std::string_view key, bool* out) {
    const toml::node* n;
    Status s = Find(key, toml::node_type::boolean, &n);
    if (!s.ok()) return s;
    if (n) *out = *n->value<bool>();
    return Status::Ok();
  }

  Status Integer(std::string_view key, bool required, int64_t* out,
                 const toml::node** node = nullptr) {
    const toml::node* n;
    Status s = required ? Required(key, toml::node_type::integer, &n)
                        : Find(key, toml::node_type::integer, &n);
    if (!s.ok()) return s;
    if (node) *node = n;
    if (n) *out = *n->value<int64_t>();
    return Status::Ok();
  }

  // A sub-table; nullptr if absent.
  Status Table(std::string_view key, bool required, const toml::table** out) {
    const toml::node* n;
    Status s = required ? Required(key, toml::node_type::table, &n)
                        : Find(key, toml::node_type::table, &n);
    if (!s.ok()) return s;
    *out = n ? n->as_table() : nullptr;
    return Status::Ok();
  }

  // Declares the keys this table may hold and refuses any other, before anything is read: a
  // misspelt key is then reported as such, not as the required key it was meant to be.
  Status Allow(std::initializer_list<std::string_view> keys) {
    for (std::string_view k : keys) allowed_.emplace_back(k);
    return RefuseUnknown();
  }

  Status RefuseUnknown() const {
    std::vector<std::string_view> unknown;
    for (auto&& [key, node] : table_) {
      if (std::find(allowed_.begin(), allowed_.end(), key.str()) != allowed_.end()) continue;
      std::string expected;
      for (const auto& u : allowed_) expected += (expected.empty() ? "" : ", ") + u;
      std::string where = Where(key.source().begin.line ? key.source() : node.source());
      std::string in = name_.empty() ? "at the top level" : "in " + name_;
      return Status(Code::kInvalidArgument,
                    fmt::format("{}unknown key '{}' {} (expected one of: {})", where, key.str(), in,
                                expected));
    }
    return Status::Ok();
  }

 private:
  std::string_view source_;
  const toml::table& table_;
  std::string name_;
  std::vector<std::string> allowed_;
};

Status ParseDocument(std::string_view text, std::string_view source, toml::table* out) {
  try {
    *out = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    std::string where = begin.line ? fmt::format("{}:{}:{}: ", source, begin.line, begin.column)
                                   : fmt::format("{}: ", source);
    return Status(Code::kInvalidArgument,
                  fmt::format("{}not valid TOML: {}", where, e.description()));
  }
  return Status::Ok();
}

// "N/D" or "N", positive decimal integers: a ratio written as a person would.
bool ParseRatio(std::string_view text, int64_t* num, int64_t* den) {
  auto parse = [](std::string_view t, int64_t* v) {
    if (t.empty() || t.size() > 18) return false;
    for (char c : t)
      if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *v);
    return ec == std::errc() && p == t.data() + t.size() && *v > 0;
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    *den = 1;
    return parse(text, num);
  }
  return parse(text.substr(0, slash), num) && parse(text.substr(slash + 1), den);
}

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

// Kinds as the operator writes them: the names KindName gives.
bool ParseKind(std::string_view text, AccountKind* out) {
  for (AccountKind k : kAllKinds) {
    if (KindName(k) == text) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::string KindList() {
  std::string list;
  for (AccountKind k : kAllKinds) list += (list.empty() ? "" : ", ") + std::string(KindName(k));
  return list;
}

Status ParseAmountAt(const TableReader& r, const toml::node& node, std::string_view key,
                     std::string_view text, int decimals, std::string_view unit, Amount* out) {
  Status s = ParseAmount(text, decimals, out);
  if (!s.ok())
    return r.Error(node, fmt::format("{} \"{}\" is not an amount of {}: {}", r.Qualified(key), text,
                                     unit, s.message()));
  return Status::Ok();
}

// An optional amount; zero when absent.
Status OptionalAmount(TableReader& r, std::string_view key, int decimals, std::string_view unit,
                      Amount* out) {
  std::string text;
  const toml::node* node = nullptr;
  *out = Amount(0);
  Status s = r.String(key, false, &text, &node);
  if (!s.ok() || node == nullptr) return s;
  return ParseAmountAt(r, *node, key, text, decimals, unit, out);
}

// A fee: "5/100", "0", or "0/1".
bool ParseFeeRatio(std::string_view text, int64_t* num, int64_t* den) {
  if (text == "0") {
    *num = 0;
    *den = 1;
    return true;
  }
  if (text.substr(0, 2) == "0/") {
    int64_t ignored;
    if (!ParseRatio("1" + std::string(text.substr(1)), &ignored, den)) return false;
    *num = 0;
    return true;
  }
  return ParseRatio(text, num, den);
}

// A moment written as a TOML offset date-time (2026-11-01T00:00:00+01:00) or a date (taken as
// 00:00 UTC). A local date-time without offset is refused: which hour would it be?
Status ParseMoment(const TableReader& r, const toml::node& node, std::string_view key,
                   int64_t* ms) {
  using namespace std::chrono;
  auto days_of = [](const toml::date& d) {
    return sys_days(year(d.year) / month(d.month) / day(d.day)).time_since_epoch();
  };
  if (const auto* d = node.as_date()) {
    *ms = duration_cast<milliseconds>(days_of(d->get())).count();
    return Status::Ok();
  }
  const auto* dt = node.as_date_time();
  if (dt == nullptr || !dt->get().offset)
    return r.Error(node, fmt::format("{} must be a date (2026-11-01) or a date-time with its "
                                     "offset (2026-11-01T08:00:00+01:00)",
                                     r.Qualified(key)));
  const toml::date_time& v = dt->get();
  auto t = days_of(v.date) + hours(v.time.hour) + minutes(v.time.minute) + seconds(v.time.second) -
           minutes(v.offset->minutes);
  *ms = duration_cast<milliseconds>(t).count() + v.time.nanosecond / 1'000'000;
  return Status::Ok();
}

Status ParseProgramme(std::string_view source, const toml::table& table, const std::string& name,
                      int decimals, const std::string& unit, Programme* out) {
  TableReader r(source, table, name);
  Status s = r.Allow({"name", "sponsor", "ratio", "rounding", "step", "min_euros", "starts", "ends",
                      "monthly_cap", "member_kinds", "budget"});
  if (!s.ok()) return s;
  Programme p;
  const toml::node* node = nullptr;
  if (!(s = r.String("name", true, &p.name, &node)).ok()) return s;
  if (!IsValidProgrammeName(p.name))
    return r.Error(*node,
                   fmt::format("{} name \"{}\" must be 1 to 32 of a-z, 0-9 and '-'", name, p.name));
  if (!(s = r.String("sponsor", false, &p.sponsor, &node)).ok()) return s;
  std::string ratio;
  if (!(s = r.String("ratio", true, &ratio, &node)).ok()) return s;
  if (!ParseRatio(ratio, &p.ratio_num, &p.ratio_den))
    return r.Error(*node,
                   fmt::format("{} ratio \"{}\" must be a ratio such as \"12/10\"", name, ratio));
  std::string rounding = "down";
  if (!(s = r.String("rounding", false, &rounding, &node)).ok()) return s;
  if (rounding == "down")
    p.rounding = Rounding::kDown;
  else if (rounding == "up")
    p.rounding = Rounding::kUp;
  else if (rounding == "nearest")
    p.rounding = Rounding::kNearest;
  else
    return r.Error(
        *node, fmt::format("{} rounding \"{}\" is not one of: down, up, nearest", name, rounding));
  Amount a;
  if (!(s = OptionalAmount(r, "step", decimals, unit, &a)).ok()) return s;
  p.step = a.positive() ? a.minor() : 1;
  if (!(s = OptionalAmount(r, "min_euros", kEuroDecimals, "euros", &a)).ok()) return s;
  p.min_euros = a.minor();
  if (!(s = OptionalAmount(r, "monthly_cap", decimals, unit, &a)).ok()) return s;
  p.monthly_cap = a.minor();
  if (!(s = OptionalAmount(r, "budget", kEuroDecimals, "euros", &a)).ok()) return s;
  p.opening_budget = a.minor();
  for (auto [key, target] : {std::pair{"starts", &p.starts_ms}, std::pair{"ends", &p.ends_ms}}) {
    const toml::node* n = table.get(key);
    if (n && !(s = ParseMoment(r, *n, key, target)).ok()) return s;
  }
  const toml::node* kinds = nullptr;
  if (!(s = r.Find("member_kinds", toml::node_type::array, &kinds)).ok()) return s;
  if (kinds) {
    for (const toml::node& k : *kinds->as_array()) {
      AccountKind kind;
      if (!k.is_string() || !ParseKind(*k.value<std::string>(), &kind))
        return r.Error(k,
                       fmt::format("{} member_kinds entries must be among: {}", name, KindList()));
      p.member_kinds |= KindBit(kind);
    }
  }
  *out = std::move(p);
  return Status::Ok();
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
  Status s = ParseDocument(text, source, &doc);
  if (!s.ok()) return s;
  NodeConfig c;
  TableReader top(source, doc, "");
  if (!(s = top.Allow({"server", "checkpoint", "log", "tls", "limits", "clock"})).ok()) return s;
  const toml::table *server = nullptr, *checkpoint = nullptr, *log = nullptr, *tls = nullptr,
                    *limits = nullptr, *clock = nullptr;
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
    if (!(s = r.Allow({"level"})).ok()) return s;
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
  Status s = ParseDocument(text, source, &doc);
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
    if (!(s = r.Allow({"code", "name", "decimals", "par", "created_at_ms"})).ok()) return s;
    const toml::node* node = nullptr;
    if (!(s = r.String("code", true, &g.currency_code, &node)).ok()) return s;
    // Addresses below are decoded with the code; ValidateGenesis checks its exact form later.
    if (g.currency_code.empty() || g.currency_code.size() > 16 ||
        !std::all_of(g.currency_code.begin(), g.currency_code.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
      return r.Error(*node, fmt::format("[currency] code \"{}\" must be 2 to 12 of A-Z and 0-9, "
                                        "starting with a letter",
                                        g.currency_code));
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
                                      TypeName(k.type())));
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

  if (rules) {
    TableReader r(source, *rules, "[rules]");
    if (!(s = r.Allow({"backing", "conversion_min", "conversion_max", "conversion_kinds",
                       "office_cash_ceiling", "reconversion_fee", "reconversion_min"}))
             .ok())
      return s;
    std::string backing = "1/1";
    const toml::node* node = nullptr;
    if (!(s = r.String("backing", false, &backing, &node)).ok()) return s;
    if (!ParseRatio(backing, &g.rules.backing_num, &g.rules.backing_den))
      return r.Error(*node, fmt::format("[rules] backing \"{}\" must be a ratio of positive whole "
                                        "numbers such as \"1/1\"",
                                        backing));
    Amount a;
    if (!(s = OptionalAmount(r, "conversion_min", kEuroDecimals, "euros", &a)).ok()) return s;
    if (a.positive()) g.rules.conversion.min_euros = a.minor();
    if (!(s = OptionalAmount(r, "conversion_max", kEuroDecimals, "euros", &a)).ok()) return s;
    g.rules.conversion.max_euros = a.minor();
    const toml::node* kinds = nullptr;
    if (!(s = r.Find("conversion_kinds", toml::node_type::array, &kinds)).ok()) return s;
    if (kinds) {
      for (const toml::node& k : *kinds->as_array()) {
        AccountKind kind;
        if (!k.is_string() || !ParseKind(*k.value<std::string>(), &kind) ||
            (KindBit(kind) & kDefaultConvertibleKinds) == 0)
          return r.Error(k,
                         "[rules] conversion_kinds entries must be among: resident, "
                         "merchant, municipality");
        g.rules.conversion.member_kinds |= KindBit(kind);
      }
    }
    if (!(s = OptionalAmount(r, "office_cash_ceiling", kEuroDecimals, "euros", &a)).ok()) return s;
    g.rules.conversion.office_cash_ceiling = a.minor();
    std::string fee;
    if (!(s = r.String("reconversion_fee", false, &fee, &node)).ok()) return s;
    if (node && !ParseFeeRatio(fee, &g.rules.reconversion.fee_num, &g.rules.reconversion.fee_den))
      return r.Error(*node, fmt::format("[rules] reconversion_fee \"{}\" must be a ratio such as "
                                        "\"5/100\" (or \"0\" for none)",
                                        fee));
    if (!(s = OptionalAmount(r, "reconversion_min", decimals, unit, &a)).ok()) return s;
    if (a.positive()) g.rules.reconversion.min_units = a.minor();
  }

  const toml::node* programmes_node = nullptr;
  if (!(s = top.Find("programmes", toml::node_type::array, &programmes_node)).ok()) return s;
  if (programmes_node) {
    size_t i = 0;
    for (const toml::node& entry : *programmes_node->as_array()) {
      ++i;
      std::string name = fmt::format("[[programmes]] entry {}", i);
      if (!entry.is_table())
        return Status(Code::kInvalidArgument,
                      top.Where(entry) + fmt::format("{} must be a table", name));
      Programme p;
      s = ParseProgramme(source, *entry.as_table(), name, decimals, unit, &p);
      if (!s.ok()) return s;
      g.rules.programmes.push_back(std::move(p));
    }
  }

  const toml::node* limits_node = nullptr;
  if (!(s = top.Find("limits", toml::node_type::array, &limits_node)).ok()) return s;
  if (limits_node) {
    size_t i = 0;
    for (const toml::node& entry : *limits_node->as_array()) {
      ++i;
      std::string name = fmt::format("[[limits]] entry {}", i);
      if (!entry.is_table())
        return Status(Code::kInvalidArgument,
                      top.Where(entry) + fmt::format("{} must be a table", name));
      TableReader r(source, *entry.as_table(), name);
      if (!(s = r.Allow({"kind", "max_payment", "daily_outgoing", "balance_ceiling"})).ok())
        return s;
      KindLimits l;
      std::string kind;
      const toml::node* kind_node = nullptr;
      if (!(s = r.String("kind", true, &kind, &kind_node)).ok()) return s;
      if (!ParseKind(kind, &l.kind))
        return r.Error(*kind_node,
                       fmt::format("{} kind \"{}\" is not one of: {}", name, kind, KindList()));
      if (g.rules.LimitsFor(l.kind) != nullptr)
        return r.Error(*kind_node,
                       fmt::format("{} repeats the kind \"{}\": one entry per kind", name, kind));
      Amount a;
      if (!(s = OptionalAmount(r, "max_payment", decimals, unit, &a)).ok()) return s;
      l.max_payment = a.minor();
      if (!(s = OptionalAmount(r, "daily_outgoing", decimals, unit, &a)).ok()) return s;
      l.daily_outgoing = a.minor();
      if (!(s = OptionalAmount(r, "balance_ceiling", decimals, unit, &a)).ok()) return s;
      l.balance_ceiling = a.minor();
      g.rules.limits.push_back(l);
    }
  }

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
