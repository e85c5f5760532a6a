// A municipality's payment batch: the CSV file (RFC 4180, ',' or ';') and its local checks.
#ifndef LIARD_WALLET_CLI_BATCH_H_
#define LIARD_WALLET_CLI_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "wallet-cli/cli_status.h"

namespace liard::wallet {

// One CSV record and the line of the file it starts on (1-based).
struct CsvRecord {
  size_t line = 0;
  std::vector<std::string> fields;
};

// Parses RFC 4180 CSV: fields separated by ',' — or by ';' when the first non-empty line holds
// a ';' outside quotes (French spreadsheets export that way, so that "12,50" needs no quotes);
// quoted fields may hold the separator, "" for a quote, and line breaks; CRLF or LF; a UTF-8
// byte order mark is skipped; empty lines are skipped. An unterminated quote or text after a
// closing quote is a usage error naming the line.
[[nodiscard]] CliStatus ParseCsv(std::string_view text, std::vector<CsvRecord>* out,
                                 char* separator = nullptr);

struct BatchLine {
  size_t line = 0;  // in the file
  AccountId to;
  Amount amount;
  std::string memo;
};

struct BatchProblem {
  size_t line = 0;  // 0: the file as a whole
  std::string message;
};

// Checks every record without the network: an optional header "address,amount,memo" (any
// case), 2 or 3 fields, the address (checksum and currency), the amount (ParseAmount, above
// zero), the memo (256 bytes of printable UTF-8), at most kMaxLegs lines, a total that fits.
// Fills *lines with the good lines and *problems with every problem, in line order.
void CheckBatch(const std::vector<CsvRecord>& records, std::string_view currency_code, int decimals,
                std::vector<BatchLine>* lines, std::vector<BatchProblem>* problems);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_BATCH_H_
