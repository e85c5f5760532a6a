// A municipality's payment batch: its CSV records (read by ParseCsv, wallet-cli/csv.h, strict
// RFC 4180) and their local checks.
#ifndef LIARD_WALLET_CLI_BATCH_H_
#define LIARD_WALLET_CLI_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/csv.h"

namespace liard::wallet {

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

// Whether a record is the header of a batch file: its first field names the address ("address",
// "adresse", "account", "compte"), in any case, with or without accents. *complete says whether
// the others are right too: the amount ("amount", "montant"), then optionally the memo ("memo",
// "mémo", "libellé", "label", "motif").
bool IsBatchHeader(const std::vector<std::string>& fields, bool* complete);

// Checks every record without the network: an optional header on the first record (see
// IsBatchHeader; *header_line, if given, is set to its line, 0 without one), 2 or 3 fields, the
// address (checksum and currency), the amount (ParseAmount, above zero; French forms such as
// "1 200,00", "1.200,00" and "80,00 €" are read, and `units` are the units a line may add after
// the digits), the memo (256 bytes of printable UTF-8), at most kMaxLegs lines, a total that
// fits. Fills *lines with the good lines and *problems with every problem, in line order. The
// messages are in the user's language.
void CheckBatch(const std::vector<CsvRecord>& records, std::string_view currency_code, int decimals,
                std::vector<BatchLine>* lines, std::vector<BatchProblem>* problems,
                size_t* header_line = nullptr, const std::vector<std::string>& units = {});

// The units a batch line may write after its amount: the currency's code, and the euro ("€",
// "EUR") when one unit is worth one euro (par 1/1), so that "80,00 €" means 80 units.
std::vector<std::string> BatchUnits(std::string_view currency_code, bool at_par_with_euro);

// A payee and its lines in a batch.
struct BatchPayee {
  AccountId to;
  std::vector<size_t> lines;  // the lines of the file that pay it, in order
  int64_t total = 0;          // minor units
};

// A batch file's bytes as UTF-8 text (Windows-1252 read too), its records, and the encoding it
// was read in (pay-batch, aid grant).
[[nodiscard]] CliStatus ReadBatchFile(const std::string& path, std::vector<CsvRecord>* records,
                                      std::string* encoding);

// Every payee of the lines, in the order of its first line.
std::vector<BatchPayee> PayeesOf(const std::vector<BatchLine>& lines);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_BATCH_H_
