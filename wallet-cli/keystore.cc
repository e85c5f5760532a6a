// Key files: encryption of seeds with a passphrase, and their directory.
#include "wallet-cli/keystore.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wallet-cli/paths.h"

namespace liard::wallet {
namespace {

constexpr std::string_view kSuffix = ".key";

// Key material that is wiped when it goes out of scope.
struct WipedBytes {
  explicit WipedBytes(size_t n) : data(n, 0) {}
  ~WipedBytes() { sodium_memzero(data.data(), data.size()); }
  std::vector<unsigned char> data;
};

CliStatus DeriveKey(std::string_view passphrase, const KeyFile& f, WipedBytes* key) {
  if (crypto_pwhash(key->data.data(), key->data.size(), passphrase.data(), passphrase.size(),
                    reinterpret_cast<const unsigned char*>(f.salt.data()), f.opslimit,
                    static_cast<size_t>(f.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
    return CliStatus::Local("not enough memory to derive the key from the passphrase (" +
                            std::to_string(f.memlimit >> 20) + " MiB needed)");
  return CliStatus::Ok();
}

CliStatus WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return CliStatus::Local("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return CliStatus::Local("cannot sync " + path + ": " + std::strerror(errno));
  return CliStatus::Ok();
}

CliStatus PrepareDir(const std::string& dir) {
  CliStatus s = MakeDirs(dir, 0700);
  if (!s.ok()) return s;
  // The keys directory is ours: keep it private even if something widened it.
  chmod(dir.c_str(), 0700);
  return CliStatus::Ok();
}

}  // namespace

CliStatus SealSeed(const Seed& seed, std::string_view passphrase, bool strong, KeyFile* out) {
  InitCrypto();
  KeyFile f;
  f.public_key = KeyPair::FromSeed(seed).public_key();
  f.account = f.public_key;
  f.opslimit = strong ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  f.memlimit = strong ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  f.salt.resize(crypto_pwhash_SALTBYTES);
  randombytes_buf(f.salt.data(), f.salt.size());
  f.nonce.resize(crypto_secretbox_NONCEBYTES);
  randombytes_buf(f.nonce.data(), f.nonce.size());
  WipedBytes key(crypto_secretbox_KEYBYTES);
  CliStatus s = DeriveKey(passphrase, f, &key);
  if (!s.ok()) return s;
  f.ciphertext.resize(crypto_secretbox_MACBYTES + Seed::size());
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(f.ciphertext.data()), seed.begin(),
                        Seed::size(), reinterpret_cast<const unsigned char*>(f.nonce.data()),
                        key.data.data());
  *out = std::move(f);
  return CliStatus::Ok();
}

CliStatus OpenSeed(const KeyFile& f, std::string_view passphrase, std::string_view name,
                   Seed* out) {
  InitCrypto();
  WipedBytes key(crypto_secretbox_KEYBYTES);
  CliStatus s = DeriveKey(passphrase, f, &key);
  if (!s.ok()) return s;
  WipedBytes seed(Seed::size());
  if (crypto_secretbox_open_easy(
          seed.data.data(), reinterpret_cast<const unsigned char*>(f.ciphertext.data()),
          f.ciphertext.size(), reinterpret_cast<const unsigned char*>(f.nonce.data()),
          key.data.data()) != 0)
    return CliStatus::WrongPassphrase("wrong passphrase for key '" + std::string(name) + "'");
  Seed result;
  std::memcpy(result.data.data(), seed.data.data(), Seed::size());
  if (KeyPair::FromSeed(result).public_key() != f.public_key) {
    sodium_memzero(result.data.data(), Seed::size());
    return CliStatus::Local("the key file of '" + std::string(name) +
                            "' is damaged: its seed does not give its public key");
  }
  *out = result;
  sodium_memzero(result.data.data(), Seed::size());
  return CliStatus::Ok();
}

std::string KeyFileToJson(const KeyFile& f) {
  nlohmann::ordered_json j;
  j["version"] = f.version;
  j["public_key"] = ToHex(f.public_key);
  j["account"] = ToHex(f.account);
  j["kdf"] = f.kdf;
  j["opslimit"] = f.opslimit;
  j["memlimit"] = f.memlimit;
  j["salt"] = ToHex(f.salt);
  j["nonce"] = ToHex(f.nonce);
  j["ciphertext"] = ToHex(f.ciphertext);
  return j.dump(2) + "\n";
}

CliStatus KeyFileFromJson(std::string_view json, std::string_view where, KeyFile* out) {
  auto bad = [&](const std::string& why) {
    return CliStatus::Local("the key file " + std::string(where) + " is not valid: " + why);
  };
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("it is not a JSON object");
  KeyFile f;
  auto hex_field = [&](const char* name, size_t size, std::string* dst) -> bool {
    if (!j.contains(name) || !j[name].is_string()) return false;
    return FromHex(j[name].get<std::string>(), dst) && dst->size() == size;
  };
  if (!j.contains("version") || !j["version"].is_number_integer())
    return bad("no integer 'version'");
  f.version = j["version"].get<int>();
  if (f.version != kKeyFileVersion)
    return bad("version " + std::to_string(f.version) + " is not one this wallet knows (1)");
  if (!j.contains("kdf") || !j["kdf"].is_string() || j["kdf"].get<std::string>() != kKdfName)
    return bad("'kdf' must be \"argon2id13\"");
  std::string bytes;
  if (!hex_field("public_key", 32, &bytes)) return bad("'public_key' must be 64 hex characters");
  f.public_key.Assign(bytes);
  if (!hex_field("account", 32, &bytes)) return bad("'account' must be 64 hex characters");
  f.account.Assign(bytes);
  if (!j.contains("opslimit") || !j["opslimit"].is_number_unsigned() || !j.contains("memlimit") ||
      !j["memlimit"].is_number_unsigned())
    return bad("'opslimit' and 'memlimit' must be positive integers");
  f.opslimit = j["opslimit"].get<uint64_t>();
  f.memlimit = j["memlimit"].get<uint64_t>();
  if (f.opslimit < crypto_pwhash_OPSLIMIT_MIN || f.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      f.memlimit < crypto_pwhash_MEMLIMIT_MIN || f.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
    return bad("its Argon2id limits are outside what this wallet accepts");
  if (!hex_field("salt", crypto_pwhash_SALTBYTES, &f.salt)) return bad("bad 'salt'");
  if (!hex_field("nonce", crypto_secretbox_NONCEBYTES, &f.nonce)) return bad("bad 'nonce'");
  if (!hex_field("ciphertext", crypto_secretbox_MACBYTES + 32, &f.ciphertext))
    return bad("bad 'ciphertext'");
  *out = std::move(f);
  return CliStatus::Ok();
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string KeyStore::PathOf(std::string_view name) const {
  return dir_ + "/" + std::string(name) + std::string(kSuffix);
}

static CliStatus CheckName(std::string_view name) {
  if (!IsValidKeyName(name))
    return CliStatus::Usage("'" + std::string(name) +
                            "' is not a valid key name: use 1 to 64 letters, digits, '.', '_' "
                            "or '-', not starting with '.'");
  return CliStatus::Ok();
}

CliStatus KeyStore::Write(std::string_view name, const KeyFile& file) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  s = PrepareDir(dir_);
  if (!s.ok()) return s;
  std::string path = PathOf(name);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return CliStatus::Usage("a key named '" + std::string(name) + "' exists already (" + path +
                              "); choose another name: liard never overwrites a key file");
    return CliStatus::Local("cannot create " + path + ": " + std::strerror(errno));
  }
  fchmod(fd, 0600);  // whatever the umask said
  s = WriteAll(fd, KeyFileToJson(file), path);
  close(fd);
  if (!s.ok()) {
    unlink(path.c_str());
    return s;
  }
  return CliStatus::Ok();
}

CliStatus KeyStore::Replace(std::string_view name, const KeyFile& file) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  std::string path = PathOf(name);
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return CliStatus::Local("cannot create " + tmp + ": " + std::strerror(errno));
  fchmod(fd, 0600);
  s = WriteAll(fd, KeyFileToJson(file), tmp);
  close(fd);
  if (!s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0)
    return CliStatus::Local("cannot replace " + path + ": " + std::strerror(errno));
  return CliStatus::Ok();
}

CliStatus KeyStore::Read(std::string_view name, KeyFile* out) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  std::string path = PathOf(name);
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (errno == ENOENT)
      return CliStatus::Usage("no key named '" + std::string(name) + "' (looked for " + path +
                              "); create one with 'liard key new " + std::string(name) +
                              "' or 'liard key import " + std::string(name) +
                              " --seed-file FILE', or choose another with --key");
    return CliStatus::Local("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return KeyFileFromJson(ss.str(), path, out);
}

CliStatus KeyStore::List(std::vector<std::string>* names) const {
  names->clear();
  DIR* d = opendir(dir_.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return CliStatus::Ok();
    return CliStatus::Local("cannot list " + dir_ + ": " + std::strerror(errno));
  }
  while (struct dirent* e = readdir(d)) {
    std::string_view n(e->d_name);
    if (n.size() > kSuffix.size() && n.substr(n.size() - kSuffix.size()) == kSuffix) {
      std::string_view name = n.substr(0, n.size() - kSuffix.size());
      if (IsValidKeyName(name)) names->emplace_back(name);
    }
  }
  closedir(d);
  std::sort(names->begin(), names->end());
  return CliStatus::Ok();
}

CliStatus ParseSeedHex(std::string_view text, Seed* out) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::string bytes;
  if (text.size() != 64 || !FromHex(text, &bytes) || !out->Assign(bytes)) {
    sodium_memzero(bytes.data(), bytes.size());
    return CliStatus::Usage(
        "a seed is 64 hexadecimal characters (32 bytes), e.g. a file written "
        "by 'liard-node init --demo' in DIR/demo-keys");
  }
  sodium_memzero(bytes.data(), bytes.size());
  return CliStatus::Ok();
}

}  // namespace liard::wallet
