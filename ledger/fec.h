// The FEC (Fichier des écritures comptables, article A47 A-1 of the Livre des procédures
// fiscales): the association's books as a French accountant reads them, built per operation from
// a replayed journal. Pure: the wallet reads the journal and writes the file (and its encoding).
//
// liard's euro-book slots are the association's holdings (docs/money.md); the FEC is not a copy
// of those postings but the écritures of a chart of accounts for associations (plan comptable
// des associations, ANC 2018-06): the bank in debit, the units in circulation a debt (credit),
// what is owed to a merchant credited when it arises and debited when paid, income in credit.
// docs/guide/auditor.md gives every écriture with la Roue's numbers.
#ifndef LIARD_LEDGER_FEC_H_
#define LIARD_LEDGER_FEC_H_

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/audit.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

// The accounts of the chart, by role. Each has a number and a label in the configuration.
enum class FecRole : uint8_t {
  kBank,              // 512100: the bank account (fund, owed, budgets and income are there)
  kOfficeCash,        // 531100: cash at the exchange offices (aux per office)
  kCirculation,       // 467100: units in accounts, a debt of the association
  kNotes,             // 467110: paper notes in the public's hands
  kOwedToMerchants,   // 467200: reconversions to pay (aux per merchant)
  kSponsorBudgets,    // 467400: bonus funds still to spend (aux per programme)
  kMembershipFees,    // 756000: income
  kReconversionFees,  // 706100: income
  kBankInterest,      // 768000: income
  kBankFees,          // 627000: charge
  kOpeningSurplus,    // 102000: the genesis fund beyond its circulation
  kRetainedCredit,    // 110000: previous years' result, a surplus
  kRetainedDebit,     // 119000: previous years' result, a loss
};
inline constexpr size_t kFecRoleCount = 13;
// "bank", "office-cash", ...: the keys of [accounts] in the wallet's --fec-config.
std::string_view FecRoleName(FecRole role);
std::optional<FecRole> FecRoleByName(std::string_view name);
// Classes 6 and 7: their balances are the year's result, carried to 110000/119000 at the next
// year's opening.
bool IsResultRole(FecRole role);

enum class FecJournal : uint8_t {
  kOpening,        // AN À-nouveaux
  kConversions,    // CV Conversions
  kNotes,          // BI Billets (sales and redemptions)
  kReconversions,  // RC Reconversions
  kBank,           // BQ Banque (deposits, payouts, programme funding, bank fees and interest)
  kMemberships,    // AD Adhésions
};
inline constexpr size_t kFecJournalCount = 6;
// "opening", "conversions", ...: the keys of [journals] in the wallet's --fec-config.
std::string_view FecJournalName(FecJournal journal);
std::optional<FecJournal> FecJournalByName(std::string_view name);

struct ChartAccount {
  std::string number;  // CompteNum, e.g. "512100"
  std::string label;   // CompteLib (UTF-8)
};
struct JournalName {
  std::string code;   // JournalCode, e.g. "CV"
  std::string label;  // JournalLib
};
struct FecConfig {
  std::array<ChartAccount, kFecRoleCount> accounts;
  std::array<JournalName, kFecJournalCount> journals;
  static FecConfig Defaults();  // the chart above, in French
};

// The exported period, in days (FecDayOf: calendar days in the currency's time zone): entries
// dated first_day to last_day, both included, are written. The defaults export everything from the
// genesis.
struct FecPeriod {
  int64_t first_day = std::numeric_limits<int64_t>::min();
  int64_t last_day = std::numeric_limits<int64_t>::max();
};

// The day an écriture is dated: the calendar day of a time in the currency's time zone
// (CurrencyZone: the genesis's from version 4 on, UTC before). Days since 1970-01-01.
int64_t FecDayOf(const Genesis& genesis, int64_t unix_ms);
// "20261231" and "31/12/2026" for a day.
std::string FecDate(int64_t day);
std::string FrenchDate(int64_t day);
// 214001 -> "2 140,01 €" (U+00A0 no-break space between thousands, which ISO-8859-15 has);
// with a currency code, "12,00 ROUE".
std::string FrenchAmount(int64_t minor, int decimals, std::string_view unit);

inline constexpr const char* kFecColumns[18] = {
    "JournalCode", "JournalLib",  "EcritureNum", "EcritureDate", "CompteNum",     "CompteLib",
    "CompAuxNum",  "CompAuxLib",  "PieceRef",    "PieceDate",    "EcritureLib",   "Debit",
    "Credit",      "EcritureLet", "DateLet",     "ValidDate",    "Montantdevise", "Idevise"};

// Builds the FEC from the genesis and then every journal entry in order (always from entry 1:
// entries before the period move the balances the period opens with; entries after it are
// ignored). The text is UTF-8; the wallet converts it.
class FecWriter {
 public:
  // `genesis_delta`: Ledger::GenesisDelta's postings, the state the currency started from.
  FecWriter(const Genesis& genesis, const Delta& genesis_delta, FecConfig config,
            FecPeriod period = {});

  // One applied entry and the state's totals after it (for the ties checked at the end).
  void Add(const AppliedEntry& entry, const Totals& totals_after);

  // The file: the header, the period's opening écriture (à-nouveaux), then every écriture of
  // the period. Checks the closing balances against the ledger's totals at the period's end
  // (kInternal naming the account if one does not tie: a bug, never the user's input).
  [[nodiscard]] Status Finish(std::string* out);

  size_t ecritures() const { return ecritures_; }

  // A balance-sheet or result account with its auxiliary (an office, a merchant, a programme).
  struct Key {
    FecRole role;
    Bytes<32> aux;
    auto operator<=>(const Key&) const = default;
  };
  // Debit minus credit, in euro cents, of every account so far (within the period).
  const std::map<Key, int64_t>& balances() const { return balances_; }

 private:
  struct Line {
    FecRole role;
    Bytes<32> aux;
    int64_t debit_minus_credit;
    std::string label;
  };
  void Write(FecJournal journal, int64_t day, const std::string& piece,
             const std::vector<Line>& lines);
  void OpenPeriod();
  std::string AuxNum(const Key& key) const;
  std::string AuxName(const Key& key) const;

  Genesis genesis_;
  TimeZone zone_;  // CurrencyZone(genesis_): the days of FecDayOf
  FecConfig config_;
  FecPeriod period_;
  std::map<Key, int64_t> balances_;
  std::map<Bytes<32>, std::string> names_;  // accounts and programmes (ProgrammeId)
  std::array<uint64_t, kFecJournalCount> numbers_{};
  Totals totals_{};  // the ledger's, at the last entry taken into the balances
  bool opened_ = false;
  size_t ecritures_ = 0;
  std::string text_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_FEC_H_
