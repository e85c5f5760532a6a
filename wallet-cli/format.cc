// Formatting for people: amounts, addresses, times and tables.
#include "wallet-cli/format.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "ledger/amount.h"
#include "ledger/civil_time.h"
#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "ledger/status.h"
#include "ledger/text.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

char DecimalSeparatorFor(std::string_view lc_all, std::string_view lc_numeric,
                         std::string_view lang) {
  std::string_view locale = !lc_all.empty() ? lc_all : !lc_numeric.empty() ? lc_numeric : lang;
  // A language code is the part before '_', '.' or '@': "fr", "fr_FR.UTF-8", "eu_ES@euro".
  std::string_view language = locale.substr(0, locale.find_first_of("_.@"));
  for (std::string_view comma : {"fr", "eu", "br", "oc", "ca", "co"})
    if (language == comma) return ',';
  return '.';
}

char DecimalSeparatorFromEnv() {
  if (French()) return ',';
  return DecimalSeparatorFor(EnvOrEmpty("LC_ALL"), EnvOrEmpty("LC_NUMERIC"), EnvOrEmpty("LANG"));
}

std::string Money::Units(int64_t minor) const {
  if (French()) return FormatFrench(Amount(minor), decimals_, code_);
  return FormatAmount(Amount(minor), decimals_, code_, separator_);
}

std::string Money::SignedUnits(int64_t minor) const {
  std::string s = Units(minor);
  return minor > 0 ? "+" + s : s;
}

std::string Money::Euros(int64_t cents) const {
  if (French()) return FormatFrench(Amount(cents), 2, "€");
  return FormatAmount(Amount(cents), 2, "EUR", separator_);
}

std::string Money::Plain(int64_t minor) const {
  return FormatAmount(Amount(minor), decimals_, "", '.');
}

std::string Money::PlainEuros(int64_t cents) { return FormatAmount(Amount(cents), 2, "", '.'); }

std::string Money::Percent(uint32_t basis_points) const {
  if (French()) return FormatAmount(Amount(basis_points), 2, "", ',') + "\u00A0%";
  return FormatAmount(Amount(basis_points), 2, "", separator_) + " %";
}

std::string MonthInWords(int year, int month) {
  static constexpr const char* kMonths[12] = {N_("January"), N_("February"), N_("March"),
                                              N_("April"),   N_("May"),      N_("June"),
                                              N_("July"),    N_("August"),   N_("September"),
                                              N_("October"), N_("November"), N_("December")};
  return Tr("{month} {year}",
            fmt::arg("month", month >= 1 && month <= 12 ? _(kMonths[month - 1]) : "?"),
            fmt::arg("year", year));
}

std::string ShortAddress(std::string_view address) {
  size_t sep = address.rfind('1');
  if (sep == std::string_view::npos || address.size() < sep + 14) return std::string(address);
  return std::string(address.substr(0, sep + 6)) + "…" +
         std::string(address.substr(address.size() - 4));
}

std::string Party(std::string_view name, std::string_view address) {
  if (name.empty()) return ShortAddress(address);
  return SafeText(name) + " (" + ShortAddress(address) + ")";
}

std::string KindWord(int kind) {
  if (!IsValidKind(static_cast<uint32_t>(kind))) return "unknown";
  return std::string(KindName(static_cast<AccountKind>(kind)));
}

std::string PartyInFull(std::string_view name, std::string_view kind, std::string_view address) {
  std::string out = name.empty() ? std::string(_("an unnamed account")) : SafeText(name);
  out += " (";
  if (!kind.empty()) out += std::string(kind) + ", ";
  return out + SafeText(address) + ")";
}

namespace {

std::optional<TimeZone> g_display_zone;  // unset: the machine's local time

std::string FormatTime(int64_t unix_ms, const char* format, bool utc) {
  time_t t = static_cast<time_t>(unix_ms / 1000);
  struct tm tm;
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[64];
  size_t n = strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string TwoDigits(int n) { return fmt::format("{:02d}", n); }

// The display zone's civil time, or the machine's local time when none was set.
CivilTime DisplayCivil(int64_t unix_ms) {
  if (g_display_zone) return g_display_zone->Civil(unix_ms);
  time_t t = static_cast<time_t>(unix_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  CivilTime c;
  c.year = tm.tm_year + 1900;
  c.month = tm.tm_mon + 1;
  c.day = tm.tm_mday;
  c.hour = tm.tm_hour;
  c.minute = tm.tm_min;
  c.second = tm.tm_sec;
  c.offset_minutes = static_cast<int>(tm.tm_gmtoff / 60);
  return c;
}

}  // namespace

void SetDisplayZone(std::string_view iana_name) {
  if (iana_name.empty()) {
    g_display_zone.reset();
    return;
  }
  g_display_zone = TimeZone::Named(iana_name);
}

std::string DisplayZoneName() { return g_display_zone ? g_display_zone->name() : std::string(); }

std::string DisplayDate(int64_t unix_ms) {
  CivilTime c = DisplayCivil(unix_ms);
  if (French()) return TwoDigits(c.day) + "/" + TwoDigits(c.month) + "/" + std::to_string(c.year);
  return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
}

std::string LocalDateTime(int64_t unix_ms) {
  CivilTime c = DisplayCivil(unix_ms);
  if (French()) return DisplayDate(unix_ms) + " " + TwoDigits(c.hour) + ":" + TwoDigits(c.minute);
  return DisplayDate(unix_ms) + " " + TwoDigits(c.hour) + ":" + TwoDigits(c.minute) + ":" +
         TwoDigits(c.second);
}

std::string LocalTime(int64_t unix_ms) {
  CivilTime c = DisplayCivil(unix_ms);
  return TwoDigits(c.hour) + ":" + TwoDigits(c.minute) + ":" + TwoDigits(c.second);
}

std::string UtcIso(int64_t unix_ms) { return FormatTime(unix_ms, "%Y-%m-%dT%H:%M:%SZ", true); }

std::string UtcDate(int64_t unix_ms) { return FormatTime(unix_ms, "%Y-%m-%d", true); }

bool ParseDay(std::string_view t, int64_t* day) {
  auto num = [&](size_t at, size_t n, int* out) {
    *out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      *out = *out * 10 + (t[i] - '0');
    }
    return true;
  };
  if (t.size() != 10) return false;
  int y, m, d;
  if (t[4] == '-' && t[7] == '-') {
    if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return false;
  } else if (t[2] == '/' && t[5] == '/') {
    if (!num(0, 2, &d) || !num(3, 2, &m) || !num(6, 4, &y)) return false;
  } else {
    return false;
  }
  if (y < 1970 || !IsValidDate(y, m, d)) return false;
  *day = DaysFromCivil(y, m, d);
  return true;
}

int64_t StartOfDisplayDay(int64_t day) {
  if (g_display_zone) return g_display_zone->StartOfDay(day);
  return day * 86'400'000;
}

bool ParseDateEnd(std::string_view t, int64_t* unix_ms) {
  int64_t day = 0;
  if (!ParseDay(t, &day)) return false;
  *unix_ms = StartOfDisplayDay(day + 1);
  return true;
}

bool ParseExpiry(std::string_view t, int64_t now_ms, int64_t* unix_ms) {
  if (ParseDateEnd(t, unix_ms)) return true;
  if (t.size() < 2 || t.size() > 6) return false;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    n = n * 10 + (t[i] - '0');
  }
  int64_t unit = 0;
  if (t.back() == 'd') unit = 86'400'000;
  if (t.back() == 'h') unit = 3'600'000;
  if (t.back() == 'm') unit = 60'000;
  if (unit == 0 || n == 0) return false;
  *unix_ms = now_ms + n * unit;
  return true;
}

size_t DisplayWidth(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes only
  return n;
}

std::string RenderTable(const std::vector<std::vector<std::string>>& raw,
                        const std::vector<size_t>& right) {
  // Cells hold names and memos from the node: each through the one sanitiser.
  std::vector<std::vector<std::string>> rows = raw;
  for (auto& row : rows)
    for (auto& cell : row) cell = SafeText(cell);
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      size_t pad = width[i] - DisplayWidth(row[i]);
      bool is_right = std::find(right.begin(), right.end(), i) != right.end();
      if (is_right) line.append(pad, ' ');
      line += row[i];
      if (!is_right && i + 1 < row.size()) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string MemoProblem(std::string_view memo) {
  if (memo.size() > kMaxMemoBytes)
    return Tr("the memo is {size} bytes long; at most {max} bytes are allowed",
              fmt::arg("size", memo.size()), fmt::arg("max", kMaxMemoBytes));
  if (!IsPrintableUtf8(memo))
    return _("the memo must be UTF-8 text without control characters (no tabs or line breaks)");
  return "";
}

std::string SafeText(std::string_view text, Newlines newlines) {
  const bool keep_newlines = newlines == Newlines::kKeep;
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  char buf[16];
  for (size_t i = 0; i < n;) {
    // Decode one UTF-8 sequence strictly (no overlong forms, no surrogates).
    const unsigned char c = s[i];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool valid = len != 0 && i + len <= n;
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (s[i + k] & 0xC0) == 0x80;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    valid = valid && !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
            !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!valid) {
      std::snprintf(buf, sizeof buf, "\\x{%02X}", c);
      out += buf;
      ++i;
      continue;
    }
    if (keep_newlines && cp == '\n') {
      out += '\n';
    } else if (IsHiddenCodePoint(cp)) {
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

// The address's problem in the user's language. The ledger's sentences are English: in French,
// the two a clerk meets (a typo, another currency) are said in French, the others in general.
std::string AddressProblem(std::string_view text, const Status& s) {
  if (!French()) return s.message();
  if (s.message().find("checksum") != std::string::npos)
    return Tr(
        "the address {address} has a typo: its checksum does not match (copy it again from "
        "the member's card)",
        fmt::arg("address", SafeText(text)));
  if (s.message().find("another currency") != std::string::npos)  // i18n: as is
    return Tr("the address {address} is of another currency", fmt::arg("address", SafeText(text)));
  return Tr("the address {address} is not an address of this currency",
            fmt::arg("address", SafeText(text)));
}

}  // namespace liard::wallet
