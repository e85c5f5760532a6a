// Currency codes: the one definition of what a currency code is, for the genesis, addresses and
// the node's genesis file alike.
#ifndef LIARD_LEDGER_CURRENCY_CODE_H_
#define LIARD_LEDGER_CURRENCY_CODE_H_

#include <cstddef>
#include <string_view>

namespace liard {

// A currency's code, as a genesis defines it ("ROUE"): 2 to 12 of A-Z and 0-9, starting with a
// letter. ValidateGenesis refuses any other.
inline constexpr size_t kMinCurrencyCodeLength = 2;
inline constexpr size_t kMaxCurrencyCodeLength = 12;
inline constexpr std::string_view kCurrencyCodeRule =
    "2 to 12 of A-Z and 0-9, starting with a letter";

constexpr bool IsCurrencyCodeLetter(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

constexpr bool IsValidCurrencyCode(std::string_view code) {
  if (code.size() < kMinCurrencyCodeLength || code.size() > kMaxCurrencyCodeLength) return false;
  if (!IsCurrencyCodeLetter(code[0])) return false;
  for (char c : code)
    if (!IsCurrencyCodeLetter(c) && !IsAsciiDigit(c)) return false;
  return true;
}

// What an address may carry as its human-readable part, and what the node's genesis parser
// lets through before ValidateGenesis judges the exact form: 1 to 16 ASCII letters (either
// case: an address holds the code in lower case) or digits. Every valid code passes it. It is
// wider than IsValidCurrencyCode because the address decoder's refusals are protocol
// (docs/protocol.md, "Addresses", check 0) and a wallet may decode with any code it is given;
// narrowing it would change what clients see, for no ledger that exists.
inline constexpr size_t kMaxAddressCurrencyCodeLength = 16;

constexpr bool IsAddressCurrencyCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxAddressCurrencyCodeLength) return false;
  for (char c : code)
    if (!IsCurrencyCodeLetter(c) && !(c >= 'a' && c <= 'z') && !IsAsciiDigit(c)) return false;
  return true;
}

}  // namespace liard

#endif  // LIARD_LEDGER_CURRENCY_CODE_H_
