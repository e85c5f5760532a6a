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

// Checks every record without the network: an optional header "address,amount,memo" (any
// case), 2 or 3 fields, the address (checksum and currency), the amount (ParseAmount, above
// zero), the memo (256 bytes of printable UTF-8), at most kMaxLegs lines, a total that fits.
// Fills *lines with the good lines and *problems with every problem, in line order.
void CheckBatch(const std::vector<CsvRecord>& records, std::string_view currency_code, int decimals,
                std::vector<BatchLine>* lines, std::vector<BatchProblem>* problems);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_BATCH_H_
