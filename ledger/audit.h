// Audit: what the treasurer and the auditor take from a replayed journal — the postings as CSV
// and the reconciliation with the bank statement (the general assembly's figures are in
// ledger/report.h, the FEC in ledger/fec.h). Pure: the caller reads and writes the files.
#ifndef LIARD_LEDGER_AUDIT_H_
#define LIARD_LEDGER_AUDIT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/journal.h"
#include "ledger/money.h"
#include "ledger/operation.h"
#include "ledger/state.h"

namespace liard {

// One applied journal entry with what it did: the input of every report and export.
struct AppliedEntry {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  Hash op_id;
  const Operation* op = nullptr;  // valid for the call
  const Delta* delta = nullptr;   // its postings
};

// ---- Exports.

// The CSV of every posting: one line per posting, with a header line. Columns: sequence,
// time (UTC ISO 8601), operation (type name), operation id (hex), book, slot, owner (hex; empty
// for system slots), amount (signed, minor units or euro cents, '.' decimal point).
std::string PostingsCsvHeader();
std::string PostingsCsvLines(const AppliedEntry& entry, const Genesis& genesis);

// ---- Bank reconciliation.

// A line of the bank statement of the guarantee fund's account: + money in, - money out.
struct BankLine {
  int64_t date_ms = 0;  // midnight UTC of the statement's date
  int64_t amount = 0;   // euro cents, signed
  std::string label;
  std::string reference;
  size_t line = 0;  // in the statement file, for messages
};

// A movement the ledger recorded that the bank must show: a deposit of office cash (+), a
// sponsor's payment into a programme (+), a payout to a merchant (-), a bank fee (-), bank
// interest (+).
struct LedgerMovement {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  int64_t amount = 0;  // euro cents, signed as the bank sees it
  std::string reference;
  std::string what;  // "deposit", "fund-programme", "payout", "bank-fee", "bank-interest"
};

// The movements of one applied entry (none for most operations).
std::vector<LedgerMovement> BankMovements(const AppliedEntry& entry);

struct Reconciliation {
  std::vector<std::pair<BankLine, LedgerMovement>> matched;
  std::vector<BankLine> unmatched_bank;          // on the statement, not in the ledger
  std::vector<LedgerMovement> unmatched_ledger;  // in the ledger, not on the statement
};

// Pairs each movement with one statement line: first by equal reference and amount, then by
// equal amount within `window_days` of each other (nearest date first). Each line and each
// movement is used once. Deterministic.
Reconciliation Reconcile(const std::vector<BankLine>& bank,
                         const std::vector<LedgerMovement>& ledger, int window_days = 5);

}  // namespace liard

#endif  // LIARD_LEDGER_AUDIT_H_
