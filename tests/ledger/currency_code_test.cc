// Currency codes: one definition (ledger/currency_code.h) for the genesis, addresses and the
// node's genesis file.
#include "ledger/currency_code.h"

#include <catch2/catch.hpp>

#include "ledger/address.h"
#include "ledger/genesis.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;

TEST_CASE("a currency code is 2 to 12 of A-Z and 0-9, starting with a letter",
          "[ledger][currency-code]") {
  for (std::string_view good : {"ROUE", "EUSKO", "GONETTE", "R2", "A1B2C3", "ABCDEFGHIJKL"}) {
    INFO(good);
    CHECK(IsValidCurrencyCode(good));
  }
  for (std::string_view bad : {"", "R", "roue", "Roue", "2ROUE", "RO-UE", "RO UE", "ROU\xc3\x89",
                               "ABCDEFGHIJKLM", "ROUE\n"}) {
    INFO(bad);
    CHECK_FALSE(IsValidCurrencyCode(bad));
  }
  static_assert(IsValidCurrencyCode("ROUE"));
}

TEST_CASE("every valid currency code, in either case, is one an address can carry",
          "[ledger][currency-code]") {
  // All codes of 1 to 3 characters over a small alphabet, and longer ones up to the limits.
  const std::string alphabet = "AZaz09-";
  std::vector<std::string> codes = {""};
  for (int len = 1; len <= 3; ++len) {
    std::vector<std::string> longer;
    for (const auto& c : codes)
      if (c.size() == static_cast<size_t>(len - 1))
        for (char ch : alphabet) longer.push_back(c + ch);
    codes.insert(codes.end(), longer.begin(), longer.end());
  }
  for (size_t n = 4; n <= 17; ++n) codes.push_back("R" + std::string(n - 1, '7'));
  for (const auto& code : codes) {
    INFO("'" << code << "'");
    if (IsValidCurrencyCode(code)) {
      CHECK(IsAddressCurrencyCode(code));
      std::string lower = code;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      CHECK(IsAddressCurrencyCode(lower));
      // And an address of it round-trips.
      PublicKey id;
      CHECK(DecodeAddress(code, EncodeAddress(code, Fixture::Id("alice")), &id).ok());
      CHECK(id == Fixture::Id("alice"));
    }
    // The address rule: 1 to 16 ASCII letters or digits, either case.
    const bool alnum = std::all_of(code.begin(), code.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
    CHECK(IsAddressCurrencyCode(code) == (!code.empty() && code.size() <= 16 && alnum));
  }
}

TEST_CASE("the genesis and the address decoder both apply the one definition",
          "[ledger][currency-code]") {
  auto with_code = [](std::string code) {
    Fixture f;
    Genesis g = f.genesis();
    g.currency_code = std::move(code);
    return ValidateGenesis(g);
  };
  CHECK(with_code("ABCDEFGHIJKL").ok());
  CHECK(with_code("R2").ok());
  for (std::string bad : {"R", "roue", "2ROUE", "ABCDEFGHIJKLM"}) {
    INFO(bad);
    const Status s = with_code(bad);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() == "currency code must be 2 to 12 of A-Z and 0-9, starting with a letter");
  }
  PublicKey id;
  const Status s = DecodeAddress("ABCDEFGHIJKLMNOPQ", "roue1qqqq", &id);
  CHECK(s.message() ==
        "'ABCDEFGHIJKLMNOPQ' is not a currency code: it must be 1 to 16 letters or "
        "digits");
}

}  // namespace
}  // namespace liard
