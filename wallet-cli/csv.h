// CSV: the wallet's one reader of CSV files, for a municipality's payment batch (pay-batch) and
// a bank statement (audit reconcile) alike.
#ifndef LIARD_WALLET_CLI_CSV_H_
#define LIARD_WALLET_CLI_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "wallet-cli/cli_status.h"

namespace liard::wallet {

// One CSV record and the line of the file it starts on (1-based).
struct CsvRecord {
  size_t line = 0;
  std::vector<std::string> fields;
};

// How quotes are read.
enum class CsvQuotes {
  // RFC 4180: a quoted field may hold the separator, "" for a quote, and line breaks; a quote
  // inside an unquoted field, text after a closing quote or a quote never closed is a usage
  // error naming the line. For files people prepare to move money (pay-batch).
  kStrict,
  // As banks export: one record per line; a quote starts or ends a quoted run anywhere in a
  // field (and is dropped), "" inside one is a quote, a run the line leaves open ends with the
  // line. Never refuses. For statements read as they come (audit reconcile).
  kLenient,
};

// Parses CSV: fields separated by ',' — or by ';' when the first non-empty line holds a ';'
// outside quotes (French spreadsheets export that way, so that "12,50" needs no quotes); CRLF or
// LF; a UTF-8 byte order mark is skipped; empty lines (nothing but spaces, tabs or a CR) are
// skipped. *separator, if given, is set to the separator found.
[[nodiscard]] CliStatus ParseCsv(std::string_view text, std::vector<CsvRecord>* out,
                                 char* separator = nullptr, CsvQuotes quotes = CsvQuotes::kStrict);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_CSV_H_
