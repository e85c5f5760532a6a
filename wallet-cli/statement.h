// Bank statements as banks export them, for `liard audit reconcile`: CSV files (',' or ';', a
// header in French or English after any preamble, one signed amount or Débit/Crédit columns,
// UTF-8 with or without a byte order mark or Windows-1252) and ISO 20022 camt.053 XML; and what
// to do about each line that does not reconcile.
#ifndef LIARD_WALLET_CLI_STATEMENT_H_
#define LIARD_WALLET_CLI_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/audit.h"
#include "wallet-cli/cli_status.h"

namespace liard::wallet {

struct Statement {
  std::string format;    // "CSV" or "camt.053"
  std::string encoding;  // "UTF-8", "UTF-8 with a byte order mark", "Windows-1252", ...
  std::vector<BankLine> lines;
  size_t header_line = 0;           // CSV: the line of the header (lines before it are skipped)
  std::vector<size_t> total_lines;  // CSV: lines recognised as a balance or total, not read
  std::optional<int64_t> closing;   // camt.053: the closing booked balance (CLBD), euro cents
};

// Reads `bytes` (the content of the file `name`, used in messages). The format is chosen by the
// content: XML (starting with `<?xml` or `<Document`, after any byte order mark and blanks) is
// camt.053, anything else CSV. A refusal names the file and the line (or XML element) and says
// what is expected (a usage error).
[[nodiscard]] CliStatus ParseStatement(std::string_view bytes, const std::string& name,
                                       Statement* out);
// Reads the file `path` and parses it.
[[nodiscard]] CliStatus ReadStatement(const std::string& path, Statement* out);

// "2026-11-05", "05/11/2026" or "05/11/26" (2000 to 2099): midnight UTC of that day.
bool ParseStatementDate(std::string_view text, int64_t* ms);

// A signed euro amount as banks and people write it, to cents, without floating point:
// "1 234,56", "1234,56", "1.234,56", "1,234.56", "-12,50", "+12,50", "12,50-" (a trailing minus),
// "12,50 €", "12.50 EUR"; spaces, no-break spaces (U+00A0) and narrow no-break spaces (U+202F)
// are thousands separators; with both '.' and ',', the last one is the decimal separator.
[[nodiscard]] CliStatus ParseSignedEuros(std::string_view text, int64_t* cents);

// ---- What to do about what does not reconcile.

// An office holding cash not yet banked, or a merchant owed euros, by name and address.
struct Holder {
  std::string name;
  std::string address;
  int64_t euros = 0;  // cents
};
struct AdviceContext {
  std::vector<Holder> offices;            // cash each office holds, not yet deposited
  std::vector<Holder> merchants;          // what each merchant is owed
  std::vector<LedgerMovement> unmatched;  // recorded movements the statement lacks
};

// One sentence for a statement line the ledger lacks, with the command to type when one applies
// (a fee, interest, an office's deposit, a merchant's payout).
std::string AdviseBankLine(const BankLine& line, const AdviceContext& context);
// One sentence for a recorded movement the statement lacks.
std::string AdviseLedgerMovement(const LedgerMovement& movement);
// A recorded movement's kind (LedgerMovement::what: "deposit", "payout", ...) in the reader's
// language.
std::string MovementWords(const std::string& what);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_STATEMENT_H_
