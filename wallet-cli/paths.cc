// Where the wallet keeps things: XDG directories, the config file, the known-ledgers file.
#include "wallet-cli/paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/crypto.h"

namespace liard::wallet {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Home() {
  std::string home = Env("HOME");
  return home.empty() ? std::string(".") : home;
}

std::string KnownLedgersPath() { return ConfigDir() + "/known-ledgers.json"; }

}  // namespace

std::string ConfigDir() {
  std::string base = Env("XDG_CONFIG_HOME");
  // The XDG spec says relative values are invalid and must be ignored.
  if (base.empty() || base[0] != '/') base = Home() + "/.config";
  return base + "/liard";
}

std::string KeyDir() {
  std::string base = Env("XDG_DATA_HOME");
  if (base.empty() || base[0] != '/') base = Home() + "/.local/share";
  return base + "/liard/keys";
}

std::string ConfigPath() { return ConfigDir() + "/config.toml"; }

CliStatus LoadConfig(const std::string& path, Config* out) {
  *out = Config();
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return CliStatus::Ok();
    return CliStatus::Local("cannot read the config file " + path + ": " + std::strerror(errno));
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << path << ":" << e.source().begin.line << ": " << e.description();
    return CliStatus::Local("the config file does not parse: " + where.str());
  }
  for (const auto& [key, value] : table) {
    std::string k(key.str());
    std::string* target = nullptr;
    if (k == "node") target = &out->node;
    if (k == "key") target = &out->key;
    if (k == "tls_ca") target = &out->tls_ca;
    if (k == "ledger_id") target = &out->ledger_id;
    if (target == nullptr)
      return CliStatus::Local("the config file " + path + " has an unknown key '" + k +
                              "' (known: node, key, tls_ca, ledger_id)");
    if (!value.is_string())
      return CliStatus::Local("in the config file " + path + ", '" + k + "' must be a string");
    *target = value.as_string()->get();
  }
  std::string id;
  if (!out->ledger_id.empty() &&
      (!FromHex(out->ledger_id, &id) || id.size() != 32 || out->ledger_id != ToHex(id)))
    return CliStatus::Local("in the config file " + path +
                            ", 'ledger_id' must be 64 lower-case hexadecimal digits, as "
                            "`liard-node init` prints it");
  return CliStatus::Ok();
}

std::string ResolveNode(const std::string& flag, const Config& config) {
  if (!flag.empty()) return flag;
  if (std::string env = Env("LIARD_NODE"); !env.empty()) return env;
  if (!config.node.empty()) return config.node;
  return std::string(kDefaultNode);
}

std::string ResolveKeyName(const std::string& flag, const Config& config) {
  if (!flag.empty()) return flag;
  if (std::string env = Env("LIARD_KEY"); !env.empty()) return env;
  if (!config.key.empty()) return config.key;
  return std::string(kDefaultKeyName);
}

std::string ResolveTlsCa(const std::string& flag, const Config& config) {
  if (!flag.empty()) return flag;
  if (std::string env = Env("LIARD_TLS_CA"); !env.empty()) return env;
  return config.tls_ca;
}

KnownLedger RecallLedger(const std::string& node) {
  KnownLedger known;
  std::ifstream f(KnownLedgersPath());
  if (!f) return known;
  nlohmann::json j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains(node) || !j[node].is_object()) return known;
  const auto& e = j[node];
  if (e.contains("ledger_id") && e["ledger_id"].is_string())
    known.ledger_id_hex = e["ledger_id"].get<std::string>();
  if (e.contains("node_key") && e["node_key"].is_string())
    known.node_key_hex = e["node_key"].get<std::string>();
  if (e.contains("currency") && e["currency"].is_string())
    known.currency_code = e["currency"].get<std::string>();
  return known;
}

CliStatus RememberLedger(const std::string& node, const KnownLedger& known) {
  CliStatus s = MakeDirs(ConfigDir(), 0700);
  if (!s.ok()) return s;
  nlohmann::json j = nlohmann::json::object();
  {
    std::ifstream f(KnownLedgersPath());
    if (f) {
      j = nlohmann::json::parse(f, nullptr, false);
      if (!j.is_object()) j = nlohmann::json::object();
    }
  }
  nlohmann::json entry = nlohmann::json::object();
  entry["ledger_id"] = known.ledger_id_hex;
  if (!known.node_key_hex.empty()) entry["node_key"] = known.node_key_hex;
  if (!known.currency_code.empty()) entry["currency"] = known.currency_code;
  j[node] = entry;
  // Write beside and rename, so that a crash never leaves half a file.
  std::string tmp = KnownLedgersPath() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << j.dump(2) << "\n";
    if (!f) return CliStatus::Local("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), KnownLedgersPath().c_str()) != 0)
    return CliStatus::Local("cannot write " + KnownLedgersPath() + ": " + std::strerror(errno));
  return CliStatus::Ok();
}

CliStatus MakeDirs(const std::string& dir, unsigned mode) {
  if (dir.empty()) return CliStatus::Ok();
  std::string path;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    path = dir.substr(0, pos);
    if (path.empty()) continue;
    if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
      return CliStatus::Local("cannot create the directory " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return CliStatus::Local(dir + " is not a directory");
  return CliStatus::Ok();
}

}  // namespace liard::wallet
