// Crypto: the few libsodium primitives liard uses (Ed25519 signatures, SHA-256), as value types.
#ifndef LIARD_LEDGER_CRYPTO_H_
#define LIARD_LEDGER_CRYPTO_H_

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace liard {

// A fixed-size byte string, compared and hashed by content.
template <size_t N>
struct Bytes {
  std::array<uint8_t, N> data{};

  static constexpr size_t size() { return N; }
  const uint8_t* begin() const { return data.data(); }
  const uint8_t* end() const { return data.data() + N; }
  std::string_view view() const {
    return std::string_view(reinterpret_cast<const char*>(data.data()), N);
  }
  // Copies `bytes` in; false (and unchanged) unless it has exactly N bytes.
  bool Assign(std::string_view bytes) {
    if (bytes.size() != N) return false;
    std::memcpy(data.data(), bytes.data(), N);
    return true;
  }
  bool IsZero() const {
    for (uint8_t b : data)
      if (b != 0) return false;
    return true;
  }
  friend auto operator<=>(const Bytes&, const Bytes&) = default;
};

using PublicKey = Bytes<32>;  // an Ed25519 public key; also an account id
using Signature = Bytes<64>;  // an Ed25519 detached signature
using Hash = Bytes<32>;       // a SHA-256 digest
using Seed = Bytes<32>;       // an Ed25519 private seed

// Lower-case hex, and its inverse (false on odd length or a non-hex character).
std::string ToHex(std::string_view bytes);
template <size_t N>
std::string ToHex(const Bytes<N>& b) {
  return ToHex(b.view());
}
bool FromHex(std::string_view hex, std::string* out);
// A key's short fingerprint, read aloud or compared by eye: its first 8 bytes in hex, in four
// groups ("5dab-a278-b8b4-e430"). It names a key among a few; only the full key proves one.
std::string KeyFingerprint(const PublicKey& key);
// Keys as people are shown them in a list: "FINGERPRINT (HEX), FINGERPRINT (HEX)".
std::string KeyListText(const std::vector<PublicKey>& keys);

// Initialises libsodium once; safe to call from any thread, any number of times.
void InitCrypto();

// SHA-256 of the concatenation of the parts.
Hash Sha256(std::initializer_list<std::string_view> parts);

// A signing key: the seed and its derived public key. The secret never leaves this object but
// through seed(), which the wallet uses to encrypt it to disk.
class KeyPair {
 public:
  static KeyPair Generate();
  static KeyPair FromSeed(const Seed& seed);

  const PublicKey& public_key() const { return public_key_; }
  const Seed& seed() const { return seed_; }
  Signature Sign(std::string_view message) const;

  ~KeyPair();
  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;

 private:
  KeyPair() = default;
  Seed seed_;
  PublicKey public_key_;
  std::array<uint8_t, 64> secret_key_{};
};

// True if `signature` is a valid Ed25519 signature of `message` by `key` (libsodium's strict
// verification: non-canonical signatures and small-order keys are refused).
bool Verify(const PublicKey& key, std::string_view message, const Signature& signature);
// True if `key` is a canonical Ed25519 point of the main subgroup: one that can ever verify.
bool IsValidPublicKey(const PublicKey& key);

}  // namespace liard

template <size_t N>
struct std::hash<liard::Bytes<N>> {
  size_t operator()(const liard::Bytes<N>& b) const noexcept {
    // Keys and digests are uniformly distributed: their first bytes are a good hash.
    size_t h;
    std::memcpy(&h, b.data.data(), sizeof h);
    return h;
  }
};

#endif  // LIARD_LEDGER_CRYPTO_H_
