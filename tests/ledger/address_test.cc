// Addresses: bech32m round trips, the published BIP-350 vectors, and the refusal of typos.
#include "ledger/address.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace {

using Catch::Matchers::Contains;
using liard::Code;
using liard::DecodeAddress;
using liard::EncodeAddress;
using liard::PublicKey;
using liard::Status;

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// Pinned once computed, and cross-checked against an independent script: a change here means
// every address ever printed has changed.
constexpr std::string_view kZeroRoue =
    "roue1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa0t22r";
constexpr std::string_view kCountingRoue =
    "roue1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0s5mqg26";

PublicKey RandomKey(std::mt19937_64& rng) {
  PublicKey key;
  for (auto& b : key.data) b = static_cast<uint8_t>(rng());
  return key;
}

// Bytes 0, 1, ..., 31: all different, so a misplaced bit cannot go unnoticed.
PublicKey CountingKey() {
  PublicKey key;
  for (size_t i = 0; i < key.size(); ++i) key.data[i] = static_cast<uint8_t>(i);
  return key;
}

// A value no test address decodes to, to see that a refusal leaves the output alone.
PublicKey Sentinel() {
  PublicKey key;
  key.data.fill(0xa5);
  return key;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The variants DecodeAddress accepts for "roue"; callers expect none. Also checks that every
// refusal is kInvalidArgument with a message and leaves the id untouched.
std::vector<std::string> AcceptedByRoue(const std::vector<std::string>& variants) {
  std::vector<std::string> accepted;
  for (const std::string& v : variants) {
    PublicKey id = Sentinel();
    const Status s = DecodeAddress("roue", v, &id);
    if (s.ok()) {
      accepted.push_back(v);
      continue;
    }
    INFO("variant " << v);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_FALSE(s.message().empty());
    CHECK(id == Sentinel());
  }
  return accepted;
}

// The addresses the typo tests mutate: one of all zero bits, one with varied bits.
std::vector<std::string> TypoTargets() {
  return {EncodeAddress("roue", PublicKey()), EncodeAddress("roue", CountingKey())};
}

Status DecodeRoue(std::string_view address) {
  PublicKey id = Sentinel();
  Status s = DecodeAddress("roue", address, &id);
  if (!s.ok()) CHECK(id == Sentinel());
  return s;
}

// 5-bit groups of a well-formed address: version 0, then 52 groups of the zero id.
std::vector<uint8_t> ZeroIdGroups() {
  std::vector<uint8_t> groups(53, 0);
  groups[0] = liard::kAddressVersion;
  return groups;
}

}  // namespace

TEST_CASE("random ids survive encoding and decoding", "[ledger][address]") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (std::string_view currency : {"roue", "ROUE", "Gonette", "x", "r1", "0123456789abcdef"}) {
    INFO("currency " << currency);
    for (int i = 0; i < 200; ++i) {
      const PublicKey key = RandomKey(rng);
      const std::string address = EncodeAddress(currency, key);
      INFO("address " << address);
      CHECK(address.size() == currency.size() + 1 + 1 + 52 + 6);
      CHECK(address == ToLower(address));
      CHECK(address.substr(0, currency.size() + 2) == ToLower(currency) + "1q");
      PublicKey decoded;
      REQUIRE(DecodeAddress(currency, address, &decoded).ok());
      CHECK(decoded == key);
    }
  }
}

TEST_CASE("a generated key's public key survives encoding and decoding", "[ledger][address]") {
  const liard::KeyPair pair = liard::KeyPair::Generate();
  const std::string address = EncodeAddress("roue", pair.public_key());
  PublicKey decoded;
  REQUIRE(DecodeAddress("roue", address, &decoded).ok());
  CHECK(decoded == pair.public_key());
}

TEST_CASE("known ids encode to pinned addresses", "[ledger][address]") {
  const std::string zero = EncodeAddress("ROUE", PublicKey());
  CHECK(zero.size() == 64);
  CHECK(zero.rfind("roue1q", 0) == 0);
  CHECK(zero == kZeroRoue);
  CHECK(EncodeAddress("roue", CountingKey()) == kCountingRoue);

  PublicKey id = Sentinel();
  REQUIRE(DecodeAddress("roue", kZeroRoue, &id).ok());
  CHECK(id == PublicKey());
  REQUIRE(DecodeAddress("roue", kCountingRoue, &id).ok());
  CHECK(id == CountingKey());
}

TEST_CASE("the published BIP-350 bech32m vectors are valid and re-encode identically",
          "[ledger][address]") {
  for (std::string_view vector : {
           "A1LQFN3A",
           "a1lqfn3a",
           "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11s"
           "g7hg6",
           "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
           "11lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
           "udsr8",
           "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
           "?1v759aa",
       }) {
    INFO("vector " << vector);
    std::string hrp;
    std::vector<uint8_t> data;
    const Status s = liard::internal::Bech32mDecode(vector, &hrp, &data);
    REQUIRE(s.ok());
    CHECK(liard::internal::Bech32mEncode(hrp, data) == ToLower(vector));
  }
}

TEST_CASE("the published BIP-350 invalid strings are refused", "[ledger][address]") {
  for (std::string_view vector : {
           std::string_view("\x20"
                            "1xj0phk"),
           std::string_view("\x7f"
                            "1g6xzxy"),
           std::string_view("\x80"
                            "1vctc34"),
           std::string_view("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharac"
                            "tersbioandnumber11d6pts4"),
           std::string_view("qyrz8wqd2c9m"),
           std::string_view("1qyrz8wqd2c9m"),
           std::string_view("y1b0jsk6g"),
           std::string_view("lt1igcx5c0"),
           std::string_view("in1muywd"),
           std::string_view("mm1crxm3i"),
           std::string_view("au1s5cgom"),
           std::string_view("M1VUXWEZ"),
           std::string_view("16plkw9"),
           std::string_view("1p2gdwpf"),
       }) {
    INFO("vector " << vector);
    std::string hrp = "untouched";
    std::vector<uint8_t> data = {7};
    const Status s = liard::internal::Bech32mDecode(vector, &hrp, &data);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(hrp == "untouched");
    CHECK(data == std::vector<uint8_t>{7});
  }
}

TEST_CASE("BIP-173 bech32 checksums are refused by bech32m", "[ledger][address]") {
  // The BIP-173 valid vectors: the old constant must not be accepted, or the 'q'-insertion
  // weakness bech32m fixes would come back.
  for (std::string_view vector : {
           "A12UEL5L",
           "a12uel5l",
           "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
           "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
           "?1ezyfcl",
       }) {
    INFO("vector " << vector);
    std::string hrp;
    std::vector<uint8_t> data;
    const Status s = liard::internal::Bech32mDecode(vector, &hrp, &data);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains("checksum"));
  }
}

TEST_CASE("every single-character substitution is refused", "[ledger][address]") {
  for (const std::string& address : TypoTargets()) {
    INFO("address " << address);
    const size_t separator = address.rfind('1');
    std::vector<std::string> variants;
    for (size_t i = 0; i < address.size(); ++i) {
      for (char c : kCharset) {
        if (c == address[i]) continue;
        std::string v = address;
        v[i] = c;
        variants.push_back(v);
        // In the data part nothing but the checksum can catch it, and it must say so.
        if (i > separator) CHECK_THAT(DecodeRoue(v).message(), Contains("typo"));
      }
    }
    CHECK(variants.size() > 60 * 30);
    CHECK(AcceptedByRoue(variants).empty());
  }
}

TEST_CASE("every swap of two adjacent different characters is refused", "[ledger][address]") {
  for (const std::string& address : TypoTargets()) {
    INFO("address " << address);
    std::vector<std::string> variants;
    for (size_t i = 0; i + 1 < address.size(); ++i) {
      if (address[i] == address[i + 1]) continue;
      std::string v = address;
      std::swap(v[i], v[i + 1]);
      variants.push_back(v);
    }
    CHECK_FALSE(variants.empty());
    CHECK(AcceptedByRoue(variants).empty());
  }
}

TEST_CASE("a deleted character is refused", "[ledger][address]") {
  for (const std::string& address : TypoTargets()) {
    INFO("address " << address);
    std::vector<std::string> variants;
    for (size_t i = 0; i < address.size(); ++i) {
      variants.push_back(address.substr(0, i) + address.substr(i + 1));
    }
    CHECK(AcceptedByRoue(variants).empty());
  }
}

TEST_CASE("an inserted character is refused", "[ledger][address]") {
  const std::string inserted = std::string(kCharset) + "1";
  for (const std::string& address : TypoTargets()) {
    INFO("address " << address);
    std::vector<std::string> variants;
    for (size_t i = 0; i <= address.size(); ++i) {
      for (char c : inserted) variants.push_back(address.substr(0, i) + c + address.substr(i));
    }
    CHECK(AcceptedByRoue(variants).empty());
  }
}

TEST_CASE("an address of another currency is refused, naming both currencies",
          "[ledger][address]") {
  const std::string gonette = EncodeAddress("gonette", CountingKey());
  const Status s = DecodeRoue(gonette);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(),
             Contains("another currency") && Contains("'gonette'") && Contains("'roue'"));

  // The currency code is matched without regard to case, as it is lower-cased into the address.
  PublicKey id;
  CHECK(DecodeAddress("GONETTE", gonette, &id).ok());
  CHECK(id == CountingKey());
}

TEST_CASE("a typo in the currency part is reported as a typo, not another currency",
          "[ledger][address]") {
  std::string address(kCountingRoue);
  address[1] = 'p';  // "rpue1..."
  const Status s = DecodeRoue(address);
  CHECK_THAT(s.message(), Contains("typo") && Contains("'rpue'"));
}

TEST_CASE("an all upper case address is accepted", "[ledger][address]") {
  PublicKey id = Sentinel();
  REQUIRE(DecodeAddress("roue", ToUpper(kCountingRoue), &id).ok());
  CHECK(id == CountingKey());
  REQUIRE(DecodeAddress("ROUE", ToUpper(kZeroRoue), &id).ok());
  CHECK(id == PublicKey());
}

TEST_CASE("a mixed-case address is refused", "[ledger][address]") {
  int refused = 0;
  for (size_t i = 0; i < kCountingRoue.size(); ++i) {
    std::string address(kCountingRoue);
    address[i] = ToUpper(address.substr(i, 1))[0];
    if (address == kCountingRoue) continue;  // a digit has no case
    ++refused;
    INFO("address " << address);
    const Status s = DecodeRoue(address);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains("upper and lower case"));
  }
  CHECK(refused > 40);
  // And the other way round: one lower-case letter in an upper-case address.
  std::string address = ToUpper(kCountingRoue);
  address[0] = 'r';
  CHECK_THAT(DecodeRoue(address).message(), Contains("upper and lower case"));
}

TEST_CASE("malformed addresses are refused with the reason", "[ledger][address]") {
  const std::string good(kCountingRoue);
  struct Case {
    std::string address;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {" " + good, "space at position 1"},
      {good + " ", "space at position 65"},
      {good + "\n", "control character"},
      {"roue1\xc3\xa9" + good.substr(6), "not plain ASCII at position 6"},
      {"roueq" + good.substr(5), "no '1'"},
      {good.substr(4), "currency code is missing"},
      {"roue1qqqqq", "too short"},
      {good.substr(0, 10) + "b" + good.substr(11), "'b' at position 11"},
      {good.substr(0, 10) + "o" + good.substr(11), "never use"},
      {good.substr(0, 10) + "z" + good.substr(11), "checksum does not match"},
      {good + std::string(30, 'q'), "too long"},
      {"?1v759aa", "'?', which is not a currency code"},
  };
  for (const Case& c : cases) {
    INFO("address " << c.address);
    const Status s = DecodeRoue(c.address);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains(c.reason));
  }
}

TEST_CASE("a valid checksum over a wrong version, length or padding is refused",
          "[ledger][address]") {
  std::vector<uint8_t> groups = ZeroIdGroups();
  REQUIRE(DecodeRoue(liard::internal::Bech32mEncode("roue", groups)).ok());

  SECTION("another version") {
    groups[0] = 1;
    CHECK_THAT(DecodeRoue(liard::internal::Bech32mEncode("roue", groups)).message(),
               Contains("version 1") && Contains("version 0"));
  }
  SECTION("one group short") {
    groups.pop_back();
    CHECK_THAT(DecodeRoue(liard::internal::Bech32mEncode("roue", groups)).message(),
               Contains("has 58 characters") && Contains("expected 59"));
  }
  SECTION("one group too many") {
    groups.push_back(0);
    CHECK_THAT(DecodeRoue(liard::internal::Bech32mEncode("roue", groups)).message(),
               Contains("has 60 characters") && Contains("expected 59"));
  }
  SECTION("no data at all") {
    CHECK_THAT(DecodeRoue(liard::internal::Bech32mEncode("roue", {})).message(),
               Contains("has 6 characters"));
  }
  SECTION("padding bits set") {
    // The last group carries the id's last bit in its top bit; the low 4 bits are padding.
    for (uint8_t last : {1, 2, 4, 8, 15}) {
      groups.back() = last;
      CHECK_THAT(DecodeRoue(liard::internal::Bech32mEncode("roue", groups)).message(),
                 Contains("padding"));
    }
    groups.back() = 16;
    PublicKey id;
    REQUIRE(DecodeAddress("roue", liard::internal::Bech32mEncode("roue", groups), &id).ok());
    CHECK(id.data[31] == 1);
  }
}

TEST_CASE("an invalid currency code is refused", "[ledger][address]") {
  const std::string good(kCountingRoue);
  for (std::string_view code : {"", "ro ue", "rou-e", "rou\xc3\xa9", "abcdefghijklmnopq"}) {
    INFO("currency " << code);
    PublicKey id = Sentinel();
    const Status s = DecodeAddress(code, good, &id);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains("not a currency code"));
    CHECK(id == Sentinel());
  }
  // Sixteen characters is the longest code allowed.
  PublicKey id;
  CHECK(DecodeAddress("abcdefghijklmnop", EncodeAddress("abcdefghijklmnop", CountingKey()), &id)
            .ok());
}
