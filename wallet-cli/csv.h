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

// The text of a file as UTF-8, and the name of the encoding it was read in (*encoding): "UTF-8",
// "UTF-8 with a byte order mark" (the mark dropped), or, for bytes that are not UTF-8, what
// French banks and spreadsheets write on Windows: "Windows-1252" (Excel's "CSV (séparateur :
// point-virgule)"), "ISO-8859-15" (Latin-9: a byte 0xA4, the euro sign there, and none of
// 0x80-0x9F, which Latin-9 leaves to control characters) or "ISO-8859-1" (a byte Windows-1252
// leaves undefined). Never fails: every byte sequence is text in ISO-8859-1. The names are
// marked for translation (N_): show them with _().
void Decode(std::string_view bytes, std::string* text, std::string* encoding);

// Lower case, accents dropped (the Latin-1 letters French uses, as UTF-8), anything but a letter
// or a digit turned into a single space, trimmed: "Date d'opération" -> "date d operation",
// "Réf." -> "ref", "Montant (EUR)" -> "montant eur". For recognising the headings of a file.
std::string Fold(std::string_view s);

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

// A field as a CSV file writes it: quoted when it holds `separator`, a quote or a line break
// (RFC 4180), a quote doubled inside.
std::string CsvField(std::string_view field, char separator);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_CSV_H_
