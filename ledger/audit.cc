// Audit: the postings CSV, the FEC and bank reconciliation.
#include "ledger/audit.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace liard {
namespace {

// "12.50", "-0.07", "1250" (0 decimals), with `point` as the decimal separator.
std::string Decimal(int64_t minor, int decimals, char point = '.') {
  return FormatAmount(Amount(minor), decimals, "", point);
}

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Civil ToCivil(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss hms(floor<seconds>(t - day));
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(hms.hours().count()),
               static_cast<unsigned>(hms.minutes().count()),
               static_cast<unsigned>(hms.seconds().count())};
}

std::string IsoTime(int64_t unix_ms) {
  const Civil c = ToCivil(unix_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string FecDate(int64_t unix_ms) {
  const Civil c = ToCivil(unix_ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", c.year, c.month, c.day);
  return buf;
}

// A FEC field may not hold the separator nor a line break.
std::string FecText(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '|' || c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

bool PerOwner(Slot s) {
  return s == Slot::kMember || s == Slot::kOfficeCash || s == Slot::kSponsorBudget ||
         s == Slot::kOwedToMerchant || s == Slot::kBonusTally || s == Slot::kDailyOutTally;
}

std::string_view BookName(Book b) {
  switch (b) {
    case Book::kUnits:
      return "units";
    case Book::kEuro:
      return "euro";
    case Book::kTally:
      return "tally";
  }
  return "?";
}

std::string ReferenceOf(const Operation& op) {
  if (auto* d = std::get_if<Deposit>(&op.payload)) return d->reference;
  if (auto* p = std::get_if<Payout>(&op.payload)) return p->reference;
  if (auto* f = std::get_if<FundProgramme>(&op.payload)) return f->reference;
  return "";
}

}  // namespace

std::string PostingsCsvHeader() {
  return "sequence,time,operation,operation_id,book,slot,owner,amount\n";
}

std::string PostingsCsvLines(const AppliedEntry& e, const Genesis& g) {
  std::string out;
  const std::string time = IsoTime(e.time_ms);
  const std::string id = ToHex(e.op_id);
  for (const Posting& p : e.delta->postings) {
    const Book book = BookOf(p.key.slot);
    const int decimals = book == Book::kUnits  ? static_cast<int>(g.decimals)
                         : book == Book::kEuro ? 2
                                               : 0;
    out += std::to_string(e.sequence) + "," + time + "," + std::string(OpTypeName(e.op->type())) +
           "," + id + "," + std::string(BookName(book)) + "," + std::string(SlotName(p.key.slot)) +
           "," + (PerOwner(p.key.slot) ? ToHex(p.key.owner) : std::string()) + "," +
           Decimal(p.amount, decimals) + "\n";
  }
  return out;
}

FecConfig FecConfig::Defaults() {
  FecConfig c;
  c.accounts[Slot::kFund] = {"512100", "Banque - fonds de garantie"};
  c.accounts[Slot::kOfficeCash] = {"531100", "Caisses des comptoirs de change"};
  c.accounts[Slot::kSponsorBudget] = {"441100", "Subventions de bonification a employer"};
  c.accounts[Slot::kIncome] = {"706100", "Commissions de reconversion et cotisations"};
  c.accounts[Slot::kOwedToMerchant] = {"467100", "Reconversions dues aux professionnels"};
  c.accounts[Slot::kEuroExternal] = {"467900", "Contreparties externes"};
  return c;
}

std::string FecHeader() {
  std::string h;
  for (size_t i = 0; i < std::size(kFecColumns); ++i)
    h += (i ? "|" : "") + std::string(kFecColumns[i]);
  return h + "\n";
}

std::string FecLines(const AppliedEntry& e, const FecConfig& config,
                     const std::map<Bytes<32>, std::string>& owner_label) {
  static const FecConfig kDefaults = FecConfig::Defaults();
  std::string out;
  const std::string date = FecDate(e.time_ms);
  std::string label = std::string(OpTypeName(e.op->type()));
  const std::string ref = ReferenceOf(*e.op);
  if (!ref.empty()) label += " " + ref;
  for (const Posting& p : e.delta->postings) {
    if (BookOf(p.key.slot) != Book::kEuro || p.amount == 0) continue;
    ChartAccount account{"471000", std::string(SlotName(p.key.slot))};
    if (auto it = config.accounts.find(p.key.slot); it != config.accounts.end())
      account = it->second;
    else if (auto d = kDefaults.accounts.find(p.key.slot); d != kDefaults.accounts.end())
      account = d->second;
    std::string aux_num, aux_lib;
    if (PerOwner(p.key.slot)) {
      aux_num = ToHex(p.key.owner).substr(0, 16);
      auto l = owner_label.find(p.key.owner);
      if (l != owner_label.end()) aux_lib = l->second;
    }
    const std::string debit = Decimal(p.amount > 0 ? p.amount : 0, 2, ',');
    const std::string credit = Decimal(p.amount < 0 ? -p.amount : 0, 2, ',');
    const std::string fields[18] = {FecText(config.journal_code),
                                    FecText(config.journal_label),
                                    std::to_string(e.sequence),
                                    date,
                                    FecText(account.number),
                                    FecText(account.label),
                                    aux_num,
                                    FecText(aux_lib),
                                    ToHex(e.op_id).substr(0, 16),
                                    date,
                                    FecText(label),
                                    debit,
                                    credit,
                                    "",
                                    "",
                                    date,
                                    "",
                                    ""};
    for (size_t i = 0; i < 18; ++i) out += (i ? "|" : "") + fields[i];
    out += "\n";
  }
  return out;
}

std::vector<LedgerMovement> BankMovements(const AppliedEntry& e) {
  std::vector<LedgerMovement> v;
  const Operation& op = *e.op;
  if (auto* d = std::get_if<Deposit>(&op.payload))
    v.push_back({e.sequence, e.time_ms, d->euros.minor(), d->reference, "deposit"});
  else if (auto* f = std::get_if<FundProgramme>(&op.payload))
    v.push_back({e.sequence, e.time_ms, f->euros.minor(), f->reference, "fund-programme"});
  else if (auto* p = std::get_if<Payout>(&op.payload))
    v.push_back({e.sequence, e.time_ms, -p->euros.minor(), p->reference, "payout"});
  return v;
}

Reconciliation Reconcile(const std::vector<BankLine>& bank,
                         const std::vector<LedgerMovement>& ledger, int window_days) {
  Reconciliation r;
  std::vector<bool> bank_used(bank.size()), ledger_used(ledger.size());
  // Pass 1: the same reference and amount.
  for (size_t j = 0; j < ledger.size(); ++j) {
    if (ledger[j].reference.empty()) continue;
    for (size_t i = 0; i < bank.size(); ++i) {
      if (bank_used[i] || bank[i].amount != ledger[j].amount) continue;
      if (bank[i].reference != ledger[j].reference) continue;
      bank_used[i] = ledger_used[j] = true;
      r.matched.emplace_back(bank[i], ledger[j]);
      break;
    }
  }
  // Pass 2: the same amount, the nearest date within the window.
  const int64_t window = static_cast<int64_t>(window_days) * 86'400'000;
  for (size_t j = 0; j < ledger.size(); ++j) {
    if (ledger_used[j]) continue;
    size_t best = bank.size();
    int64_t best_gap = 0;
    for (size_t i = 0; i < bank.size(); ++i) {
      if (bank_used[i] || bank[i].amount != ledger[j].amount) continue;
      const int64_t gap = std::abs(bank[i].date_ms - ledger[j].time_ms);
      if (gap > window + 86'400'000) continue;  // the statement's date is a whole day
      if (best == bank.size() || gap < best_gap) {
        best = i;
        best_gap = gap;
      }
    }
    if (best == bank.size()) continue;
    bank_used[best] = ledger_used[j] = true;
    r.matched.emplace_back(bank[best], ledger[j]);
  }
  for (size_t i = 0; i < bank.size(); ++i)
    if (!bank_used[i]) r.unmatched_bank.push_back(bank[i]);
  for (size_t j = 0; j < ledger.size(); ++j)
    if (!ledger_used[j]) r.unmatched_ledger.push_back(ledger[j]);
  std::sort(r.matched.begin(), r.matched.end(),
            [](const auto& a, const auto& b) { return a.second.sequence < b.second.sequence; });
  return r;
}

}  // namespace liard
