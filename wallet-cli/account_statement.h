// An account's monthly statement (`liard statement`): the month's bounds in the currency's time
// zone, the opening balance worked back from the current one, every movement with its running
// balance, the totals and the closing balance, checked to add up; and its three renderings:
// text, CSV (the French accountant's way in French) and an A4 PDF (cairo).
// Not to be confused with wallet-cli/statement.h, the BANK statement reader of `audit reconcile`.
#ifndef LIARD_WALLET_CLI_ACCOUNT_STATEMENT_H_
#define LIARD_WALLET_CLI_ACCOUNT_STATEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wallet-cli/cli_status.h"
#include "wallet-cli/format.h"

namespace liard::wallet {

// How many journal entries of an account the statement reads back at most from now to the
// month's first instant; past that it refuses and says what to do.
inline constexpr size_t kMaxStatementEntries = 100'000;

// A calendar month: `year` and `month` (1..12).
struct CalendarMonth {
  int year = 0;
  int month = 0;
};

// "2026-11" or "11/2026" (also "1/2027"), years 1970 to 9999. False if neither.
bool ParseMonth(std::string_view text, CalendarMonth* out);
// The first instant of the month and of the next one, in the display zone (SetDisplayZone: the
// currency's), in Unix milliseconds: an instant t belongs to the month when start <= t < end.
void MonthBounds(const CalendarMonth& m, int64_t* start_ms, int64_t* end_ms);

// One journal entry of the account, newest first as the node sends them: when, the change of
// the account's member balance, and how it reads.
struct StatementEntry {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  int64_t units = 0;         // signed: + in, - out
  std::string kind;          // in words, in the user's language: "payment received"
  std::string counterparty;  // a name, or a short address; empty when none
  std::string memo;
};

struct AccountStatement {
  int64_t start_ms = 0, end_ms = 0;     // the month's bounds (MonthBounds)
  int64_t opening = 0;                  // the balance at start_ms
  int64_t closing = 0;                  // the balance at end_ms (now, for the month in progress)
  int64_t total_in = 0, total_out = 0;  // total_out is positive
  struct Line {
    StatementEntry entry;
    int64_t balance = 0;  // after this entry
  };
  std::vector<Line> lines;  // the month's movements, oldest first (entries that move no units
                            // are left out)
};

// What the wallet read: the balance now (after entry `entries.front()`), the entries newest first
// back to the first one before the month (or to the account's first: `complete`), and, when
// `complete`, the balance before the first entry (the genesis's opening balance, else 0).
struct StatementInput {
  int64_t balance_now = 0;
  std::vector<StatementEntry> entries;  // newest first
  bool complete = false;
  int64_t balance_before_first = 0;
};

// Works the statement out and checks that it adds up: opening + in - out = closing, no balance
// below zero, and, for a complete history, the balance before the first entry is the one
// expected. A local error (exit 5) naming what does not add up otherwise: nothing is printed.
[[nodiscard]] CliStatus BuildStatement(const StatementInput& in, int64_t start_ms, int64_t end_ms,
                                       AccountStatement* out);

// The statement's header: who, what, when.
struct StatementHeader {
  std::string association;  // the association that runs the currency (the genesis's)
  std::string currency_name, currency_code;
  std::string account_name, address, kind;  // kind in words, in the user's language
  CalendarMonth month;
  std::string zone;          // "Europe/Paris"
  bool in_progress = false;  // the month has not ended: the statement stops at `as_of_ms`
  int64_t as_of_ms = 0;
};

// The renderings, in the user's language (amounts and dates by format.h).
std::string RenderStatementText(const StatementHeader& h, const AccountStatement& s,
                                const Money& money);
// French: ';' between fields, ',' for decimals, dates DD/MM/YYYY, a UTF-8 byte order mark (so
// that Excel reads the accents), CRLF. English: ',' and '.', ISO dates, no mark, CRLF.
// Amounts without the currency code or grouping; one row per movement, then no totals (a
// spreadsheet sums).
std::string RenderStatementCsv(const StatementHeader& h, const AccountStatement& s,
                               const Money& money);
// An A4 PDF (cairo, DejaVu Sans): the same content as the text, the association's name, page
// breaks and "page 1/2". A local error if cairo fails.
[[nodiscard]] CliStatus RenderStatementPdf(const StatementHeader& h, const AccountStatement& s,
                                           const Money& money, std::string* pdf);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_ACCOUNT_STATEMENT_H_
