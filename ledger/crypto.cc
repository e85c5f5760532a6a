// Crypto: thin wrappers over libsodium; the only file of ledger/ that calls it.
#include "ledger/crypto.h"

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

Hash Sha256(std::initializer_list<std::string_view> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (std::string_view p : parts)
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  Hash h;
  crypto_hash_sha256_final(&state, h.data.data());
  return h;
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
