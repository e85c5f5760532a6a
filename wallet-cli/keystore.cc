// Key files: encryption of seeds with a passphrase, and their directory.
#include "wallet-cli/keystore.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wallet-cli/i18n.h"
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
    return CliStatus::Local(
        Tr("not enough memory to derive the key from the passphrase ({mib} MiB needed)",
           fmt::arg("mib", f.memlimit >> 20)));
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

CliStatus SealSeed(const Seed& seed, std::string_view passphrase, KdfLimits limits, KeyFile* out) {
  InitCrypto();
  KeyFile f;
  f.public_key = KeyPair::FromSeed(seed).public_key();
  f.account = f.public_key;
  const bool moderate = limits == KdfLimits::kModerate;
  f.opslimit = moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  f.memlimit = moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
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
    return CliStatus::WrongPassphrase(
        Tr("wrong passphrase for key '{name}'", fmt::arg("name", std::string(name))));
  Seed result;
  std::memcpy(result.data.data(), seed.data.data(), Seed::size());
  if (KeyPair::FromSeed(result).public_key() != f.public_key) {
    sodium_memzero(result.data.data(), Seed::size());
    return CliStatus::Local(
        Tr("the key file of '{name}' is damaged: its seed does not give its public key",
           fmt::arg("name", std::string(name))));
  }
  *out = result;
  sodium_memzero(result.data.data(), Seed::size());
  return CliStatus::Ok();
}

namespace {

// Passwords that head every leaked list, French ones first, and words of this program: checked
// against the letters of a passphrase, lower-cased, with digits and punctuation set aside.
constexpr std::string_view kCommonWords[] = {
    "motdepasse", "azerty",     "soleil",  "bonjour",  "doudou",   "loulou",   "chouchou",
    "jetaime",    "marseille",  "nicolas", "camille",  "coucou",   "chocolat", "princesse",
    "password",   "passphrase", "passe",   "qwerty",   "iloveyou", "welcome",  "letmein",
    "admin",      "dragon",     "monkey",  "football", "sunshine", "princess", "secret",
    "changeme",   "default",    "test",    "liard",    "roue",     "gonette",  "eusko",
    "wallet",     "abc",        "abcdef",  "master",   "superman", "trustno"};
// Keyboard rows and the alphabet: a run along one of them is no secret.
constexpr std::string_view kRuns[] = {"abcdefghijklmnopqrstuvwxyz", "azertyuiopqsdfghjklmwxcvbn",
                                      "qwertyuiopasdfghjklzxcvbnm"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True if `letters` is one or more copies of common words or of runs of a keyboard row.
bool OnlyCommonWords(std::string_view letters) {
  if (letters.empty()) return true;
  for (std::string_view w : kCommonWords)
    if (letters.substr(0, w.size()) == w && OnlyCommonWords(letters.substr(w.size()))) return true;
  for (std::string_view run : kRuns)
    for (size_t len = letters.size(); len >= 4; --len)
      if (run.find(letters.substr(0, len)) != std::string_view::npos &&
          OnlyCommonWords(letters.substr(len)))
        return true;
  return false;
}

}  // namespace

CliStatus CheckNewPassphrase(std::string_view passphrase, std::string_view key_name) {
  auto weak = [](const std::string& why) {
    return CliStatus::Usage(
        Tr("this passphrase is too easy to guess: {why}. Choose a sentence of "
           "several words only you would write, e.g. four unrelated words; "
           "nothing was written",
           fmt::arg("why", why)));
  };
  size_t chars = 0;  // UTF-8 characters, not bytes: "é" is one
  for (char c : passphrase)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  if (chars < kMinPassphraseChars)
    return weak(TrP("it has {n} character, fewer than {min}",
                    "it has {n} characters, fewer than {min}", chars, fmt::arg("n", chars),
                    fmt::arg("min", kMinPassphraseChars)));
  const std::string lower = Lower(passphrase);
  if (std::all_of(lower.begin(), lower.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return weak(_("it has only digits"));
  std::string distinct = lower;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() < 5) return weak(_("it repeats fewer than 5 different characters"));
  std::string letters;
  for (char c : lower)
    if (std::isalpha(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80))
      letters.push_back(c);
  if (OnlyCommonWords(letters))
    return weak(_("it is a common password or a keyboard row, with digits or signs around it"));
  const std::string name = Lower(key_name);
  if (name.size() >= 3) {
    std::string rest = lower;
    for (size_t at; (at = rest.find(name)) != std::string::npos;) rest.erase(at, name.size());
    size_t rest_chars = 0;
    for (char c : rest)
      if (std::isalpha(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80))
        ++rest_chars;
    if (rest_chars < 6)
      return weak(
          Tr("it is mostly the key's own name, '{name}'", fmt::arg("name", std::string(key_name))));
  }
  return CliStatus::Ok();
}

std::string KeyFileToJson(const KeyFile& f) {
  nlohmann::ordered_json j;
  j["version"] = f.version;
  j["public_key"] = ToHex(f.public_key);
  j["account"] = ToHex(f.account);
  if (f.staff) j["staff"] = true;
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
    return CliStatus::Local(Tr("the key file {file} is not valid: {why}",
                               fmt::arg("file", std::string(where)), fmt::arg("why", why)));
  };
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad(_("it is not a JSON object"));
  KeyFile f;
  auto hex_field = [&](const char* name, size_t size, std::string* dst) -> bool {
    if (!j.contains(name) || !j[name].is_string()) return false;
    return FromHex(j[name].get<std::string>(), dst) && dst->size() == size;
  };
  if (!j.contains("version") || !j["version"].is_number_integer())
    return bad(_("no integer 'version'"));
  f.version = j["version"].get<int>();
  if (f.version != kKeyFileVersion)
    return bad(
        Tr("version {version} is not one this wallet knows (1)", fmt::arg("version", f.version)));
  if (!j.contains("kdf") || !j["kdf"].is_string() || j["kdf"].get<std::string>() != kKdfName)
    return bad(_("'kdf' must be \"argon2id13\""));
  std::string bytes;
  if (!hex_field("public_key", 32, &bytes)) return bad(_("'public_key' must be 64 hex characters"));
  f.public_key.Assign(bytes);
  if (!hex_field("account", 32, &bytes)) return bad(_("'account' must be 64 hex characters"));
  f.account.Assign(bytes);
  if (j.contains("staff")) {
    if (!j["staff"].is_boolean()) return bad(_("'staff' must be true or false"));
    f.staff = j["staff"].get<bool>();
  }
  if (!j.contains("opslimit") || !j["opslimit"].is_number_unsigned() || !j.contains("memlimit") ||
      !j["memlimit"].is_number_unsigned())
    return bad(_("'opslimit' and 'memlimit' must be positive integers"));
  f.opslimit = j["opslimit"].get<uint64_t>();
  f.memlimit = j["memlimit"].get<uint64_t>();
  if (f.opslimit < crypto_pwhash_OPSLIMIT_MIN || f.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      f.memlimit < crypto_pwhash_MEMLIMIT_MIN || f.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
    return bad(_("its Argon2id limits are outside what this wallet accepts"));
  if (!hex_field("salt", crypto_pwhash_SALTBYTES, &f.salt)) return bad(_("bad 'salt'"));
  if (!hex_field("nonce", crypto_secretbox_NONCEBYTES, &f.nonce)) return bad(_("bad 'nonce'"));
  if (!hex_field("ciphertext", crypto_secretbox_MACBYTES + 32, &f.ciphertext))
    return bad(_("bad 'ciphertext'"));
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
    return CliStatus::Usage(
        Tr("'{name}' is not a valid key name: use 1 to 64 letters, digits, "
           "'.', '_' or '-', not starting with '.'",
           fmt::arg("name", std::string(name))));
  return CliStatus::Ok();
}

CliStatus KeyStore::Write(std::string_view name, const KeyFile& file) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  s = PrepareDir(dir_);
  if (!s.ok()) return s;
  std::string path = PathOf(name);
  bool existed = false;
  s = WriteFileAtomically(path, KeyFileToJson(file), /*replace=*/false, &existed);
  if (existed)
    return CliStatus::Usage(
        Tr("a key named '{name}' exists already ({path}); choose another "
           "name: liard never overwrites a key file",
           fmt::arg("name", std::string(name)), fmt::arg("path", path)));
  return s;
}

CliStatus KeyStore::Replace(std::string_view name, const KeyFile& file) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  return WriteFileAtomically(PathOf(name), KeyFileToJson(file));
}

CliStatus KeyStore::Read(std::string_view name, KeyFile* out) const {
  CliStatus s = CheckName(name);
  if (!s.ok()) return s;
  std::string path = PathOf(name);
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (errno == ENOENT)
      return CliStatus::Usage(
          Tr("no key named '{name}' (looked for {path}); create one with 'liard key new {name}' "
             "or 'liard key import {name} --seed-file FILE', or choose another with --key",
             fmt::arg("name", std::string(name)), fmt::arg("path", path)));
    return CliStatus::Local(Tr("cannot read {path}: {reason}", fmt::arg("path", path),
                               fmt::arg("reason", std::strerror(errno))));
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    std::cerr << "liard: "
              << Tr("WARNING: the key file {path} has mode {mode}: other users of this machine "
                    "may read it and try passphrases offline; run: chmod 600 {path}",
                    fmt::arg("path", path), fmt::arg("mode", mode))
              << "\n";
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
    return CliStatus::Local(Tr("cannot list {dir}: {reason}", fmt::arg("dir", dir_),
                               fmt::arg("reason", std::strerror(errno))));
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
        _("a seed is 64 hexadecimal characters (32 bytes), e.g. a file written by 'liard-node "
          "init --demo' in DIR/demo-keys"));
  }
  sodium_memzero(bytes.data(), bytes.size());
  return CliStatus::Ok();
}

}  // namespace liard::wallet
