// Where the wallet keeps things: XDG directories, the config file, the known-ledgers file.
#include "wallet-cli/paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/crypto.h"
#include "wallet-cli/i18n.h"

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
    return CliStatus::Local(Tr("cannot read the config file {path}: {reason}",
                               fmt::arg("path", path), fmt::arg("reason", std::strerror(errno))));
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << path << ":" << e.source().begin.line << ": " << e.description();
    return CliStatus::Local(
        Tr("the config file does not parse: {where}", fmt::arg("where", where.str())));
  }
  for (const auto& [key, value] : table) {
    std::string k(key.str());
    if (k == "insecure") {
      if (!value.is_boolean())
        return CliStatus::Local(
            Tr("in the config file {path}, 'insecure' must be true or false (without quotes)",
               fmt::arg("path", path)));
      out->insecure = value.as_boolean()->get();
      continue;
    }
    std::string* target = nullptr;
    if (k == "node") target = &out->node;
    if (k == "key") target = &out->key;
    if (k == "tls_ca") target = &out->tls_ca;
    if (k == "ledger_id") target = &out->ledger_id;
    if (target == nullptr)
      return CliStatus::Local(
          Tr("the config file {path} has an unknown key '{key}' (known: node, "
             "key, tls_ca, ledger_id, insecure)",
             fmt::arg("path", path), fmt::arg("key", k)));
    if (!value.is_string())
      return CliStatus::Local(Tr("in the config file {path}, '{key}' must be a string",
                                 fmt::arg("path", path), fmt::arg("key", k)));
    *target = value.as_string()->get();
  }
  std::string id;
  if (!out->ledger_id.empty() &&
      (!FromHex(out->ledger_id, &id) || id.size() != 32 || out->ledger_id != ToHex(id)))
    return CliStatus::Local(
        Tr("in the config file {path}, 'ledger_id' must be 64 lower-case "
           "hexadecimal digits, as `liard-node init` prints it",
           fmt::arg("path", path)));
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

bool ResolveInsecure(bool flag, const Config& config) {
  return flag || Env("LIARD_INSECURE") == "1" || config.insecure;
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
  if (e.contains("node_keys") && e["node_keys"].is_array())
    for (const auto& k : e["node_keys"])
      if (k.is_string() && known.node_keys_hex.size() < 16)
        known.node_keys_hex.push_back(k.get<std::string>());
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
  if (known.node_keys_hex.size() > 1) entry["node_keys"] = known.node_keys_hex;
  if (!known.currency_code.empty()) entry["currency"] = known.currency_code;
  j[node] = entry;
  // Mode 0600: which ledgers and nodes a person uses is nobody else's business.
  return WriteFileAtomically(KnownLedgersPath(), j.dump(2) + "\n");
}

namespace {

// `what` is a message with {path} and {reason}, marked with N_.
CliStatus Errno(const char* what, const std::string& path) {
  return CliStatus::Local(
      Tr(what, fmt::arg("path", path), fmt::arg("reason", std::strerror(errno))));
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

CliStatus AtomicFile::Open(const std::string& path) {
  path_ = path;
  const std::string dir = DirOf(path);
  const std::string base =
      path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  // A random name: a temporary file left by a crash never blocks the next write.
  unsigned char random[6];
  char suffix[sizeof random * 2 + 1];
  randombytes_buf(random, sizeof random);
  sodium_bin2hex(suffix, sizeof suffix, random, sizeof random);
  tmp_ = dir + "/." + base + "." + suffix + ".tmp";
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    CliStatus s = Errno(N_("cannot create {path}: {reason}"), tmp_);
    tmp_.clear();
    return s;
  }
  ::fchmod(fd_, 0600);  // whatever the umask said
  return CliStatus::Ok();
}

CliStatus AtomicFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno(N_("cannot write {path}: {reason}"), tmp_);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return CliStatus::Ok();
}

CliStatus AtomicFile::Commit(bool replace, bool* existed) {
  if (existed != nullptr) *existed = false;
  if (::fsync(fd_) != 0) return Errno(N_("cannot sync {path}: {reason}"), tmp_);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Errno(N_("cannot write {path}: {reason}"), tmp_);
  if (replace) {
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
      return Errno(N_("cannot rename into {path}: {reason}"), path_);
    tmp_.clear();
  } else {
    // link() fails if anything, even a dangling symlink, holds the name: never replaces.
    int rc = ::link(tmp_.c_str(), path_.c_str());
    if (rc != 0 && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EXDEV)) {
      // A file system without hard links (a FAT USB stick): take the name with O_EXCL first.
      int taken = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      rc = taken < 0 ? -1 : 0;
      if (taken >= 0) {
        ::close(taken);
        rc = ::rename(tmp_.c_str(), path_.c_str());
        if (rc == 0) tmp_.clear();
      }
    }
    if (rc != 0) {
      if (errno == EEXIST) {
        if (existed != nullptr) *existed = true;
        return CliStatus::Usage(
            Tr("{path} exists already; nothing was written (liard never "
               "overwrites it: choose another name)",
               fmt::arg("path", path_)));
      }
      return Errno(N_("cannot create {path}: {reason}"), path_);
    }
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    tmp_.clear();
  }
  const std::string dir = DirOf(path_);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno(N_("cannot open the directory {path}: {reason}"), dir);
  bool synced = ::fsync(dfd) == 0;
  ::close(dfd);
  if (!synced) return Errno(N_("cannot sync the directory {path}: {reason}"), dir);
  return CliStatus::Ok();
}

CliStatus WriteFileAtomically(const std::string& path, std::string_view bytes, bool replace,
                              bool* existed) {
  AtomicFile f;
  CliStatus s = f.Open(path);
  if (s.ok()) s = f.Append(bytes);
  if (s.ok()) s = f.Commit(replace, existed);
  return s;
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
      return CliStatus::Local(Tr("cannot create the directory {path}: {reason}",
                                 fmt::arg("path", path), fmt::arg("reason", std::strerror(errno))));
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return CliStatus::Local(Tr("{path} is not a directory", fmt::arg("path", dir)));
  return CliStatus::Ok();
}

}  // namespace liard::wallet
