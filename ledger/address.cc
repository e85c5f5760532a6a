// Address: bech32m (BIP-173 charset and polymod, BIP-350 constant) encoding of account ids, with
// refusals precise enough that a person can tell a typo from an address of another currency.
#include "ledger/address.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/currency_code.h"

namespace liard {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
// BIP-350's constant; BIP-173's was 1, whose checksums survive inserting a 'q' before a final 'p'.
constexpr uint32_t kBech32mConstant = 0x2bc830a3;
constexpr size_t kChecksumLength = 6;
// BIP-173's limit: the checksum's guarantees are only proven for strings this long or shorter.
constexpr size_t kMaxLength = 90;
// 256 bits in 5-bit groups: 51 full groups and one holding the last bit and 4 zero bits.
constexpr size_t kIdGroups = (PublicKey::size() * 8 + 4) / 5;
constexpr size_t kAddressDataGroups = 1 + kIdGroups;  // the version, then the id

// Each character's value, or -1: a table, because decoding looks up every character.
constexpr std::array<int8_t, 128> MakeReverseCharset() {
  std::array<int8_t, 128> table{};
  for (auto& v : table) v = -1;
  for (size_t i = 0; i < kCharset.size(); ++i)
    table[static_cast<uint8_t>(kCharset[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr std::array<int8_t, 128> kReverseCharset = MakeReverseCharset();

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

// Quotes text for a message; bytes a terminal would mangle are shown as \xNN.
std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (char c : s) {
    const auto b = static_cast<uint8_t>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out + "'";
}

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// The BCH checksum of BIP-173: the remainder of the values, read as a polynomial over GF(32),
// modulo the generator, packed into 30 bits.
uint32_t Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGenerator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                             0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    const uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGenerator[i];
    }
  }
  return chk;
}

// The human-readable part enters the checksum as its high bits, a zero, then its low bits, so
// that every bit of every character is covered by 5-bit symbols.
std::vector<uint8_t> ChecksumInput(std::string_view hrp, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> values;
  values.reserve(hrp.size() * 2 + 1 + data.size() + kChecksumLength);
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) >> 5);
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) & 31);
  values.insert(values.end(), data.begin(), data.end());
  return values;
}

// A bech32m string split into its parts; the checksum is not verified yet, so that the caller
// can word the refusal knowing which currency the string claims to be of.
struct Parsed {
  std::string hrp;              // lower case
  std::vector<uint8_t> values;  // data groups followed by the 6 checksum groups
};

Status Parse(std::string_view text, Parsed* out) {
  if (text.empty()) return Invalid("the address is empty");
  bool has_upper = false;
  bool has_lower = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<uint8_t>(text[i]);
    const std::string where = " at position " + std::to_string(i + 1);
    if (b >= 0x80) {
      return Invalid("the address contains a character that is not plain ASCII" + where +
                     "; addresses use only letters and digits");
    }
    if (b == ' ') return Invalid("the address contains a space" + where);
    if (b < 0x20 || b == 0x7f) {
      return Invalid("the address contains a control character (" + Quote(text.substr(i, 1)) + ")" +
                     where);
    }
    has_upper |= IsUpper(text[i]);
    has_lower |= IsLower(text[i]);
  }
  if (has_upper && has_lower) {
    return Invalid(
        "the address mixes upper and lower case letters; it must be written all in one case");
  }
  if (text.size() > kMaxLength) {
    return Invalid("the address is too long: " + std::to_string(text.size()) +
                   " characters, at most " + std::to_string(kMaxLength));
  }
  // The last '1' separates: '1' is not in the charset, but may appear in the currency code.
  const size_t separator = text.rfind('1');
  if (separator == std::string_view::npos) {
    return Invalid("the address has no '1' separating the currency code from the rest");
  }
  if (separator == 0) {
    return Invalid("the address starts with its '1' separator; the currency code is missing");
  }
  const std::string_view rest = text.substr(separator + 1);
  if (rest.size() < kChecksumLength) {
    return Invalid("the address is too short: only " + std::to_string(rest.size()) +
                   " characters after the '1' separator");
  }
  Parsed parsed;
  parsed.hrp = ToLower(text.substr(0, separator));
  parsed.values.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    const int value = kReverseCharset[static_cast<uint8_t>(ToLower(rest[i]))];
    if (value < 0) {
      return Invalid("the address contains " + Quote(rest.substr(i, 1)) + " at position " +
                     std::to_string(separator + i + 2) +
                     ", a character addresses never use (they exclude 1, b, i and o)");
    }
    parsed.values.push_back(static_cast<uint8_t>(value));
  }
  *out = std::move(parsed);
  return Status::Ok();
}

bool ChecksumMatches(const Parsed& parsed) {
  return Polymod(ChecksumInput(parsed.hrp, parsed.values)) == kBech32mConstant;
}

constexpr std::string_view kTypo = "the address has a typo: its checksum does not match";

}  // namespace

namespace internal {

std::string Bech32mEncode(std::string_view hrp, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> values = ChecksumInput(hrp, data);
  values.resize(values.size() + kChecksumLength, 0);
  const uint32_t checksum = Polymod(values) ^ kBech32mConstant;
  std::string out(hrp);
  out += '1';
  for (uint8_t v : data) out += kCharset[v & 31];
  for (size_t i = 0; i < kChecksumLength; ++i) {
    out += kCharset[(checksum >> (5 * (kChecksumLength - 1 - i))) & 31];
  }
  return out;
}

Status Bech32mDecode(std::string_view text, std::string* hrp, std::vector<uint8_t>* data) {
  Parsed parsed;
  if (Status s = Parse(text, &parsed); !s.ok()) return s;
  if (!ChecksumMatches(parsed)) return Invalid(std::string(kTypo));
  parsed.values.resize(parsed.values.size() - kChecksumLength);
  *hrp = std::move(parsed.hrp);
  *data = std::move(parsed.values);
  return Status::Ok();
}

}  // namespace internal

std::string EncodeAddress(std::string_view currency_code, const PublicKey& id) {
  const std::string hrp = ToLower(currency_code);
  assert(IsAddressCurrencyCode(hrp));
  std::vector<uint8_t> data;
  data.reserve(kAddressDataGroups);
  data.push_back(kAddressVersion);
  // 8-bit bytes regrouped into 5-bit groups, most significant bit first, the last group padded
  // with zero bits.
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t byte : id) {
    acc = ((acc << 8) | byte) & 0xfff;  // never more than 12 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push_back((acc >> bits) & 31);
    }
  }
  if (bits > 0) data.push_back((acc << (5 - bits)) & 31);
  return internal::Bech32mEncode(hrp, data);
}

Status DecodeAddress(std::string_view currency_code, std::string_view address, PublicKey* id) {
  const std::string expected_hrp = ToLower(currency_code);
  if (!IsAddressCurrencyCode(expected_hrp)) {
    return Invalid(Quote(currency_code) + " is not a currency code: it must be 1 to " +
                   std::to_string(kMaxAddressCurrencyCodeLength) + " letters or digits");
  }
  Parsed parsed;
  if (Status s = Parse(address, &parsed); !s.ok()) return s;

  // The checksum covers the currency code, so it is checked first: a valid checksum with another
  // code is a genuine address of another currency, an invalid one is a typo (perhaps in the code).
  if (!ChecksumMatches(parsed)) {
    if (parsed.hrp == expected_hrp) return Invalid(std::string(kTypo));
    return Invalid(std::string(kTypo) + " (and it starts with " + Quote(parsed.hrp) +
                   " instead of " + Quote(expected_hrp) + ")");
  }
  if (parsed.hrp != expected_hrp) {
    if (!IsAddressCurrencyCode(parsed.hrp)) {
      return Invalid("this is not an address of " + Quote(expected_hrp) + ": it starts with " +
                     Quote(parsed.hrp) + ", which is not a currency code");
    }
    return Invalid("this is an address of another currency (" + Quote(parsed.hrp) + "), not " +
                   Quote(expected_hrp));
  }

  std::vector<uint8_t>& values = parsed.values;
  values.resize(values.size() - kChecksumLength);
  // The version is judged before the length: a later version may well have another length.
  if (!values.empty() && values[0] != kAddressVersion) {
    return Invalid("the address has version " + std::to_string(values[0]) +
                   ", but this software only knows version " + std::to_string(kAddressVersion) +
                   " (it may come from a newer version of liard)");
  }
  if (values.size() != kAddressDataGroups) {
    return Invalid("the address has " + std::to_string(values.size() + kChecksumLength) +
                   " characters after " + Quote(expected_hrp + "1") + ", expected " +
                   std::to_string(kAddressDataGroups + kChecksumLength));
  }

  PublicKey decoded;
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    acc = ((acc << 5) | values[i]) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      decoded.data[n++] = (acc >> bits) & 0xff;
    }
  }
  // 260 bits carry 256: the 4 left over must be zero, or two strings would name one account.
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Invalid("the address is malformed: its last data character has non-zero padding bits");
  }
  *id = decoded;
  return Status::Ok();
}

}  // namespace liard
