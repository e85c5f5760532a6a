// Crypto: thin wrappers over libsodium (Ed25519, randomness) and OpenSSL's libcrypto
// (SHA-256); the only file of ledger/ that calls either.
#include "ledger/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <mutex>

namespace liard {

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness source: nothing safe can be done
  });
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string KeyFingerprint(const PublicKey& key) {
  const std::string hex = ToHex(key.view().substr(0, 8));
  return hex.substr(0, 4) + "-" + hex.substr(4, 4) + "-" + hex.substr(8, 4) + "-" +
         hex.substr(12, 4);
}

std::string KeyListText(const std::vector<PublicKey>& keys) {
  std::string text;
  for (const PublicKey& k : keys)
    text += (text.empty() ? "" : ", ") + KeyFingerprint(k) + " (" + ToHex(k) + ")";
  return text;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string result;
  result.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    result.push_back(static_cast<char>(hi << 4 | lo));
  }
  *out = std::move(result);
  return true;
}

namespace {

// libsodium's portable SHA-256: the fallback should OpenSSL refuse to hash.
Hash Sha256Sodium(std::initializer_list<std::string_view> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (std::string_view p : parts)
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  Hash h;
  crypto_hash_sha256_final(&state, h.data.data());
  return h;
}

// One digest context per thread, reused: creating one per hash costs more than hashing a
// record. Freed when the thread ends.
struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

// SHA-256 is the node's most frequent hash (entry hashes, operation ids, the state digest's
// record hashes: about a dozen per transfer). OpenSSL uses the CPU's SHA extensions where they
// exist, 4 to 5 times faster than libsodium's portable code on the benchmark machine
// (docs/benchmarks.md); both compute the same function, so the choice changes no hash.
// The digest is fetched from the provider once: with EVP_sha256(), every EVP_DigestInit_ex2
// fetched it again, which cost more than hashing a record (360 against 155 ns for a 150-byte
// record on the benchmark machine; docs/benchmarks.md, "LtHash").
Hash Sha256(std::initializer_list<std::string_view> parts) {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local DigestContext context;
  EVP_MD_CTX* ctx = context.ctx;
  bool ok = ctx != nullptr && md != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) == 1;
  for (std::string_view p : parts) {
    if (!ok) break;
    ok = EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  }
  Hash h;
  unsigned int size = 0;
  if (ok && EVP_DigestFinal_ex(ctx, h.data.data(), &size) == 1 && size == h.data.size()) return h;
  return Sha256Sodium(parts);
}

KeyPair KeyPair::Generate() {
  InitCrypto();
  Seed seed;
  randombytes_buf(seed.data.data(), seed.size());
  KeyPair kp = FromSeed(seed);
  sodium_memzero(seed.data.data(), seed.size());
  return kp;
}

KeyPair KeyPair::FromSeed(const Seed& seed) {
  InitCrypto();
  KeyPair kp;
  kp.seed_ = seed;
  crypto_sign_seed_keypair(kp.public_key_.data.data(), kp.secret_key_.data(), seed.data.data());
  return kp;
}

KeyPair::~KeyPair() {
  sodium_memzero(secret_key_.data(), secret_key_.size());
  sodium_memzero(seed_.data.data(), seed_.size());
}

Signature KeyPair::Sign(std::string_view message) const {
  Signature sig;
  crypto_sign_detached(sig.data.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_key_.data());
  return sig;
}

bool IsValidPublicKey(const PublicKey& key) {
  InitCrypto();
  return crypto_core_ed25519_is_valid_point(key.data.data()) == 1;
}

bool Verify(const PublicKey& key, std::string_view message, const Signature& signature) {
  InitCrypto();
  return crypto_sign_verify_detached(signature.data.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data.data()) == 0;
}

}  // namespace liard
