// The FEC: the association's écritures per operation, with the opening (à-nouveaux) of the
// exported period and the ties to the ledger's totals at its end.
#include "ledger/fec.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/rules.h"

namespace liard {
namespace {

constexpr const char* kRoleNames[kFecRoleCount] = {"bank",
                                                   "office-cash",
                                                   "circulation",
                                                   "notes",
                                                   "owed-to-merchants",
                                                   "sponsor-budgets",
                                                   "membership-fees",
                                                   "reconversion-fees",
                                                   "bank-interest",
                                                   "bank-fees",
                                                   "opening-surplus",
                                                   "retained-credit",
                                                   "retained-debit"};
constexpr const char* kJournalNames[kFecJournalCount] = {
    "opening", "conversions", "notes", "reconversions", "bank", "memberships"};

// A FEC field may not hold the separator nor a line break.
std::string FecText(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '|' || c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// "12,50": the FEC's amounts, a comma and two decimals, no sign (debit and credit columns).
std::string FecAmount(int64_t cents) { return FormatAmount(Amount(cents), 2, "", ','); }

bool HasAux(FecRole role) {
  return role == FecRole::kOfficeCash || role == FecRole::kOwedToMerchants ||
         role == FecRole::kSponsorBudgets;
}

// ceil(units × par) in euro cents, for a non-negative number of units.
int64_t AtParUp(int64_t units, const Genesis& g) {
  const __int128 n = static_cast<__int128>(units) * g.par_num;
  return static_cast<int64_t>((n + g.par_den - 1) / g.par_den);
}

// The euro postings of one delta, gathered by what they are.
struct EuroMoves {
  int64_t fund = 0, income = 0, office_total = 0;
  std::map<Bytes<32>, int64_t> office, owed, budget;
  int64_t units_issued = 0;  // member units credited (a conversion's units)
  bool any = false;
};

EuroMoves Gather(const Delta& d) {
  EuroMoves m;
  for (const Posting& p : d.postings) {
    if (p.amount == 0) continue;
    switch (p.key.slot) {
      case Slot::kFund:
        m.fund += p.amount;
        break;
      case Slot::kIncome:
        m.income += p.amount;
        break;
      case Slot::kOfficeCash:
        m.office[p.key.owner] += p.amount;
        m.office_total += p.amount;
        break;
      case Slot::kOwedToMerchant:
        m.owed[p.key.owner] += p.amount;
        break;
      case Slot::kSponsorBudget:
        m.budget[p.key.owner] += p.amount;
        break;
      case Slot::kMember:
        if (p.amount > 0) m.units_issued += p.amount;
        continue;
      default:
        continue;
    }
    m.any = true;
  }
  return m;
}

int64_t Sum(const std::map<Bytes<32>, int64_t>& m) {
  int64_t s = 0;
  for (const auto& [k, v] : m) s += v;
  return s;
}

}  // namespace

std::string_view FecRoleName(FecRole role) { return kRoleNames[static_cast<size_t>(role)]; }

std::optional<FecRole> FecRoleByName(std::string_view name) {
  for (size_t i = 0; i < kFecRoleCount; ++i)
    if (name == kRoleNames[i]) return static_cast<FecRole>(i);
  return std::nullopt;
}

bool IsResultRole(FecRole role) {
  return role == FecRole::kMembershipFees || role == FecRole::kReconversionFees ||
         role == FecRole::kBankInterest || role == FecRole::kBankFees;
}

std::string_view FecJournalName(FecJournal journal) {
  return kJournalNames[static_cast<size_t>(journal)];
}

std::optional<FecJournal> FecJournalByName(std::string_view name) {
  for (size_t i = 0; i < kFecJournalCount; ++i)
    if (name == kJournalNames[i]) return static_cast<FecJournal>(i);
  return std::nullopt;
}

FecConfig FecConfig::Defaults() {
  FecConfig c;
  auto set = [&](FecRole r, const char* number, const char* label) {
    c.accounts[static_cast<size_t>(r)] = {number, label};
  };
  set(FecRole::kBank, "512100", "Banque – fonds de garantie");
  set(FecRole::kOfficeCash, "531100", "Caisses des comptoirs de change");
  set(FecRole::kCirculation, "467100", "Monnaie locale en circulation – comptes");
  set(FecRole::kNotes, "467110", "Monnaie locale en circulation – billets");
  set(FecRole::kOwedToMerchants, "467200", "Professionnels – reconversions à payer");
  set(FecRole::kSponsorBudgets, "467400", "Partenaires – fonds de bonification à employer");
  set(FecRole::kMembershipFees, "756000", "Cotisations");
  set(FecRole::kReconversionFees, "706100", "Commissions de reconversion");
  set(FecRole::kBankInterest, "768000", "Autres produits financiers");
  set(FecRole::kBankFees, "627000", "Services bancaires et assimilés");
  set(FecRole::kOpeningSurplus, "102000", "Fonds associatif");
  set(FecRole::kRetainedCredit, "110000", "Report à nouveau (solde créditeur)");
  set(FecRole::kRetainedDebit, "119000", "Report à nouveau (solde débiteur)");
  auto journal = [&](FecJournal j, const char* code, const char* label) {
    c.journals[static_cast<size_t>(j)] = {code, label};
  };
  journal(FecJournal::kOpening, "AN", "À-nouveaux");
  journal(FecJournal::kConversions, "CV", "Conversions");
  journal(FecJournal::kNotes, "BI", "Billets");
  journal(FecJournal::kReconversions, "RC", "Reconversions");
  journal(FecJournal::kBank, "BQ", "Banque");
  journal(FecJournal::kMemberships, "AD", "Adhésions");
  return c;
}

int64_t FecDayOf(const Genesis& genesis, int64_t unix_ms) {
  return CurrencyZone(genesis).DayOf(unix_ms);
}

namespace {
std::chrono::year_month_day Civil(int64_t day) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}
}  // namespace

std::string FecDate(int64_t day) {
  const auto ymd = Civil(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FrenchDate(int64_t day) {
  const auto ymd = Civil(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return buf;
}

std::string FrenchAmount(int64_t minor, int decimals, std::string_view unit) {
  // Latin-9 has no U+202F: the FEC groups with a no-break space, and a plain space before the
  // unit as its labels always had.
  std::string out = FormatGrouped(Amount(minor), decimals, ',', "\u00A0");
  if (!unit.empty()) out += " " + std::string(unit);
  return out;
}

FecWriter::FecWriter(const Genesis& genesis, const Delta& genesis_delta, FecConfig config,
                     FecPeriod period)
    : genesis_(genesis), zone_(CurrencyZone(genesis)), config_(std::move(config)), period_(period) {
  for (const auto& a : genesis_.accounts) names_[a.id] = a.name;
  for (const auto& p : genesis_.rules.programmes) names_[ProgrammeId(p.name)] = p.name;
  // The state after the genesis, as balances: the bank holds the fund and the budgets, the
  // circulation is a debt at par (rounded up), the rest of the fund is the association's.
  int64_t units = 0, paper = 0;
  for (const Posting& p : genesis_delta.postings) {
    totals_[static_cast<size_t>(p.key.slot)] += p.amount;
    if (p.key.slot == Slot::kMember) units += p.amount;
    if (p.key.slot == Slot::kPaper) paper += p.amount;
  }
  const EuroMoves m = Gather(genesis_delta);
  const Bytes<32> none{};
  int64_t sum = 0;
  auto put = [&](FecRole role, const Bytes<32>& aux, int64_t v) {
    if (v == 0) return;
    balances_[{role, aux}] += v;
    sum += v;
  };
  put(FecRole::kBank, none, m.fund + Sum(m.owed) + Sum(m.budget) + m.income);
  for (const auto& [o, v] : m.office) put(FecRole::kOfficeCash, o, v);
  for (const auto& [o, v] : m.owed) put(FecRole::kOwedToMerchants, o, -v);
  for (const auto& [p, v] : m.budget) put(FecRole::kSponsorBudgets, p, -v);
  put(FecRole::kRetainedCredit, none, -m.income);
  put(FecRole::kCirculation, none, -AtParUp(units, genesis_));
  put(FecRole::kNotes, none, -AtParUp(paper, genesis_));
  put(FecRole::kOpeningSurplus, none, -sum);
}

std::string FecWriter::AuxNum(const Key& key) const {
  if (key.role == FecRole::kSponsorBudgets) {
    auto it = names_.find(key.aux);
    return it != names_.end() ? it->second : ToHex(key.aux).substr(0, 12);
  }
  // The address's beginning, as the wallet shows it ("roue1q32yw…"), long enough to be unique
  // in practice.
  PublicKey id;
  id.data = key.aux.data;
  return EncodeAddress(genesis_.currency_code, id).substr(0, genesis_.currency_code.size() + 12);
}

std::string FecWriter::AuxName(const Key& key) const {
  auto it = names_.find(key.aux);
  return it != names_.end() ? it->second : "";
}

void FecWriter::Write(FecJournal journal, int64_t day, const std::string& piece,
                      const std::vector<Line>& lines) {
  int64_t sum = 0;
  for (const Line& l : lines) sum += l.debit_minus_credit;
  LIARD_CHECK(sum == 0);  // every écriture balances by construction
  const bool in_period = opened_;
  for (const Line& l : lines) balances_[{l.role, l.aux}] += l.debit_minus_credit;
  if (!in_period) return;
  const JournalName& j = config_.journals[static_cast<size_t>(journal)];
  const std::string num = std::to_string(++numbers_[static_cast<size_t>(journal)]);
  const std::string date = FecDate(day);
  ++ecritures_;
  for (const Line& l : lines) {
    if (l.debit_minus_credit == 0) continue;
    const ChartAccount& a = config_.accounts[static_cast<size_t>(l.role)];
    const Key key{l.role, l.aux};
    const bool aux = HasAux(l.role);
    const std::string fields[18] = {FecText(j.code),
                                    FecText(j.label),
                                    num,
                                    date,
                                    FecText(a.number),
                                    FecText(a.label),
                                    aux ? FecText(AuxNum(key)) : "",
                                    aux ? FecText(AuxName(key)) : "",
                                    FecText(piece),
                                    date,
                                    FecText(l.label),
                                    FecAmount(std::max<int64_t>(l.debit_minus_credit, 0)),
                                    FecAmount(std::max<int64_t>(-l.debit_minus_credit, 0)),
                                    "",
                                    "",
                                    date,
                                    "",
                                    ""};
    for (size_t i = 0; i < 18; ++i) text_ += (i ? "|" : "") + fields[i];
    text_ += "\n";
  }
}

void FecWriter::OpenPeriod() {
  opened_ = true;
  const int64_t day = std::max(period_.first_day, zone_.DayOf(genesis_.created_at_ms));
  if (day > period_.last_day) return;  // the period ended before the currency began
  const std::string label = "À-nouveaux au " + FrenchDate(day);
  std::vector<Line> lines;
  int64_t result = 0;
  const Bytes<32> none{};
  std::map<Key, int64_t> carried;
  for (const auto& [key, v] : balances_) {
    if (IsResultRole(key.role) || key.role == FecRole::kRetainedCredit ||
        key.role == FecRole::kRetainedDebit)
      result += v;
    else if (v != 0)
      carried[key] = v;
  }
  if (result < 0) carried[{FecRole::kRetainedCredit, none}] = result;
  if (result > 0) carried[{FecRole::kRetainedDebit, none}] = result;
  balances_.clear();  // Write adds the lines back
  for (const auto& [key, v] : carried) lines.push_back({key.role, key.aux, v, label});
  if (lines.empty()) return;
  Write(FecJournal::kOpening, day, "AN" + FecDate(day), lines);
}

void FecWriter::Add(const AppliedEntry& e, const Totals& totals_after) {
  const int64_t day = zone_.DayOf(e.time_ms);  // FecDayOf
  if (day > period_.last_day) return;          // after the period: neither written nor counted
  if (!opened_ && day >= period_.first_day) OpenPeriod();
  for (const auto& a : e.delta->accounts) names_[a.id] = a.name;
  if (e.delta->governance)
    for (const auto& p : e.delta->governance->rules.programmes)
      names_[ProgrammeId(p.name)] = p.name;
  totals_ = totals_after;
  const EuroMoves m = Gather(*e.delta);
  if (!m.any) return;  // transfers, board decisions: no euros, no écriture

  const Operation& op = *e.op;
  auto name = [&](const Bytes<32>& id) {
    auto it = names_.find(id);
    return it != names_.end() ? it->second : ToHex(id).substr(0, 12);
  };
  FecJournal journal = FecJournal::kBank;
  FecRole income_role = FecRole::kMembershipFees;
  FecRole circulation_role = FecRole::kCirculation;
  std::string label, fee_label = "Commission de reconversion", bonus_label;
  std::string piece = "E" + std::to_string(e.sequence);
  if (const auto* c = std::get_if<Conversion>(&op.payload)) {
    journal = FecJournal::kConversions;
    label =
        "Conversion " + FrenchAmount(c->euros.minor(), 2, "€") + " → " +
        FrenchAmount(m.units_issued, static_cast<int>(genesis_.decimals), genesis_.currency_code) +
        " – " + name(c->member);
    bonus_label = "Bonification " + c->programme;
  } else if (std::get_if<NoteSale>(&op.payload)) {
    journal = FecJournal::kNotes;
    circulation_role = FecRole::kNotes;
    label = "Vente de billets – " + name(op.account);
  } else if (const auto* n = std::get_if<NoteRedemption>(&op.payload)) {
    journal = FecJournal::kNotes;
    circulation_role = FecRole::kNotes;
    income_role = FecRole::kReconversionFees;
    label = "Reconversion de billets – " + name(n->merchant);
  } else if (const auto* d = std::get_if<Deposit>(&op.payload)) {
    label = "Dépôt des espèces – " + name(d->office);
    if (!d->reference.empty()) piece = d->reference;
  } else if (std::get_if<Reconversion>(&op.payload)) {
    journal = FecJournal::kReconversions;
    income_role = FecRole::kReconversionFees;
    label = "Reconversion – " + name(op.account);
  } else if (const auto* p = std::get_if<Payout>(&op.payload)) {
    label = "Virement de reconversion – " + name(p->merchant);
    if (!p->reference.empty()) piece = p->reference;
  } else if (const auto* f = std::get_if<FundProgramme>(&op.payload)) {
    label = "Versement au programme " + f->programme;
    if (!f->reference.empty()) piece = f->reference;
  } else if (const auto* b = std::get_if<BankEntry>(&op.payload)) {
    // A fee: D bank-fees, C bank; interest: D bank, C bank-interest.
    const bool fee = b->kind == BankEntryKind::kFee;
    income_role = fee ? FecRole::kBankFees : FecRole::kBankInterest;
    label = fee ? "Frais bancaires" : "Intérêts créditeurs";
    if (!b->reference.empty()) piece = b->reference;
  } else if (const auto* o = std::get_if<OpenAccount>(&op.payload)) {
    journal = FecJournal::kMemberships;
    label = "Cotisation – " + o->name;
  } else if (const auto* r = std::get_if<RenewMembership>(&op.payload)) {
    journal = FecJournal::kMemberships;
    label = "Cotisation – " + name(r->member);
  } else {
    // A board decision that opened an account with a fee (the approval that decided it).
    journal = FecJournal::kMemberships;
    std::string who;
    for (const auto& a : e.delta->accounts)
      if (a.id != op.account) who = a.name;
    label = who.empty() ? "Cotisation" : "Cotisation – " + who;
  }
  if (bonus_label.empty()) bonus_label = label;
  if (income_role != FecRole::kReconversionFees) fee_label = label;

  const Bytes<32> none{};
  std::vector<Line> lines;
  const int64_t bank = m.fund + Sum(m.owed) + Sum(m.budget) + m.income;
  // Debits first, then credits, as an accountant writes them.
  std::vector<Line> all;
  all.push_back({FecRole::kBank, none, bank, label});
  for (const auto& [o, v] : m.office) all.push_back({FecRole::kOfficeCash, o, v, label});
  for (const auto& [p, v] : m.budget) all.push_back({FecRole::kSponsorBudgets, p, -v, bonus_label});
  all.push_back({circulation_role, none, -(m.fund + m.office_total), label});
  for (const auto& [o, v] : m.owed) all.push_back({FecRole::kOwedToMerchants, o, -v, label});
  all.push_back({income_role, none, -m.income, fee_label});
  for (const Line& l : all)
    if (l.debit_minus_credit > 0) lines.push_back(l);
  for (const Line& l : all)
    if (l.debit_minus_credit < 0) lines.push_back(l);
  if (lines.empty()) return;
  Write(journal, day, piece, lines);
}

Status FecWriter::Finish(std::string* out) {
  if (!opened_) OpenPeriod();
  // The ties of docs/guide/auditor.md, against the ledger's totals at the period's end.
  auto total = [&](Slot s) { return totals_[static_cast<size_t>(s)]; };
  std::array<int64_t, kFecRoleCount> by_role{};
  for (const auto& [key, v] : balances_) by_role[static_cast<size_t>(key.role)] += v;
  auto role = [&](FecRole r) { return by_role[static_cast<size_t>(r)]; };
  int64_t result = 0;
  for (size_t i = 0; i < kFecRoleCount; ++i)
    if (IsResultRole(static_cast<FecRole>(i))) result += by_role[i];
  result += role(FecRole::kRetainedCredit) + role(FecRole::kRetainedDebit);
  // credit >= units × par: the rounding fractions stay with the reserve; equal at par 1/1.
  auto covers = [&](int64_t credit, int64_t units) {
    const __int128 euros = static_cast<__int128>(credit) * genesis_.par_den;
    const __int128 worth = static_cast<__int128>(units) * genesis_.par_num;
    return genesis_.par_num == genesis_.par_den ? euros == worth : euros >= worth;
  };
  std::string bad;
  if (role(FecRole::kBank) != total(Slot::kFund) + total(Slot::kOwedToMerchant) +
                                  total(Slot::kSponsorBudget) + total(Slot::kIncome))
    bad = "the bank account is not the fund, owed to merchants, bonus budgets and income";
  else if (role(FecRole::kOfficeCash) != total(Slot::kOfficeCash))
    bad = "the offices' cash is not the ledger's";
  else if (-role(FecRole::kOwedToMerchants) != total(Slot::kOwedToMerchant))
    bad = "what is owed to merchants is not the ledger's";
  else if (-role(FecRole::kSponsorBudgets) != total(Slot::kSponsorBudget))
    bad = "the bonus budgets are not the ledger's";
  else if (-result != total(Slot::kIncome))
    bad = "the income accounts and the retained result are not the association's income";
  else if (!covers(-role(FecRole::kCirculation), total(Slot::kMember) + total(Slot::kEarmarked)) ||
           !covers(-role(FecRole::kNotes), total(Slot::kPaper)))
    bad = "the circulation accounts are not the units in circulation at par";
  if (!bad.empty())
    return Status(Code::kInternal, "the FEC does not tie to the ledger: " + bad +
                                       "; this is a bug of liard, please report it");
  std::string header;
  for (size_t i = 0; i < std::size(kFecColumns); ++i)
    header += (i ? "|" : "") + std::string(kFecColumns[i]);
  *out = header + "\n" + text_;
  return Status::Ok();
}

}  // namespace liard
