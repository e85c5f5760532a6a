// Audit: the postings CSV and bank reconciliation.
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

bool PerOwner(Slot s) {
  return s == Slot::kMember || s == Slot::kOfficeCash || s == Slot::kSponsorBudget ||
         s == Slot::kOwedToMerchant || BookOf(s) == Book::kTally;
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

std::vector<LedgerMovement> BankMovements(const AppliedEntry& e) {
  std::vector<LedgerMovement> v;
  const Operation& op = *e.op;
  if (auto* d = std::get_if<Deposit>(&op.payload))
    v.push_back({e.sequence, e.time_ms, d->euros.minor(), d->reference, "deposit"});
  else if (auto* f = std::get_if<FundProgramme>(&op.payload))
    v.push_back({e.sequence, e.time_ms, f->euros.minor(), f->reference, "fund-programme"});
  else if (auto* p = std::get_if<Payout>(&op.payload))
    v.push_back({e.sequence, e.time_ms, -p->euros.minor(), p->reference, "payout"});
  else if (auto* b = std::get_if<BankEntry>(&op.payload))
    v.push_back({e.sequence, e.time_ms,
                 b->kind == BankEntryKind::kFee ? -b->euros.minor() : b->euros.minor(),
                 b->reference, b->kind == BankEntryKind::kFee ? "bank-fee" : "bank-interest"});
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
