// Formatting for people: amounts in the locale's decimal separator, short addresses, local
// times, text tables, and the few text checks the wallet makes before anything is sent.
#ifndef LIARD_WALLET_CLI_FORMAT_H_
#define LIARD_WALLET_CLI_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liard {
class Status;
}  // namespace liard

namespace liard::wallet {

// The decimal separator the user reads: ',' when the effective locale for numbers (LC_ALL,
// else LC_NUMERIC, else LANG: the first one set and not empty, as POSIX orders them) is French
// or one of the regional languages of the currencies liard serves (fr, eu, br, oc, ca, co);
// '.' otherwise, including C and POSIX.
char DecimalSeparatorFor(std::string_view lc_all, std::string_view lc_numeric,
                         std::string_view lang);
char DecimalSeparatorFromEnv();

// Formats the ledger's units and euro cents for display. Thread-safe: a value type.
class Money {
 public:
  Money() = default;
  Money(std::string code, int decimals, char separator)
      : code_(std::move(code)), decimals_(decimals), separator_(separator) {}

  // 1250 -> "12,50 ROUE" in French (thousands grouped by U+202F, the code after U+00A0:
  // "2 140,01 ROUE"), "12.50 ROUE" in English.
  std::string Units(int64_t minor) const;
  // A signed amount, always with its sign: "+12,50 ROUE", "-3.00 ROUE".
  std::string SignedUnits(int64_t minor) const;
  // Euro cents: "10,00 €" in French, "10.00 EUR" in English.
  std::string Euros(int64_t cents) const;
  // Without a code, with '.' whatever the locale: what --json and URIs carry ("12.50").
  std::string Plain(int64_t minor) const;
  static std::string PlainEuros(int64_t cents);
  // Basis points as a percentage with two decimals: 10000 -> "100,00 %". Integers only.
  std::string Percent(uint32_t basis_points) const;

  const std::string& code() const { return code_; }
  int decimals() const { return decimals_; }
  char separator() const { return separator_; }

 private:
  std::string code_;
  int decimals_ = 2;
  char separator_ = '.';
};

// "roue1q32yw…0daw": enough to recognise an address, too short to use one.
std::string ShortAddress(std::string_view address);
// "Boulangerie du Rhône (roue1q…)" or just the short address when the name is unknown.
std::string Party(std::string_view name, std::string_view address);

// An account kind as sent over the wire (pb::AccountKind): "merchant", or "unknown".
std::string KindWord(int kind);

// "Boulangerie du Rhône (merchant, roue1q…)" with the whole address: what a confirmation shows
// before anything is signed (pay, payment requests, board decisions), so that a look-alike name
// on another kind of account, or on another address, is seen. `kind` empty: left out.
std::string PartyInFull(std::string_view name, std::string_view kind, std::string_view address);

// The time zone dates are shown and typed in: the currency's (its genesis names it, e.g.
// "Europe/Paris"; the session sets it). Empty, or a ledger that names none: the machine's local
// time. An unknown name is ignored (the machine's local time).
void SetDisplayZone(std::string_view iana_name);
std::string DisplayZoneName();

// The date "02/12/2026" in French, "2026-12-02" in English, in the display zone.
std::string DisplayDate(int64_t unix_ms);
// Date and time in the display zone: "02/12/2026 15:59" in French, "2026-12-02 15:59:03" in
// English; and the time alone, "15:59:03".
std::string LocalDateTime(int64_t unix_ms);
std::string LocalTime(int64_t unix_ms);
// A month in words: "novembre 2026" in French, "November 2026" in English.
std::string MonthInWords(int year, int month);
// UTC ISO 8601 "2026-11-03T13:03:21Z", for --json.
std::string UtcIso(int64_t unix_ms);
// UTC date "2026-12-31".
std::string UtcDate(int64_t unix_ms);

// A date as typed, "2026-12-31" or "31/12/2026" (years 1970 to 9999), as days since
// 1970-01-01. False if not a valid date.
bool ParseDay(std::string_view text, int64_t* day);
// The instant day `day` begins in the display zone.
int64_t StartOfDisplayDay(int64_t day);
// A date as typed (ParseDay) -> the first millisecond of the NEXT day in the display zone: a
// membership "until 31/12/2026" runs through that whole day. False if not a date.
bool ParseDateEnd(std::string_view text, int64_t* unix_ms);
// A proposal's lifetime as typed: "7d", "48h", "90m", or a date (its end, as above), from
// `now_ms`. False if none of these.
bool ParseExpiry(std::string_view text, int64_t now_ms, int64_t* unix_ms);

// Columns aligned by display width (UTF-8 code points, not bytes), two spaces apart; columns
// listed in `right` are right-aligned (amounts).
std::string RenderTable(const std::vector<std::vector<std::string>>& rows,
                        const std::vector<size_t>& right = {});
size_t DisplayWidth(std::string_view utf8);

// A memo as the ledger accepts it: at most 256 bytes of printable UTF-8. Returns "" or why not.
std::string MemoProblem(std::string_view memo);

// The one sanitiser of text from outside (node messages, the currency's name, names, memos,
// payment-request fields, code names) before it reaches the terminal: every hidden code point
// (liard::IsHiddenCodePoint: C0 and C1 controls, ESC, DEL, bidi controls and other format
// characters, invisible ones) becomes a visible escape such as \u{202E}, and a byte that is not
// UTF-8 becomes \x{FF}, so that nothing can move the cursor, write the clipboard (OSC 52) or
// reorder a line. With Newlines::kKeep, '\n' stays a line break (multi-line messages).
enum class Newlines { kEscape, kKeep };
std::string SafeText(std::string_view text, Newlines newlines = Newlines::kEscape);

// Why an address was refused (DecodeAddress's status), in the user's language: the ledger's
// sentence in English; in French, the two a person meets (a typo, another currency) said in
// French, the others in general.
std::string AddressProblem(std::string_view text, const Status& s);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_FORMAT_H_
