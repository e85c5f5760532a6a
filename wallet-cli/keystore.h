// Key files: an Ed25519 seed encrypted with a passphrase (Argon2id + XSalsa20-Poly1305), one
// JSON file per named key, mode 0600 in a 0700 directory.
#ifndef LIARD_WALLET_CLI_KEYSTORE_H_
#define LIARD_WALLET_CLI_KEYSTORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "wallet-cli/cli_status.h"

namespace liard::wallet {

inline constexpr int kKeyFileVersion = 1;
inline constexpr std::string_view kKdfName = "argon2id13";
// A new key's passphrase must have at least this many characters (see CheckNewPassphrase).
inline constexpr size_t kMinPassphraseChars = 12;

// How hard the passphrase hashing is (libsodium's named Argon2id limits). The limits used are
// stored in each key file, so files sealed with any of them open whatever the default is.
enum class KdfLimits {
  kInteractive,  // 64 MiB, 2 passes, a tenth of a second: `--fast`, for a till unlocked all day
  kModerate,     // 256 MiB, 3 passes, about a second: the default since issue 14
};

// What a key file holds. Only `ciphertext` is secret (and encrypted); the rest lets the wallet
// show addresses and fill bodies without asking for the passphrase.
struct KeyFile {
  int version = kKeyFileVersion;
  PublicKey public_key;  // derived from the seed; checked again after decryption
  AccountId account;     // the account this key signs for: the public key unless re-keyed
  // A staff key (a till's, a cashier's): it signs for `account`, another account, within the
  // scope that account's holder gave it (`liard key new NAME --for ADDRESS`). Written to the
  // file only when true, so that other key files keep their bytes.
  bool staff = false;
  std::string kdf{kKdfName};
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;   // bytes
  std::string salt;        // crypto_pwhash_SALTBYTES (16)
  std::string nonce;       // crypto_secretbox_NONCEBYTES (24)
  std::string ciphertext;  // crypto_secretbox_MACBYTES + 32: the sealed seed
};

// Encrypts `seed` under `passphrase` with Argon2id at `limits`.
[[nodiscard]] CliStatus SealSeed(const Seed& seed, std::string_view passphrase, KdfLimits limits,
                                 KeyFile* out);

// Refuses (usage error saying why) a passphrase for a new key that is easy to guess: fewer than
// kMinPassphraseChars characters; digits only; one character repeated or fewer than 5 distinct
// ones; a common password or keyboard row once digits and punctuation are set aside
// ("Password2026!", "azertyuiop12"); or the key's own name with little else.
[[nodiscard]] CliStatus CheckNewPassphrase(std::string_view passphrase, std::string_view key_name);
// Decrypts; a wrong passphrase is Exit::kWrongPassphrase "wrong passphrase for key 'NAME'".
// A seed that does not derive the file's public key is a local error (a damaged file).
[[nodiscard]] CliStatus OpenSeed(const KeyFile& file, std::string_view passphrase,
                                 std::string_view name, Seed* out);

std::string KeyFileToJson(const KeyFile& file);
// Refuses with a local error what is not a key file of a known version, or whose KDF limits
// are beyond libsodium's SENSITIVE ones (a crafted file must not make the wallet hang).
[[nodiscard]] CliStatus KeyFileFromJson(std::string_view json, std::string_view where,
                                        KeyFile* out);

// 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.': a name that is also a safe file name.
bool IsValidKeyName(std::string_view name);

// The key directory. Thread-compatible.
class KeyStore {
 public:
  explicit KeyStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string PathOf(std::string_view name) const;

  // Creates the file (AtomicFile: written whole, never over an existing one: a usage error names
  // it), mode 0600, the directory 0700, and syncs it to disk.
  [[nodiscard]] CliStatus Write(std::string_view name, const KeyFile& file) const;
  // Replaces an existing file (key set-account): written beside, synced, renamed over.
  [[nodiscard]] CliStatus Replace(std::string_view name, const KeyFile& file) const;
  // A missing key is a usage error that lists how to create one. A file that group or others may
  // read gets a warning on stderr naming the chmod that fixes it (as ssh does).
  [[nodiscard]] CliStatus Read(std::string_view name, KeyFile* out) const;
  // Names of the keys, sorted. A missing directory is an empty list.
  [[nodiscard]] CliStatus List(std::vector<std::string>* names) const;

 private:
  std::string dir_;
};

// Parses a seed written as 64 hex characters (surrounding white space ignored).
[[nodiscard]] CliStatus ParseSeedHex(std::string_view text, Seed* out);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_KEYSTORE_H_
