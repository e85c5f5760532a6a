// Amount: exact money arithmetic, and strict parsing and formatting of what people type and read.
#include "ledger/amount.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace liard {
namespace {

// __extension__ keeps a future -Wpedantic quiet: __int128 is a GCC/Clang extension, and the only
// way to hold int64 * int64 exactly.
__extension__ typedef __int128 Int128;

constexpr int kMaxParseDecimals = 9;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSeparator(char c) { return c == '.' || c == ','; }

std::string DecimalsWord(int n) { return n == 1 ? "decimal" : "decimals"; }

// The first character that can never be part of an amount (blanks and separators are judged later,
// once we know nothing worse is there), turned into a reason a person can act on.
Status RefuseForeignCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsAsciiDigit(c) || IsSeparator(c) || IsBlank(c)) continue;
    if (c == '-' && i == 0) {
      return Status(Code::kInvalidArgument, "negative amounts are not allowed");
    }
    if (c == '+' && i == 0) {
      return Status(Code::kInvalidArgument, "a '+' sign is not allowed: write only the digits");
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // Catches other scripts' digits ("١٢") as well as currency symbols ("€"): neither would
      // be read the same way by every program that later reads the amount back.
      return Status(Code::kInvalidArgument,
                    "only the ASCII digits 0-9 are allowed, with at most one '.' or ','; the "
                    "amount contains another character (such as a currency symbol or a digit "
                    "from another script)");
    }
    std::string shown =
        (byte < 0x20 || byte == 0x7f) ? "a control character" : std::string("'") + c + "'";
    return Status(Code::kInvalidArgument,
                  "unexpected " + shown + " at position " + std::to_string(i + 1) +
                      ": an amount is only the digits 0-9 with at most one '.' or ','");
  }
  return Status::Ok();
}

}  // namespace

std::string_view RoundingName(Rounding r) {
  switch (r) {
    case Rounding::kDown:
      return "down";
    case Rounding::kUp:
      return "up";
    case Rounding::kNearest:
      return "nearest";
  }
  // A value read from storage or the wire may be outside the enum.
  return "unknown";
}

Status Amount::Add(Amount other, Amount* out) const {
  int64_t sum;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) {
    return Status(Code::kOutOfRange, "amount overflow: " + std::to_string(minor_) + " + " +
                                         std::to_string(other.minor_) +
                                         " minor units is outside the 64-bit range");
  }
  *out = Amount(sum);
  return Status::Ok();
}

Status Amount::Sub(Amount other, Amount* out) const {
  int64_t difference;
  if (__builtin_sub_overflow(minor_, other.minor_, &difference)) {
    return Status(Code::kOutOfRange, "amount overflow: " + std::to_string(minor_) + " - " +
                                         std::to_string(other.minor_) +
                                         " minor units is outside the 64-bit range");
  }
  *out = Amount(difference);
  return Status::Ok();
}

Status Amount::MulRatio(int64_t num, int64_t den, Rounding rounding, Amount* out) const {
  if (den <= 0) {
    return Status(Code::kInvalidArgument,
                  "ratio denominator must be above zero, got " + std::to_string(den));
  }
  if (rounding != Rounding::kDown && rounding != Rounding::kUp && rounding != Rounding::kNearest) {
    return Status(Code::kInvalidArgument,
                  "unknown rounding " + std::to_string(static_cast<int>(rounding)));
  }
  // |minor * num| <= 2^126, so the product is exact in 128 bits.
  const Int128 product = static_cast<Int128>(minor_) * num;
  // C++ division truncates towards zero; move to floor so that negative amounts round the same
  // way as positive ones, leaving a remainder in [0, den).
  Int128 quotient = product / den;
  Int128 remainder = product % den;
  if (remainder < 0) {
    quotient -= 1;
    remainder += den;
  }
  switch (rounding) {
    case Rounding::kDown:
      break;
    case Rounding::kUp:
      if (remainder != 0) quotient += 1;
      break;
    case Rounding::kNearest:
      // remainder < den <= INT64_MAX, so doubling it cannot overflow; comparing the doubled
      // remainder avoids doubling the product, which could leave 128 bits.
      if (2 * remainder >= den) quotient += 1;
      break;
  }
  if (quotient > std::numeric_limits<int64_t>::max() ||
      quotient < std::numeric_limits<int64_t>::min()) {
    return Status(Code::kOutOfRange, "amount overflow: " + std::to_string(minor_) + " * " +
                                         std::to_string(num) + " / " + std::to_string(den) +
                                         " is outside the 64-bit range");
  }
  *out = Amount(static_cast<int64_t>(quotient));
  return Status::Ok();
}

namespace {

// The blanks a person or a spreadsheet puts between thousands, other than the ASCII space:
// U+00A0 (no-break space), U+202F (narrow no-break space, as liard writes French amounts) and
// U+2009 (thin space).
constexpr std::string_view kWideBlanks[] = {"\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x89"};

// Removes blanks, ASCII or wide, from both ends.
std::string_view TrimAll(std::string_view text) {
  for (bool more = true; more;) {
    more = false;
    while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1), more = true;
    while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1), more = true;
    for (std::string_view w : kWideBlanks) {
      if (text.substr(0, w.size()) == w) text.remove_prefix(w.size()), more = true;
      if (text.size() >= w.size() && text.substr(text.size() - w.size()) == w)
        text.remove_suffix(w.size()), more = true;
    }
  }
  return text;
}

bool EqualsAsciiCaseless(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Status ParseAmount(std::string_view text, int decimals, Amount* out,
                   std::span<const std::string_view> units) {
  if (decimals < 0 || decimals > kMaxParseDecimals) {
    return Status(Code::kInvalidArgument,
                  "decimals must be 0 to 9, got " + std::to_string(decimals));
  }
  text = TrimAll(text);
  // A unit the caller accepts, after the digits: "80 €", "80,00 EUR", "12 ROUE".
  for (std::string_view unit : units) {
    if (unit.empty() || text.size() <= unit.size()) continue;
    std::string_view tail = text.substr(text.size() - unit.size());
    const char before = text[text.size() - unit.size() - 1];
    const bool after_digit_or_blank =
        IsAsciiDigit(before) || IsBlank(before) || static_cast<unsigned char>(before) >= 0x80;
    if (EqualsAsciiCaseless(tail, unit) && after_digit_or_blank) {
      text = TrimAll(text.substr(0, text.size() - unit.size()));
      break;
    }
  }
  if (text.empty()) return Status(Code::kInvalidArgument, "empty amount");

  // The wide blanks inside become ASCII spaces: one kind of blank to judge below.
  std::string normal;
  normal.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool wide = false;
    for (std::string_view w : kWideBlanks) {
      if (text.substr(i, w.size()) == w) {
        normal += ' ';
        i += w.size();
        wide = true;
        break;
      }
    }
    if (!wide) normal += text[i++];
  }
  const std::string_view t = normal;

  // Checked in order of what helps most: a stray sign or symbol says more than "two separators".
  if (Status s = RefuseForeignCharacter(t); !s.ok()) return s;

  const Status bad_blanks(Code::kInvalidArgument,
                          "spaces inside an amount may only separate thousands, in groups of "
                          "three digits: write 1 200,50 or 1200,50");
  if (t.find('\t') != std::string_view::npos) return bad_blanks;

  // The decimal separator: the only '.' or ',' of the text, or, when both appear, the last one
  // (which must appear once), the other then separating thousands: "1.200,50", "1,200.50".
  const size_t last_dot = t.rfind('.'), last_comma = t.rfind(',');
  const bool both = last_dot != std::string_view::npos && last_comma != std::string_view::npos;
  size_t separator_at = std::string_view::npos;
  char group = ' ';
  if (both) {
    separator_at = std::max(last_dot, last_comma);
    group = t[separator_at] == '.' ? ',' : '.';
  } else {
    separator_at = last_dot != std::string_view::npos ? last_dot : last_comma;
  }
  if (separator_at != std::string_view::npos) {
    const char sep = t[separator_at];
    if (t.find(sep) != separator_at) {
      return Status(Code::kInvalidArgument,
                    "more than one decimal separator: use at most one '.' or ',' for the "
                    "decimals, and spaces for thousands (1 200,50)");
    }
  }

  std::string_view whole = t;
  std::string_view fraction;
  if (separator_at != std::string_view::npos) {
    if (decimals == 0) {
      return Status(Code::kInvalidArgument,
                    "this currency has no decimals: write a whole number, without '.' or ','");
    }
    whole = t.substr(0, separator_at);
    fraction = t.substr(separator_at + 1);
    if (whole.empty()) {
      return Status(Code::kInvalidArgument,
                    "digits are needed before the decimal separator: write 0.5, not .5");
    }
    if (fraction.empty()) {
      return Status(Code::kInvalidArgument,
                    "digits are needed after the decimal separator: write 12 or 12.50, not 12.");
    }
    if (fraction.find(' ') != std::string_view::npos) return bad_blanks;
    if (fraction.size() > static_cast<size_t>(decimals)) {
      std::string why = "at most " + std::to_string(decimals) + " " + DecimalsWord(decimals) +
                        " allowed, got " + std::to_string(fraction.size());
      // "1.200" may mean twelve hundred to some and 1.2 to others: never guessed.
      if (!both && fraction.size() == 3)
        why += " (for thousands, write 1 200 or 1200, with no '.' or ',')";
      return Status(Code::kInvalidArgument, why);
    }
  }

  // Thousands: spaces, or the other separator when both appear, never both kinds; a first group
  // of 1 to 3 digits, then groups of exactly 3.
  std::string digits_of_whole;
  const bool spaced = whole.find(' ') != std::string_view::npos;
  const bool grouped_by_mark = both && whole.find(group) != std::string_view::npos;
  if (spaced && grouped_by_mark) {
    return Status(Code::kInvalidArgument,
                  "thousands separated two ways: use spaces only (1 200,50) or none (1200,50)");
  }
  if (spaced || grouped_by_mark) {
    const char g = spaced ? ' ' : group;
    size_t start = 0;
    bool first = true;
    for (;;) {
      const size_t end = whole.find(g, start);
      const std::string_view part = whole.substr(start, end - start);
      const bool fits = first ? (!part.empty() && part.size() <= 3) : part.size() == 3;
      if (!fits) {
        if (spaced) return bad_blanks;
        return Status(Code::kInvalidArgument,
                      std::string("'") + g +
                          "' may only separate thousands, in groups of three digits, before "
                          "the decimal separator: write 1.200,50 or 1 200,50");
      }
      digits_of_whole += part;
      first = false;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  } else {
    digits_of_whole = std::string(whole);
  }

  // The whole part, the typed decimals and the missing trailing zeros form one stream of digits;
  // checking every step catches overflow however long the input is.
  const char shown_separator = separator_at == std::string_view::npos ? '.' : t[separator_at];
  auto too_large = [&] {
    // Showing the limit in the person's own notation tells them how far off they are.
    return Status(Code::kOutOfRange, "amount too large: at most " +
                                         FormatAmount(Amount(std::numeric_limits<int64_t>::max()),
                                                      decimals, "", shown_separator));
  };
  int64_t value = 0;
  auto push_digit = [&value](int digit) {
    return !__builtin_mul_overflow(value, 10, &value) &&
           !__builtin_add_overflow(value, digit, &value);
  };
  for (char c : digits_of_whole) {
    if (!push_digit(c - '0')) return too_large();
  }
  for (char c : fraction) {
    if (!push_digit(c - '0')) return too_large();
  }
  for (size_t i = fraction.size(); i < static_cast<size_t>(decimals); ++i) {
    if (!push_digit(0)) return too_large();
  }
  *out = Amount(value);
  return Status::Ok();
}

std::string FormatAmount(Amount amount, int decimals, std::string_view code, char separator) {
  // Negative decimals make no sense; treating them as 0 is kinder than producing garbage.
  if (decimals < 0) decimals = 0;
  const int64_t minor = amount.minor();
  // Negating in unsigned arithmetic is defined for INT64_MIN, whose magnitude int64 cannot hold.
  uint64_t magnitude = static_cast<uint64_t>(minor);
  if (minor < 0) magnitude = 0 - magnitude;

  std::string digits = std::to_string(magnitude);
  // Pad so that there is always at least one digit before the separator: "0.05", not ".05".
  const size_t wanted = static_cast<size_t>(decimals) + 1;
  if (digits.size() < wanted) digits.insert(0, wanted - digits.size(), '0');

  std::string result;
  result.reserve(digits.size() + 2 + code.size());
  if (minor < 0) result.push_back('-');
  const size_t whole_size = digits.size() - static_cast<size_t>(decimals);
  result.append(digits, 0, whole_size);
  if (decimals > 0) {
    result.push_back(separator);
    result.append(digits, whole_size, std::string::npos);
  }
  if (!code.empty()) {
    result.push_back(' ');
    result.append(code);
  }
  return result;
}

std::string FormatEuros(int64_t cents) { return FormatAmount(Amount(cents), 2, "EUR"); }

}  // namespace liard

namespace liard {

std::string FormatGrouped(Amount amount, int decimals, char separator, std::string_view group) {
  const int64_t minor = amount.minor();
  // The magnitude as an unsigned number, so that INT64_MIN has one too.
  const uint64_t magnitude =
      minor < 0 ? static_cast<uint64_t>(-(minor + 1)) + 1 : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  const size_t places = decimals > 0 ? static_cast<size_t>(decimals) : 0;
  if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
  const size_t int_digits = digits.size() - places;
  std::string out = minor < 0 ? "-" : "";
  for (size_t i = 0; i < int_digits; ++i) {
    if (i > 0 && (int_digits - i) % 3 == 0) out += group;
    out += digits[i];
  }
  if (places > 0) {
    out += separator;
    out += digits.substr(int_digits);
  }
  return out;
}

std::string FormatFrench(Amount amount, int decimals, std::string_view unit,
                         std::string_view group) {
  std::string out = FormatGrouped(amount, decimals, ',', group);
  if (!unit.empty()) out += "\u00A0" + std::string(unit);
  return out;
}

}  // namespace liard
