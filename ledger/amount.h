// Amount: money as a whole number of minor units (cents), with checked arithmetic and the
// parsing and formatting of what a person types and reads.
#ifndef LIARD_LEDGER_AMOUNT_H_
#define LIARD_LEDGER_AMOUNT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace liard {

// How a ratio that does not fall on a whole minor unit is rounded.
enum class Rounding : uint8_t {
  kDown = 1,     // towards negative infinity (floor)
  kUp = 2,       // towards positive infinity (ceiling)
  kNearest = 3,  // to the nearest unit; an exact half goes up (towards positive infinity)
};

std::string_view RoundingName(Rounding r);  // "down", "up", "nearest"

// A quantity of minor units of one currency (or euro cents). Never floating point.
// Thread-safe: a value type.
class Amount {
 public:
  constexpr Amount() = default;
  constexpr explicit Amount(int64_t minor) : minor_(minor) {}

  static constexpr Amount Zero() { return Amount(0); }

  constexpr int64_t minor() const { return minor_; }
  constexpr bool positive() const { return minor_ > 0; }
  constexpr bool negative() const { return minor_ < 0; }
  constexpr bool zero() const { return minor_ == 0; }

  // Checked arithmetic: kOutOfRange on int64 overflow, *out untouched then.
  [[nodiscard]] Status Add(Amount other, Amount* out) const;
  [[nodiscard]] Status Sub(Amount other, Amount* out) const;
  // this * num / den rounded as asked, through a 128-bit intermediate. den must be > 0
  // (kInvalidArgument otherwise); kOutOfRange if the result leaves int64.
  [[nodiscard]] Status MulRatio(int64_t num, int64_t den, Rounding rounding, Amount* out) const;

  friend constexpr auto operator<=>(Amount, Amount) = default;

 private:
  int64_t minor_ = 0;
};

// Parses what a person types into minor units of a currency with `decimals` places (0..9).
// Accepted, with blanks around ignored (ASCII spaces and tabs, U+00A0, U+202F, U+2009):
//   digits, optionally one '.' or ',' then 1..decimals digits: "12,50" "12.50" "12" "0,01" "007";
//   thousands separated by a space (ASCII, U+00A0, U+202F or U+2009) in groups of three:
//     "1 200" "1 200,00" "1\u202F200,00" "12 345 678.90";
//   both '.' and ',': the last one is the decimal separator, written once, the other separates
//     thousands in groups of three: "1.200,00" (French, German) and "1,200.00" (English);
//   a unit after the digits, when it is one of `units` (ASCII letters compared without case),
//     with or without a blank before it: "80 €", "80,00 €", "80€", "12,50 ROUE", "9 eur".
// Refused with a reason (kInvalidArgument, or kOutOfRange past int64): "", " ", "-1", "+1",
// "1e3", "12.5.0", "1.200.000" (one kind of mark only ever separates decimals), "12.505" (too many
// decimals: "1.200" is never read as twelve hundred, nor "1,200": with 2 decimals both are refused,
// the message says how to write thousands), "12.", ".5", "12 50" and "1 2000" (groups not of
// three), "1\t000", "12 ,50", "1 200.000,50" (thousands two ways), a unit not in `units`
// ("12,50 €" when units is empty), non-ASCII digits such as "١٢".
[[nodiscard]] Status ParseAmount(std::string_view text, int decimals, Amount* out,
                                 std::span<const std::string_view> units = {});

// Formats minor units with `decimals` places and the given separator, then a space and the code
// when it is not empty: (1250, 2, "ROUE", ',') -> "12,50 ROUE"; (-5, 2, "", '.') -> "-0.05".
std::string FormatAmount(Amount amount, int decimals, std::string_view code = "",
                         char separator = '.');

// With the integer part grouped by thousands: (214001, 2, ',', "\u202F") -> "2\u202F140,01";
// (-123456789, 2, '.', ",") -> "-1,234,567.89". No unit.
std::string FormatGrouped(Amount amount, int decimals, char separator, std::string_view group);

// The French way: grouped by a narrow no-break space (U+202F, or `group`), a decimal comma, and
// the unit after a no-break space (U+00A0): "2 140,01 €", "12,50 ROUE". `unit` empty: none.
std::string FormatFrench(Amount amount, int decimals, std::string_view unit,
                         std::string_view group = "\u202F");

// Euro cents as the ledger's messages write them: 1250 -> "12.50 EUR".
std::string FormatEuros(int64_t cents);

}  // namespace liard

#endif  // LIARD_LEDGER_AMOUNT_H_
