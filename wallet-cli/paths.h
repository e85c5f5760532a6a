// Where the wallet keeps things (XDG directories), its config file and the ledgers it has met.
#ifndef LIARD_WALLET_CLI_PATHS_H_
#define LIARD_WALLET_CLI_PATHS_H_

#include <string>
#include <string_view>
#include <vector>

#include "wallet-cli/cli_status.h"

namespace liard::wallet {

inline constexpr std::string_view kDefaultNode = "127.0.0.1:7421";
inline constexpr std::string_view kDefaultKeyName = "default";

// $XDG_CONFIG_HOME/liard, else $HOME/.config/liard.
std::string ConfigDir();
// $XDG_DATA_HOME/liard/keys, else $HOME/.local/share/liard/keys.
std::string KeyDir();
// ConfigDir()/config.toml.
std::string ConfigPath();

// The config file: every key optional, unknown keys refused (a typo must not be ignored).
struct Config {
  std::string node;       // "HOST:PORT"
  std::string key;        // the default key name
  std::string tls_ca;     // a PEM file of the root certificate(s) to trust: the node speaks TLS
  std::string ledger_id;  // 64 hex digits: the only ledger to trust, whatever was met before
  bool insecure = false;  // plaintext to a node that is not on this machine (see ResolveInsecure)
};

// Reads `path`; a missing file is an empty config. A file that does not parse, or holds an
// unknown key or a value of the wrong type, is a local error naming the file and line.
[[nodiscard]] CliStatus LoadConfig(const std::string& path, Config* out);

// The node to talk to: --node, else $LIARD_NODE, else the config's `node`, else kDefaultNode.
std::string ResolveNode(const std::string& flag, const Config& config);
// The key to use: --key, else $LIARD_KEY, else the config's `key`, else kDefaultKeyName.
std::string ResolveKeyName(const std::string& flag, const Config& config);
// The TLS root file: --tls-ca, else $LIARD_TLS_CA, else the config's `tls_ca`; empty: plaintext.
std::string ResolveTlsCa(const std::string& flag, const Config& config);
// Plaintext to a node off loopback is allowed: --insecure, else $LIARD_INSECURE=1, else the
// config's `insecure = true`.
bool ResolveInsecure(bool flag, const Config& config);

// What the wallet remembers about the ledger each node address served (pinned on first use,
// like SSH's known hosts): the ledger id and the node key the ledger names, in
// ConfigDir()/known-ledgers.json.
struct KnownLedger {
  std::string ledger_id_hex;
  std::string node_key_hex;                // the first key the ledger names
  std::vector<std::string> node_keys_hex;  // every key it names (node_key_hex first), when
                                           // a board decision names more than one
  std::string currency_code;               // lets key commands show addresses without the node
};
// Empty fields when nothing is known about `node`. An unreadable file is treated as empty.
KnownLedger RecallLedger(const std::string& node);
// Records what `node` serves now; failures to write are reported by the returned status.
[[nodiscard]] CliStatus RememberLedger(const std::string& node, const KnownLedger& known);

// A file the wallet writes whole, then moves into place, so that a crash or a concurrent reader
// never sees half of it: keys, known-ledgers.json, saved audit state, exports. The temporary file
// sits beside the destination under a random name, is created with O_CREAT|O_EXCL|O_NOFOLLOW
// and mode 0600 (an attacker's symlink or file there is never followed nor reused), fsynced,
// renamed (or linked) over the destination, and the directory is fsynced. Not thread-safe.
class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file for `path`. A local error naming it if it cannot.
  [[nodiscard]] CliStatus Open(const std::string& path);
  [[nodiscard]] CliStatus Append(std::string_view bytes);
  // Syncs and moves the file into place. With `replace` false an existing file at the path is
  // never replaced: a usage error "PATH exists already", with *existed set when given.
  [[nodiscard]] CliStatus Commit(bool replace = true, bool* existed = nullptr);

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

// AtomicFile in one call: `bytes` at `path`, mode 0600.
[[nodiscard]] CliStatus WriteFileAtomically(const std::string& path, std::string_view bytes,
                                            bool replace = true, bool* existed = nullptr);

// Creates `dir` and its missing parents with `mode` (0700 for key and config directories).
[[nodiscard]] CliStatus MakeDirs(const std::string& dir, unsigned mode);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_PATHS_H_
