// Amount: checked arithmetic, ratio rounding, and parsing and formatting of typed amounts.
#include "ledger/amount.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using liard::Amount;
using liard::Code;
using liard::Rounding;
using liard::Status;

namespace {

__extension__ typedef __int128 Int128;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// A sentinel that no test input parses to, so "untouched" is observable.
constexpr Amount kSentinel(-424242);

// Mixes magnitudes: uniform 64-bit values would almost all be near the limits and miss the
// small and middle values where rounding and padding bugs hide.
int64_t RandomInt64(std::mt19937_64& rng) {
  const uint64_t bits = rng() >> (rng() % 64);
  return static_cast<int64_t>(rng() % 2 == 0 ? bits : 0 - bits);
}

// A seed that is fixed by default (reproducible runs) and varies with Catch's --rng-seed.
uint64_t TestSeed() { return 0x6c69617264ULL ^ Catch::rngSeed(); }

}  // namespace

TEST_CASE("amounts typed with either separator are read as minor units", "[ledger][amount]") {
  struct Case {
    std::string_view text;
    int decimals;
    int64_t minor;
  };
  const std::vector<Case> cases = {
      {"12,50", 2, 1250},
      {"12.50", 2, 1250},
      {"12", 2, 1200},
      {"0,01", 2, 1},
      {"007", 2, 700},
      {"12,5", 2, 1250},
      {"12.5", 2, 1250},
      {"0", 2, 0},
      {"0.00", 2, 0},
      {"  12,50", 2, 1250},
      {"12,50  ", 2, 1250},
      {"\t12.50\t ", 2, 1250},
      {"12", 0, 12},
      {"007", 0, 7},
      {"1.5", 1, 15},
      {"1,000000001", 9, 1000000001},
      {"3", 9, 3000000000},
      {"92233720368547758.07", 2, kMax},
      {"92233720368547758,07", 2, kMax},
      {"9223372036854775807", 0, kMax},
      {"9223372036.854775807", 9, kMax},
      {"0000000000000000000000000000000000000001", 0, 1},
      // Thousands as the French type them (issue 18): spaces of any width, in groups of three.
      {"1 200", 2, 120000},
      {"1 200,00", 2, 120000},
      {"1\xC2\xA0"
       "200,00",
       2, 120000},  // U+00A0
      {"1\xE2\x80\xAF"
       "200,00",
       2, 120000},  // U+202F, as liard writes them
      {"1\xE2\x80\x89"
       "200,00",
       2, 120000},  // U+2009
      {"12 345 678.90", 2, 1234567890},
      {"1 000", 0, 1000},
      {"\xC2\xA0"
       "12,50\xE2\x80\xAF",
       2, 1250},  // wide blanks around
      // Both marks: the last one separates decimals, the other thousands.
      {"1.200,00", 2, 120000},
      {"1,200.00", 2, 120000},
      {"1.234.567,8", 2, 123456780},
      {"1.000,50", 2, 100050},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\" with " << c.decimals << " decimals");
    Amount out = kSentinel;
    const Status s = liard::ParseAmount(c.text, c.decimals, &out);
    CHECK(s.ok());
    CHECK(s.message().empty());
    CHECK(out.minor() == c.minor);
  }
}

TEST_CASE("malformed amounts are refused with a reason and leave the output alone",
          "[ledger][amount]") {
  struct Case {
    std::string_view text;
    int decimals;
    Code code;
    std::string_view reason;  // a fragment the message must contain
  };
  const std::vector<Case> cases = {
      {"", 2, Code::kInvalidArgument, "empty"},
      {" ", 2, Code::kInvalidArgument, "empty"},
      {" \t ", 2, Code::kInvalidArgument, "empty"},
      {"-1", 2, Code::kInvalidArgument, "negative"},
      {"-0", 2, Code::kInvalidArgument, "negative"},
      {"+1", 2, Code::kInvalidArgument, "'+'"},
      {"1e3", 2, Code::kInvalidArgument, "'e'"},
      {"0x10", 2, Code::kInvalidArgument, "'x'"},
      {"1-2", 2, Code::kInvalidArgument, "'-'"},
      {"12.5.0", 2, Code::kInvalidArgument, "more than one"},
      {"1.200.000", 2, Code::kInvalidArgument, "more than one"},
      {"1,200,000", 2, Code::kInvalidArgument, "more than one"},
      {"1.200,000.5", 2, Code::kInvalidArgument, "more than one"},
      {"12.505", 2, Code::kInvalidArgument, "at most 2 decimals"},
      // "1.200" and "1,200" are never guessed to be twelve hundred.
      {"1.200", 2, Code::kInvalidArgument, "for thousands, write 1 200"},
      {"1,200", 2, Code::kInvalidArgument, "for thousands, write 1 200"},
      {"12 50", 2, Code::kInvalidArgument, "groups of three"},
      {"1 2000", 2, Code::kInvalidArgument, "groups of three"},
      {"1234 567", 2, Code::kInvalidArgument, "groups of three"},
      {"1 200,5 0", 2, Code::kInvalidArgument, "groups of three"},
      {"1.20,00", 2, Code::kInvalidArgument, "groups of three"},
      {"1 200.000,50", 2, Code::kInvalidArgument, "two ways"},
      {"1.200,00", 0, Code::kInvalidArgument, "no decimals"},
      {"1.55", 1, Code::kInvalidArgument, "at most 1 decimal"},
      {"12.", 2, Code::kInvalidArgument, "after the decimal separator"},
      {"12,", 2, Code::kInvalidArgument, "after the decimal separator"},
      {".5", 2, Code::kInvalidArgument, "before the decimal separator"},
      {",5", 2, Code::kInvalidArgument, "before the decimal separator"},
      {".", 2, Code::kInvalidArgument, "before the decimal separator"},
      {"1\t000", 2, Code::kInvalidArgument, "spaces"},
      {"12 ,50", 2, Code::kInvalidArgument, "spaces"},
      {"\xD9\xA1\xD9\xA2", 2, Code::kInvalidArgument, "ASCII digits"},  // Arabic-Indic "١٢"
      {"\xEF\xBC\x91\xEF\xBC\x92", 2, Code::kInvalidArgument, "ASCII digits"},  // fullwidth
      {"12,50 \xE2\x82\xAC", 2, Code::kInvalidArgument, "ASCII digits"},        // "12,50 €"
      {"\xE2\x82\xAC"
       "12",
       2, Code::kInvalidArgument, "ASCII digits"},  // "€12"
      {"12,50 ROUE", 2, Code::kInvalidArgument, "'R'"},
      {"EUR 12", 2, Code::kInvalidArgument, "'E'"},
      {std::string_view("1\0"
                        "2",
                        3),
       2, Code::kInvalidArgument, "control character"},
      {"1\n", 2, Code::kInvalidArgument, "control character"},
      {"12,5", 0, Code::kInvalidArgument, "no decimals"},
      {"12.", 0, Code::kInvalidArgument, "no decimals"},
      {"1", -1, Code::kInvalidArgument, "decimals must be 0 to 9"},
      {"1", 10, Code::kInvalidArgument, "decimals must be 0 to 9"},
      {"92233720368547758.08", 2, Code::kOutOfRange, "too large"},
      {"92233720368547758,1", 2, Code::kOutOfRange, "too large"},
      {"92233720368547759", 2, Code::kOutOfRange, "too large"},
      {"9223372036854775808", 0, Code::kOutOfRange, "too large"},
      {"18446744073709551616", 0, Code::kOutOfRange, "too large"},  // 2^64: no silent wrap
      {"1234567890123456789012345678901234567890", 0, Code::kOutOfRange, "too large"},
      {"9223372036.854775808", 9, Code::kOutOfRange, "too large"},
      {"10000000000", 9, Code::kOutOfRange, "too large"},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\" with " << c.decimals << " decimals");
    Amount out = kSentinel;
    const Status s = liard::ParseAmount(c.text, c.decimals, &out);
    CHECK(s.code() == c.code);
    CHECK_FALSE(s.message().empty());
    INFO("message: " << s.message());
    CHECK(s.message().find(c.reason) != std::string::npos);
    CHECK(out == kSentinel);
  }
}

TEST_CASE("the too-large message states the limit in the separator the person used",
          "[ledger][amount]") {
  Amount out;
  const Status s = liard::ParseAmount("92233720368547758,08", 2, &out);
  CHECK(s.code() == Code::kOutOfRange);
  CHECK(s.message().find("92233720368547758,07") != std::string::npos);
}

TEST_CASE("a unit the caller accepts may follow the digits, another one is refused",
          "[ledger][amount]") {
  const std::vector<std::string_view> euros = {"\xE2\x82\xAC", "EUR"};
  const std::vector<std::string_view> roue = {"ROUE"};
  struct Case {
    std::string_view text;
    int64_t minor;
  };
  for (const Case& c : std::vector<Case>{{"80,00 \xE2\x82\xAC", 8000},  // "80,00 €"
                                         {"80 \xE2\x82\xAC", 8000},
                                         {"80\xE2\x82\xAC", 8000},
                                         {"1 200,00\xC2\xA0\xE2\x82\xAC", 120000},
                                         {"1.200,00 EUR", 120000},
                                         {"9 eur", 900},
                                         {" 2,5 Eur ", 250}}) {
    INFO(c.text);
    Amount out = kSentinel;
    REQUIRE(liard::ParseAmount(c.text, 2, &out, euros).ok());
    CHECK(out.minor() == c.minor);
  }
  Amount out = kSentinel;
  REQUIRE(liard::ParseAmount("12,50 roue", 2, &out, roue).ok());
  CHECK(out.minor() == 1250);
  out = kSentinel;
  // Not the caller's unit, a unit alone, a unit glued to a letter, a unit before the digits.
  CHECK(liard::ParseAmount("12,50 \xE2\x82\xAC", 2, &out, roue).code() == Code::kInvalidArgument);
  CHECK(liard::ParseAmount("12,50 ROUE", 2, &out, euros).code() == Code::kInvalidArgument);
  CHECK(liard::ParseAmount("\xE2\x82\xAC", 2, &out, euros).code() == Code::kInvalidArgument);
  CHECK(liard::ParseAmount("12,50 XEUR", 2, &out, euros).code() == Code::kInvalidArgument);
  CHECK(liard::ParseAmount("EUR 12", 2, &out, euros).code() == Code::kInvalidArgument);
  CHECK(out == kSentinel);
}

TEST_CASE("the French format liard writes is read back", "[ledger][amount]") {
  const std::vector<std::string_view> units = {"ROUE", "\xE2\x82\xAC"};
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{99}, int64_t{100000}, int64_t{214001},
                    int64_t{123456789012}, kMax}) {
    for (std::string_view unit : {"ROUE", "\xE2\x82\xAC", ""}) {
      const std::string text = liard::FormatFrench(Amount(v), 2, unit);
      INFO(text);
      Amount back = kSentinel;
      REQUIRE(liard::ParseAmount(text, 2, &back, units).ok());
      CHECK(back.minor() == v);
    }
  }
}

TEST_CASE("amounts are formatted with the decimals, separator and code asked for",
          "[ledger][amount]") {
  CHECK(liard::FormatAmount(Amount(1250), 2, "ROUE", ',') == "12,50 ROUE");
  CHECK(liard::FormatAmount(Amount(-5), 2, "", '.') == "-0.05");
  CHECK(liard::FormatAmount(Amount(-5), 2) == "-0.05");
  CHECK(liard::FormatAmount(Amount(0), 2) == "0.00");
  CHECK(liard::FormatAmount(Amount(1), 2, "EUR") == "0.01 EUR");
  CHECK(liard::FormatAmount(Amount(100), 2) == "1.00");
  CHECK(liard::FormatAmount(Amount(1250), 0, "ROUE") == "1250 ROUE");
  CHECK(liard::FormatAmount(Amount(-1250), 0) == "-1250");
  CHECK(liard::FormatAmount(Amount(7), 9) == "0.000000007");
  CHECK(liard::FormatAmount(Amount(1250), 2, "", ',') == "12,50");
  CHECK(liard::FormatAmount(Amount(kMax), 2) == "92233720368547758.07");
  CHECK(liard::FormatAmount(Amount(kMin), 2) == "-92233720368547758.08");
  CHECK(liard::FormatAmount(Amount(kMin), 0) == "-9223372036854775808");
  CHECK(liard::FormatAmount(Amount(kMin), 9, "X", ',') == "-9223372036,854775808 X");
  // Beyond the digits int64 holds, padding still gives the exact value.
  CHECK(liard::FormatAmount(Amount(kMin), 19) == "-0.9223372036854775808");
  CHECK(liard::FormatAmount(Amount(5), -3) == "5");
}

TEST_CASE("formatting then parsing gives the value back", "[ledger][amount]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::vector<int64_t> values = {0, 1, -1, 9, 10, 99, 100, 101, kMax, kMax - 1, kMin, kMin + 1};
  for (int i = 0; i < 2000; ++i) values.push_back(RandomInt64(rng));

  for (int64_t value : values) {
    for (int decimals = 0; decimals <= 9; ++decimals) {
      for (char separator : {'.', ','}) {
        const std::string text = liard::FormatAmount(Amount(value), decimals, "", separator);
        INFO("value " << value << ", decimals " << decimals << ", text \"" << text << "\"");
        Amount back = kSentinel;
        if (value >= 0) {
          REQUIRE(liard::ParseAmount(text, decimals, &back).ok());
          CHECK(back.minor() == value);
          continue;
        }
        // A negative amount is refused as typed; without its sign it is the magnitude, which
        // int64 cannot hold for INT64_MIN alone.
        CHECK(liard::ParseAmount(text, decimals, &back).code() == Code::kInvalidArgument);
        const Status s = liard::ParseAmount(std::string_view(text).substr(1), decimals, &back);
        if (value == kMin) {
          CHECK(s.code() == Code::kOutOfRange);
          CHECK(back == kSentinel);
        } else {
          REQUIRE(s.ok());
          CHECK(back.minor() == -value);
        }
      }
    }
  }
}

TEST_CASE("the la Roue bonus of 12/10 rounds down to whole cents", "[ledger][amount]") {
  Amount out;
  REQUIRE(Amount(1000).MulRatio(12, 10, Rounding::kDown, &out).ok());
  CHECK(out.minor() == 1200);
  REQUIRE(Amount(1005).MulRatio(12, 10, Rounding::kDown, &out).ok());
  CHECK(out.minor() == 1206);
  REQUIRE(Amount(1).MulRatio(12, 10, Rounding::kDown, &out).ok());
  CHECK(out.minor() == 1);
  REQUIRE(Amount(1).MulRatio(12, 10, Rounding::kUp, &out).ok());
  CHECK(out.minor() == 2);
  REQUIRE(Amount(1).MulRatio(12, 10, Rounding::kNearest, &out).ok());
  CHECK(out.minor() == 1);
}

TEST_CASE("a 5 percent fee is exact when it falls on a whole cent", "[ledger][amount]") {
  Amount out;
  for (Rounding r : {Rounding::kDown, Rounding::kUp, Rounding::kNearest}) {
    INFO("rounding " << liard::RoundingName(r));
    REQUIRE(Amount(10000).MulRatio(5, 100, r, &out).ok());
    CHECK(out.minor() == 500);
  }
  REQUIRE(Amount(1010).MulRatio(5, 100, Rounding::kUp, &out).ok());
  CHECK(out.minor() == 51);  // 50.5 cents
  REQUIRE(Amount(1010).MulRatio(5, 100, Rounding::kDown, &out).ok());
  CHECK(out.minor() == 50);
}

TEST_CASE("ratio remainders round by floor, ceiling or nearest with halves going up",
          "[ledger][amount]") {
  struct Case {
    int64_t minor, num, den;
    int64_t down, up, nearest;
  };
  const std::vector<Case> cases = {
      {1, 1, 2, 0, 1, 1},      // +0.5
      {-1, 1, 2, -1, 0, 0},    // -0.5: the half goes towards +infinity
      {1, -1, 2, -1, 0, 0},    // negative num behaves like a negative amount
      {-1, -1, 2, 0, 1, 1},    // +0.5
      {3, 1, 2, 1, 2, 2},      // 1.5
      {-3, 1, 2, -2, -1, -1},  // -1.5
      {1, 1, 3, 0, 1, 0},      // 0.33
      {2, 1, 3, 0, 1, 1},      // 0.67
      {-1, 1, 3, -1, 0, 0},    // -0.33
      {-2, 1, 3, -1, 0, -1},   // -0.67
      {7, 1, 1, 7, 7, 7},      // exact
      {-7, 3, 1, -21, -21, -21},
      {0, 5, 7, 0, 0, 0},
      {5, 0, 7, 0, 0, 0},
      {1005, 12, 10, 1206, 1206, 1206},  // 1206 exactly
      {1004, 12, 10, 1204, 1205, 1205},  // 1204.8
      {-1004, 12, 10, -1205, -1204, -1205},
  };
  for (const auto& c : cases) {
    INFO(c.minor << " * " << c.num << " / " << c.den);
    Amount out;
    REQUIRE(Amount(c.minor).MulRatio(c.num, c.den, Rounding::kDown, &out).ok());
    CHECK(out.minor() == c.down);
    REQUIRE(Amount(c.minor).MulRatio(c.num, c.den, Rounding::kUp, &out).ok());
    CHECK(out.minor() == c.up);
    REQUIRE(Amount(c.minor).MulRatio(c.num, c.den, Rounding::kNearest, &out).ok());
    CHECK(out.minor() == c.nearest);
  }
}

TEST_CASE("a ratio is computed through 128 bits and refuses results outside int64",
          "[ledger][amount]") {
  Amount out;
  REQUIRE(Amount(kMax).MulRatio(2, 2, Rounding::kDown, &out).ok());
  CHECK(out.minor() == kMax);
  REQUIRE(Amount(kMax).MulRatio(kMax, kMax, Rounding::kUp, &out).ok());
  CHECK(out.minor() == kMax);
  REQUIRE(Amount(kMin).MulRatio(kMax, kMax, Rounding::kNearest, &out).ok());
  CHECK(out.minor() == kMin);

  struct Case {
    int64_t minor, num, den;
    Rounding rounding;
  };
  const std::vector<Case> out_of_range = {
      {kMax, 3, 2, Rounding::kDown},       {kMin, -1, 1, Rounding::kDown},  // one past INT64_MAX
      {kMin, kMin, 1, Rounding::kNearest},  // 2^126, the largest product
      {kMin, kMin, kMax, Rounding::kDown}, {kMin, -kMax, kMax, Rounding::kUp},  // exactly 2^63
      {kMax, kMax, 1, Rounding::kDown},    {kMin, kMax, 1, Rounding::kUp},
  };
  for (const auto& c : out_of_range) {
    INFO(c.minor << " * " << c.num << " / " << c.den << " " << liard::RoundingName(c.rounding));
    out = kSentinel;
    const Status s = Amount(c.minor).MulRatio(c.num, c.den, c.rounding, &out);
    CHECK(s.code() == Code::kOutOfRange);
    CHECK_FALSE(s.message().empty());
    CHECK(out == kSentinel);
  }
}

TEST_CASE("rounding alone can push a ratio past the int64 edges", "[ledger][amount]") {
  // 6148914691236517205 * 3 = 2^64 - 1, so halving it is INT64_MAX + 1/2.
  const Amount top(6148914691236517205);
  Amount out = kSentinel;
  REQUIRE(top.MulRatio(3, 2, Rounding::kDown, &out).ok());
  CHECK(out.minor() == kMax);
  out = kSentinel;
  CHECK(top.MulRatio(3, 2, Rounding::kUp, &out).code() == Code::kOutOfRange);
  CHECK(top.MulRatio(3, 2, Rounding::kNearest, &out).code() == Code::kOutOfRange);
  CHECK(out == kSentinel);

  // -274177 * 67280421310721 = -(2^64 + 1), so halving it is INT64_MIN - 1/2.
  const Amount bottom(-274177);
  const int64_t num = 67280421310721;
  REQUIRE(bottom.MulRatio(num, 2, Rounding::kUp, &out).ok());
  CHECK(out.minor() == kMin);
  REQUIRE(bottom.MulRatio(num, 2, Rounding::kNearest, &out).ok());
  CHECK(out.minor() == kMin);  // the half goes up, back into range
  out = kSentinel;
  CHECK(bottom.MulRatio(num, 2, Rounding::kDown, &out).code() == Code::kOutOfRange);
  CHECK(out == kSentinel);
}

TEST_CASE("a ratio with a zero or negative denominator is refused", "[ledger][amount]") {
  for (int64_t den : {int64_t{0}, int64_t{-1}, int64_t{-10}, kMin}) {
    INFO("den " << den);
    Amount out = kSentinel;
    const Status s = Amount(1000).MulRatio(12, den, Rounding::kDown, &out);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_FALSE(s.message().empty());
    CHECK(out == kSentinel);
  }
}

TEST_CASE("random ratios match an exact 128-bit reference", "[ledger][amount]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);

  // Floor and ceiling by the textbook definition, independent of the code under test.
  auto floor_div = [](Int128 p, Int128 d) {
    Int128 q = p / d;
    if (q * d > p) q -= 1;
    return q;
  };
  auto ceil_div = [](Int128 p, Int128 d) {
    Int128 q = p / d;
    if (q * d < p) q += 1;
    return q;
  };

  int in_range = 0;
  int out_of_range = 0;
  for (int i = 0; i < 20000; ++i) {
    const int64_t minor = RandomInt64(rng);
    const int64_t num = RandomInt64(rng);
    int64_t den = RandomInt64(rng);
    if (den < 0) den = -(den + 1);  // fold onto [0, INT64_MAX] without overflow
    if (den == 0) den = 1;
    const Int128 p = static_cast<Int128>(minor) * num;
    const Int128 down = floor_div(p, den);
    const Int128 up = ceil_div(p, den);
    // Nearest with halves up is floor(p/den + 1/2): the distance to `down` decides.
    const Int128 nearest = (p - down * den) * 2 >= den ? down + 1 : down;

    const struct {
      Rounding rounding;
      Int128 expected;
    } expectations[] = {
        {Rounding::kDown, down}, {Rounding::kUp, up}, {Rounding::kNearest, nearest}};
    for (const auto& e : expectations) {
      INFO(minor << " * " << num << " / " << den << " " << liard::RoundingName(e.rounding));
      Amount out = kSentinel;
      const Status s = Amount(minor).MulRatio(num, den, e.rounding, &out);
      if (e.expected >= kMin && e.expected <= kMax) {
        ++in_range;
        REQUIRE(s.ok());
        CHECK(out.minor() == static_cast<int64_t>(e.expected));
      } else {
        ++out_of_range;
        CHECK(s.code() == Code::kOutOfRange);
        CHECK(out == kSentinel);
      }
    }
  }
  // Both outcomes must be exercised, or the mix of magnitudes is wrong.
  CHECK(in_range > 1000);
  CHECK(out_of_range > 1000);
}

TEST_CASE("addition and subtraction refuse to overflow at the int64 edges", "[ledger][amount]") {
  Amount out;
  REQUIRE(Amount(kMax - 1).Add(Amount(1), &out).ok());
  CHECK(out.minor() == kMax);
  REQUIRE(Amount(kMin).Add(Amount(kMax), &out).ok());
  CHECK(out.minor() == -1);
  REQUIRE(Amount(kMin + 1).Sub(Amount(1), &out).ok());
  CHECK(out.minor() == kMin);
  REQUIRE(Amount(-1).Sub(Amount(kMax), &out).ok());
  CHECK(out.minor() == kMin);
  REQUIRE(Amount(1250).Add(Amount(-250), &out).ok());
  CHECK(out.minor() == 1000);

  struct Case {
    int64_t a, b;
    bool add;
  };
  const std::vector<Case> overflows = {
      {kMax, 1, true},     {kMin, -1, true},    {kMax, kMax, true}, {kMin, kMin, true},
      {kMin, 1, false},    {kMax, -1, false},   {0, kMin, false},   {-2, kMax, false},
      {kMax, kMin, false}, {kMin, kMax, false},
  };
  for (const auto& c : overflows) {
    INFO(c.a << (c.add ? " + " : " - ") << c.b);
    out = kSentinel;
    const Status s =
        c.add ? Amount(c.a).Add(Amount(c.b), &out) : Amount(c.a).Sub(Amount(c.b), &out);
    CHECK(s.code() == Code::kOutOfRange);
    CHECK_FALSE(s.message().empty());
    CHECK(out == kSentinel);
  }
}

TEST_CASE("rounding modes have stable names", "[ledger][amount]") {
  CHECK(liard::RoundingName(Rounding::kDown) == "down");
  CHECK(liard::RoundingName(Rounding::kUp) == "up");
  CHECK(liard::RoundingName(Rounding::kNearest) == "nearest");
}
