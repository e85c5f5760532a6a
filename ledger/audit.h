// Audit: what the treasurer and the auditor take from a replayed journal — the general
// assembly's figures, the postings as CSV and the reconciliation with the bank statement (the
// FEC is in ledger/fec.h). Pure: the caller reads and writes the files.
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

// ---- The general assembly's report.

struct MonthFigures {
  uint32_t month = 0;            // 202611
  int64_t conversions = 0;       // count
  int64_t conversion_euros = 0;  // euro cents handed in at offices
  int64_t units_converted = 0;   // minor units issued by conversion, bonus included
  std::map<std::string, int64_t> bonus_by_programme;  // bonus euro cents paid from each budget
  int64_t reconversions = 0;                          // count (digital and paper)
  int64_t units_reconverted = 0;                      // minor units withdrawn
  int64_t fees = 0;        // euro cents of association income (reconversion and
                           // membership fees)
  int64_t paper_sold = 0;  // minor units of notes sold
  int64_t payments = 0;    // count of transfers and multi-leg payments
  int64_t units_paid = 0;  // minor units moved between members
};

// Circulation against the reserve after an entry: the points of the report's chart.
struct ReserveSample {
  uint64_t sequence = 0;
  int64_t time_ms = 0;
  int64_t circulation = 0;  // minor units (accounts and paper)
  int64_t reserve = 0;      // euro cents (fund and office cash)
  int64_t fund = 0;         // euro cents in the guarantee fund alone (the bank account)
};

// Accumulates the report's figures entry by entry. Samples are thinned to at most
// kMaxSamples evenly spread points (the first and the last kept), so the chart stays small
// whatever the journal's length.
class ReportBuilder {
 public:
  static constexpr size_t kMaxSamples = 400;

  void Add(const AppliedEntry& entry, const Totals& totals_after);
  // Names a programme's budget (ProgrammeId -> name) for the bonus columns; unnamed ones show
  // their id's first hex digits.
  void NameProgramme(const Hash& id, std::string name) { programme_names_[id] = std::move(name); }

  const std::map<uint32_t, MonthFigures>& months() const { return months_; }
  std::vector<ReserveSample> samples() const;

 private:
  std::map<uint32_t, MonthFigures> months_;
  std::map<Hash, std::string> programme_names_;
  std::vector<ReserveSample> samples_;
  ReserveSample last_;
  uint64_t stride_ = 1;
  uint64_t seen_ = 0;
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
