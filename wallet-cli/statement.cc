// Bank statements as banks export them: CSV (French or English headers, Débit/Crédit or one
// amount, UTF-8 or Windows-1252) and ISO 20022 camt.053; and the advice for what does not
// reconcile.
#include "wallet-cli/statement.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "ledger/amount.h"
#include "ledger/genesis.h"
#include "wallet-cli/audit.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

// ---- Text.

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string Trimmed(std::string_view s) {
  s.remove_prefix(std::min(s.size(), s.find_first_not_of(" \t\r\n")));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

bool HasWord(const std::string& folded, std::string_view word) {
  const std::string padded = " " + folded + " ";
  return padded.find(" " + std::string(word)) != std::string::npos;
}

// ---- Encodings: Decode (wallet-cli/csv.h) reads the bytes as UTF-8 or Windows-1252.

CliStatus Refuse(const std::string& name, size_t line, const std::string& what) {
  return CliStatus::Usage(name + ":" + std::to_string(line) + ": " + what);
}

// ---- CSV.

enum class Column { kNone, kDate, kValueDate, kLabel, kReference, kAmount, kDebit, kCredit };

Column Classify(std::string_view cell) {
  std::string f = Fold(cell);
  for (std::string_view unit : {" en euros", " euros", " euro", " eur"})  // i18n: as is
    if (f.size() > unit.size() && f.ends_with(unit)) f.resize(f.size() - unit.size());
  for (std::string_view n :
       {"date", "date operation", "date d operation", "date comptable",  // i18n: as is
        "date de comptabilisation", "booking date", "date operations"})  // i18n: as is
    if (f == n) return Column::kDate;
  for (std::string_view n : {"date de valeur", "date valeur", "value date"})  // i18n: as is
    if (f == n) return Column::kValueDate;
  for (std::string_view n :
       {"libelle", "label", "libelle operation", "libelle de l operation"})  // i18n: as is
    if (f == n) return Column::kLabel;
  for (std::string_view n :
       {"reference", "ref", "references", "reference operation"})  // i18n: as is
    if (f == n) return Column::kReference;
  if (f == "montant" || f == "amount") return Column::kAmount;
  if (f == "debit") return Column::kDebit;
  if (f == "credit") return Column::kCredit;
  return Column::kNone;
}

struct Columns {
  int date = -1, label = -1, reference = -1, amount = -1, debit = -1, credit = -1;
};

// The columns a header line names; false if it is not a header (no date, or no amount).
bool HeaderColumns(const std::vector<std::string>& cells, Columns* out) {
  Columns c;
  int value_date = -1;
  // Where each kind of column goes, in the order of Column; the first of each kind counts.
  int* const slots[] = {nullptr,      &c.date,   &value_date, &c.label,
                        &c.reference, &c.amount, &c.debit,    &c.credit};
  for (size_t i = 0; i < cells.size(); ++i) {
    int* slot = slots[static_cast<size_t>(Classify(cells[i]))];
    if (slot != nullptr && *slot < 0) *slot = static_cast<int>(i);
  }
  if (c.date < 0) c.date = value_date;  // the value date only when no other date is named
  if (c.date < 0) return false;
  if (c.amount < 0 && (c.debit < 0 || c.credit < 0)) return false;
  *out = c;
  return true;
}

CliStatus ParseCsvStatement(const std::string& text, const std::string& name, Statement* st) {
  // The header: the first line naming a date and an amount (or debit and credit) column; the
  // account number, the period and the like before it are skipped.
  constexpr size_t kMaxPreamble = 50;
  size_t offset = 0, line = 1;
  Columns cols;
  bool found = false;
  while (offset < text.size() && line <= kMaxPreamble) {
    size_t end = text.find('\n', offset);
    if (end == std::string::npos) end = text.size();
    std::vector<CsvRecord> one;
    if (ParseCsv(std::string_view(text).substr(offset, end - offset), &one, nullptr,
                 CsvQuotes::kLenient)
            .ok() &&
        !one.empty() && HeaderColumns(one[0].fields, &cols)) {
      found = true;
      break;
    }
    offset = end + 1;
    ++line;
  }
  if (!found)
    return Refuse(name, 1,
                  Tr("no header line found in its first {n} lines: a bank statement needs a "
                     "line naming its columns, a date (Date, Date opération) and either an "
                     "amount (Montant, Amount) or Débit and Crédit, separated by ';' or ','",
                     fmt::arg("n", kMaxPreamble)));
  st->header_line = line;
  std::vector<CsvRecord> records;
  CliStatus s =
      ParseCsv(std::string_view(text).substr(offset), &records, nullptr, CsvQuotes::kLenient);
  if (!s.ok()) return s;
  for (size_t r = 1; r < records.size(); ++r) {
    const size_t n = records[r].line + line - 1;
    const std::vector<std::string>& f = records[r].fields;
    auto at = [&](int k) {
      std::string v = k >= 0 && k < static_cast<int>(f.size()) ? f[k] : "";
      v.erase(0, v.find_first_not_of(' '));
      v.erase(v.find_last_not_of(' ') + 1);
      return v;
    };
    BankLine b;
    b.line = n;
    if (!ParseStatementDate(at(cols.date), &b.date_ms)) {
      // A balance or total line ("Solde au 30/11/2026", "Total des opérations") is not a
      // movement.
      bool total = false;
      for (const auto& cell : f) {
        const std::string folded = Fold(cell);
        total |= HasWord(folded, "solde") || HasWord(folded, "total") ||
                 HasWord(folded, "balance") || HasWord(folded, "totaux");
      }
      if (total) {
        st->total_lines.push_back(n);
        continue;
      }
      return Refuse(name, n,
                    Tr("the date '{text}' is not DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD",
                       fmt::arg("text", SafeText(at(cols.date)))));
    }
    if (cols.amount >= 0) {
      s = ParseSignedEuros(at(cols.amount), &b.amount);
      if (!s.ok())
        return Refuse(name, n,
                      Tr("the amount '{text}': {why}", fmt::arg("text", SafeText(at(cols.amount))),
                         fmt::arg("why", s.message())));
    } else {
      const std::string debit = at(cols.debit), credit = at(cols.credit);
      int64_t d = 0, c = 0;
      if (!debit.empty()) {
        s = ParseSignedEuros(debit, &d);
        if (!s.ok())
          return Refuse(name, n,
                        Tr("the debit '{text}': {why}", fmt::arg("text", SafeText(debit)),
                           fmt::arg("why", s.message())));
      }
      if (!credit.empty()) {
        s = ParseSignedEuros(credit, &c);
        if (!s.ok())
          return Refuse(name, n,
                        Tr("the credit '{text}': {why}", fmt::arg("text", SafeText(credit)),
                           fmt::arg("why", s.message())));
      }
      if ((d != 0) == (c != 0))
        return Refuse(name, n,
                      d != 0 ? _("the line has both a debit and a credit; a movement is one or "
                                 "the other")
                             : _("the line has neither a debit nor a credit; a movement is one "
                                 "or the other"));
      // A debit is money out, written with or without a minus sign.
      b.amount = d != 0 ? -std::abs(d) : c;
    }
    if (cols.label >= 0) b.label = at(cols.label);
    if (cols.reference >= 0) b.reference = at(cols.reference);
    st->lines.push_back(std::move(b));
  }
  return CliStatus::Ok();
}

// ---- camt.053.

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

bool Is(const xmlNode* n, const char* local) {
  return n != nullptr && n->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(n->name), local) == 0;
}

const xmlNode* Child(const xmlNode* n, const char* local) {
  if (n == nullptr) return nullptr;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (Is(c, local)) return c;
  return nullptr;
}

// The first element at the end of a path of local names, e.g. {"BookgDt", "Dt"}.
const xmlNode* Path(const xmlNode* n, std::initializer_list<const char*> path) {
  for (const char* p : path) n = Child(n, p);
  return n;
}

std::string Text(const xmlNode* n) {
  if (n == nullptr) return "";
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

std::string Attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

// An amount with its currency and CdtDbtInd, the sign applied: the element `holder` holds Amt
// and CdtDbtInd (an Ntry or a Bal).
CliStatus CamtAmount(const xmlNode* holder, const std::string& where, int64_t* cents) {
  const xmlNode* amt = Child(holder, "Amt");
  if (amt == nullptr)
    return CliStatus::Usage(Tr("{where} has no Amt element", fmt::arg("where", where)));
  const std::string ccy = Attribute(amt, "Ccy");
  if (ccy != "EUR")
    return CliStatus::Usage(
        Tr("{where}/Amt is in '{currency}'; liard reconciles a euro account only (Ccy=\"EUR\")",
           fmt::arg("where", where), fmt::arg("currency", SafeText(ccy))));
  Amount a;
  Status s = ParseAmount(Text(amt), 2, &a);
  if (!s.ok())
    return CliStatus::Usage(Tr("{where}/Amt '{text}': {why}", fmt::arg("where", where),
                               fmt::arg("text", SafeText(Text(amt))),
                               fmt::arg("why", s.message())));
  const std::string ind = Text(Child(holder, "CdtDbtInd"));
  if (ind != "CRDT" && ind != "DBIT")
    return CliStatus::Usage(
        Tr("{where}/CdtDbtInd is '{text}'; it must be CRDT (money in) or DBIT (money out)",
           fmt::arg("where", where), fmt::arg("text", SafeText(ind))));
  *cents = ind == "DBIT" ? -a.minor() : a.minor();
  return CliStatus::Ok();
}

// "2026-11-05" or "2026-11-05T10:00:00+01:00": the day as written.
bool CamtDate(const xmlNode* holder, int64_t* ms) {
  std::string d = Text(Child(holder, "Dt"));
  if (d.empty()) d = Text(Child(holder, "DtTm")).substr(0, 10);
  return ParseStatementDate(d, ms);
}

CliStatus ParseCamt(std::string_view text, const std::string& name, Statement* st) {
  // No document type: a bank statement needs none, and refusing it refuses external entities
  // and entity expansion (XXE, "billion laughs") before the parser sees them.
  if (text.find("<!DOCTYPE") != std::string_view::npos ||
      text.find("<!ENTITY") != std::string_view::npos)
    return CliStatus::Usage(
        Tr("{file}: the XML declares a document type (<!DOCTYPE>); a camt.053 statement has "
           "none, and liard does not read one",
           fmt::arg("file", name)));
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      xmlReadMemory(text.data(), static_cast<int>(text.size()), name.c_str(), nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    return Refuse(name, e ? static_cast<size_t>(e->line) : 1,
                  e && e->message
                      ? Tr("this is not well-formed XML: {why}; a camt.053 statement is an XML "
                           "document exported by the bank",
                           fmt::arg("why", SafeText(Trimmed(e->message))))
                      : _("this is not well-formed XML; a camt.053 statement is an XML document "
                          "exported by the bank"));
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  const xmlNode* bk = Child(root, "BkToCstmrStmt");
  if (!Is(root, "Document") || bk == nullptr)
    return CliStatus::Usage(
        Tr("{file}: the XML is not an ISO 20022 camt.053 bank statement "
           "(Document/BkToCstmrStmt)",
           fmt::arg("file", name)));
  st->format = "camt.053";
  for (const xmlNode* stmt = bk->children; stmt != nullptr; stmt = stmt->next) {
    if (!Is(stmt, "Stmt")) continue;
    for (const xmlNode* n = stmt->children; n != nullptr; n = n->next) {
      const size_t at = static_cast<size_t>(xmlGetLineNo(n));
      const std::string where = name + ":" + std::to_string(at) + ": Stmt/" +
                                (n->name ? reinterpret_cast<const char*>(n->name) : "");
      if (Is(n, "Bal")) {
        if (Text(Path(n, {"Tp", "CdOrPrtry", "Cd"})) != "CLBD") continue;
        int64_t cents = 0;
        CliStatus s = CamtAmount(n, where, &cents);
        if (!s.ok()) return s;
        st->closing = cents;  // the last statement's, when a file holds several
        continue;
      }
      if (!Is(n, "Ntry")) continue;
      // Booked entries only: a pending one is not on the account yet.
      std::string status = Text(Child(n, "Sts"));
      if (const xmlNode* cd = Path(n, {"Sts", "Cd"})) status = Text(cd);
      if (!status.empty() && status != "BOOK") continue;
      BankLine b;
      b.line = at;
      CliStatus s = CamtAmount(n, where, &b.amount);
      if (!s.ok()) return s;
      const xmlNode* booked = Child(n, "BookgDt");
      if (booked == nullptr) booked = Child(n, "ValDt");
      if (!CamtDate(booked, &b.date_ms))
        return CliStatus::Usage(
            Tr("{where}/BookgDt has no date; it must hold Dt (YYYY-MM-DD) or DtTm",
               fmt::arg("where", where)));
      const xmlNode* tx = Path(n, {"NtryDtls", "TxDtls"});
      b.reference = Text(Child(n, "AcctSvcrRef"));
      if (b.reference.empty()) {
        const std::string e2e = Text(Path(tx, {"Refs", "EndToEndId"}));
        if (e2e != "NOTPROVIDED") b.reference = e2e;
      }
      b.label = Text(Child(n, "AddtlNtryInf"));
      if (b.label.empty()) b.label = Text(Path(tx, {"RmtInf", "Ustrd"}));
      st->lines.push_back(std::move(b));
    }
  }
  return CliStatus::Ok();
}

// Euros as a command takes them ("--eur 2,50"): a decimal comma in every language.
std::string Eur(int64_t cents) { return FormatAmount(Amount(cents), 2, "", ','); }

// Euros in a sentence: "2,50" in English (as the command takes them), "2,50 €" in French.
std::string ProseEuros(int64_t cents) {
  if (French()) return Money("EUR", 2, ',').Euros(cents);
  return Eur(cents);
}

// A reference as the command line takes it: quoted when it holds a space.
std::string RefArg(const BankLine& b) {
  if (b.reference.empty()) return "REF";
  if (b.reference.find_first_of(" '\"") == std::string::npos) return b.reference;
  return "'" + b.reference + "'";
}

// A command to type, its words joined by spaces.
std::string Command(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) out += (out.empty() ? "" : " ") + std::string(w);
  return out;
}

std::string RefNote(const BankLine& b) {
  if (!b.reference.empty()) return "";
  return std::string(" ") + _("(the line has no reference: choose one, e.g. the date; it will "
                              "match by amount within the window of days)");
}

}  // namespace

bool ParseStatementDate(std::string_view t, int64_t* ms) {
  int y = 0, m = 0, d = 0;
  auto digits = [&](std::string_view s, int* out) {
    if (s.empty()) return false;
    *out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      *out = *out * 10 + (c - '0');
    }
    return true;
  };
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    if (!digits(t.substr(0, 4), &y) || !digits(t.substr(5, 2), &m) || !digits(t.substr(8, 2), &d))
      return false;
  } else if (t.size() == 10 && t[2] == '/' && t[5] == '/') {
    if (!digits(t.substr(0, 2), &d) || !digits(t.substr(3, 2), &m) || !digits(t.substr(6, 4), &y))
      return false;
  } else if (t.size() == 8 && t[2] == '/' && t[5] == '/') {
    if (!digits(t.substr(0, 2), &d) || !digits(t.substr(3, 2), &m) || !digits(t.substr(6, 2), &y))
      return false;
    y += 2000;
  } else {
    return false;
  }
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(m)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  *ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count();
  return true;
}

CliStatus ParseSignedEuros(std::string_view text, int64_t* cents) {
  std::string t;
  for (size_t i = 0; i < text.size(); ++i) {
    // Spaces, no-break spaces (C2 A0) and narrow no-break spaces (E2 80 AF) separate thousands.
    if (text[i] == ' ' || text[i] == '\t') continue;
    if (text.substr(i, 2) == "\xC2\xA0") {
      ++i;
      continue;
    }
    if (text.substr(i, 3) == "\xE2\x80\xAF") {
      i += 2;
      continue;
    }
    if (text.substr(i, 3) == "\xE2\x82\xAC") {  // €
      i += 2;
      continue;
    }
    t += text[i];
  }
  if (t.ends_with("EUR")) t.resize(t.size() - 3);
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.erase(0, 1);
  } else if (!t.empty() && t.back() == '-') {
    negative = true;
    t.pop_back();
  }
  // With both separators the last one is the decimal point; the other separates thousands.
  const size_t comma = t.rfind(','), point = t.rfind('.');
  if (comma != std::string::npos && point != std::string::npos) {
    const char thousands = comma > point ? '.' : ',';
    t.erase(std::remove(t.begin(), t.end(), thousands), t.end());
  }
  Amount a;
  Status s = ParseAmount(t, 2, &a);
  if (!s.ok())
    return CliStatus::Usage(Tr("{why}; write euros such as 1 234,56, -12,50 or 12,50- (a debit)",
                               fmt::arg("why", s.message())));
  *cents = negative ? -a.minor() : a.minor();
  return CliStatus::Ok();
}

CliStatus ParseStatement(std::string_view bytes, const std::string& name, Statement* out) {
  Statement st;
  std::string text;
  Decode(bytes, &text, &st.encoding);
  std::string_view head(text);
  head.remove_prefix(std::min(head.size(), head.find_first_not_of(" \t\r\n")));
  if (head.empty())
    return CliStatus::Usage(
        Tr("{file} is empty; a bank statement was expected", fmt::arg("file", name)));
  CliStatus s;
  if (StartsWith(head, "<?xml") || StartsWith(head, "<Document")) {
    s = ParseCamt(text, name, &st);
  } else {
    st.format = "CSV";
    s = ParseCsvStatement(text, name, &st);
  }
  if (!s.ok()) return s;
  *out = std::move(st);
  return CliStatus::Ok();
}

CliStatus ReadStatement(const std::string& path, Statement* out) {
  std::string bytes;
  bool found = false;
  CliStatus s = ReadWholeFile(path, &bytes, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Local(
        Tr("no bank statement {file}: check the file's path", fmt::arg("file", path)));
  return ParseStatement(bytes, path, out);
}

std::string AdviseBankLine(const BankLine& b, const AdviceContext& context) {
  const std::string label = Fold(b.label);
  const std::string eur = Eur(b.amount < 0 ? -b.amount : b.amount);
  const std::string ref = RefArg(b);
  // The same reference recorded with another amount: one of the two is wrong.
  for (const LedgerMovement& m : context.unmatched)
    if (!b.reference.empty() && m.reference == b.reference)
      return Tr(
          "the ledger recorded reference {reference} as {recorded} (entry {entry}, {what}), "
          "the statement shows {shown}: check the amount with the bank; a recorded entry is "
          "never changed, so if the bank is right record the difference of {difference} "
          "the same way, and if the ledger is, tell the board",
          fmt::arg("reference", b.reference), fmt::arg("recorded", ProseEuros(m.amount)),
          fmt::arg("entry", m.sequence), fmt::arg("what", MovementWords(m.what)),
          fmt::arg("shown", ProseEuros(b.amount)),
          fmt::arg("difference", ProseEuros(b.amount - m.amount)));
  if (b.amount < 0) {
    for (std::string_view w : {"frais", "commission", "cotisation carte", "agios",  // i18n: as is
                               "tenue de compte", "fee", "fees", "cotis"})          // i18n: as is
      if (HasWord(label, w))
        return Tr("a bank fee: record it with `{command}`{note}",
                  fmt::arg("command", Command({"liard", "bank-fee", "--eur", eur, "--ref", ref})),
                  fmt::arg("note", RefNote(b)));
    // What a merchant is owed: the transfer that paid it.
    const Holder* exact = nullptr;
    const Holder* part = nullptr;
    for (const Holder& h : context.merchants) {
      if (h.euros == -b.amount && exact == nullptr) exact = &h;
      if (h.euros > -b.amount && (part == nullptr || h.euros < part->euros)) part = &h;
    }
    if (const Holder* h = exact ? exact : part)
      return Tr(
          "a payout to the merchant {name}, who is owed {owed}: record it with "
          "`{command}`{note}",
          fmt::arg("name", h->name), fmt::arg("owed", ProseEuros(h->euros)),
          fmt::arg("command", Command({"liard", "payout", "--merchant", h->address, "--eur", eur,
                                       "--ref", ref})),
          fmt::arg("note", RefNote(b)));
    return b.reference.empty()
               ? _("not a movement liard knows (money out that is neither a fee nor what a "
                   "merchant is owed): ask the bank (reference none) and the board who ordered "
                   "it; the guarantee fund's account should pay only merchants and bank fees")
               : Tr("not a movement liard knows (money out that is neither a fee nor what a "
                    "merchant is owed): ask the bank (reference {reference}) and the board who "
                    "ordered it; the guarantee fund's account should pay only merchants and bank "
                    "fees",
                    fmt::arg("reference", b.reference));
  }
  for (std::string_view w : {"interet", "interets", "interest", "remuneration"})
    if (HasWord(label, w))
      return Tr(
          "bank interest: record it with `{command}`{note}",
          fmt::arg("command", Command({"liard", "bank-interest", "--eur", eur, "--ref", ref})),
          fmt::arg("note", RefNote(b)));
  // Cash an office holds: its deposit. The office holding exactly this amount, else the one
  // holding the least that covers it.
  const Holder* exact = nullptr;
  const Holder* part = nullptr;
  for (const Holder& h : context.offices) {
    if (h.euros == b.amount && exact == nullptr) exact = &h;
    if (h.euros > b.amount && (part == nullptr || h.euros < part->euros)) part = &h;
  }
  if (const Holder* h = exact ? exact : part)
    return Tr(
        "a deposit of the cash of the office {name}, which holds {held}: record it with "
        "`{command}`{note}",
        fmt::arg("name", h->name), fmt::arg("held", ProseEuros(h->euros)),
        fmt::arg("command",
                 Command({"liard", "deposit", "--office", h->address, "--eur", eur, "--ref", ref})),
        fmt::arg("note", RefNote(b)));
  return Tr(
      "not a movement liard knows (money in that no office holds): if a sponsor paid into "
      "a bonus programme, record it with `{command}`; otherwise ask the bank who sent it "
      "and tell the board before recording anything",
      fmt::arg("command",
               Command({"liard", "fund-programme", "NAME", "--eur", eur, "--ref", ref})));
}

std::string AdviseLedgerMovement(const LedgerMovement& m) {
  if (m.what == "deposit")
    return _(
        "not yet on this statement: look at the next one; if the bank never shows it, ask "
        "the office for its deposit slip and show it to the bank: until the bank credits "
        "it, the cash is not in the fund");
  if (m.what == "payout")
    return _(
        "not yet on this statement: look at the next one; if the bank never shows it, ask "
        "the bank whether the transfer to the merchant left or was rejected, and pay the "
        "merchant again only once the bank says it was rejected");
  if (m.what == "fund-programme")
    return _(
        "not yet on this statement: look at the next one; if the bank never shows it, ask "
        "the sponsor for its transfer order: the programme's budget already counts this "
        "money");
  if (m.reference.empty())
    return _(
        "not yet on this statement: look at the next one; if the bank never shows it, ask "
        "the bank about reference (none); an entry recorded by mistake is the board's to "
        "correct");
  return Tr(
      "not yet on this statement: look at the next one; if the bank never shows it, ask the "
      "bank about reference {reference}; an entry recorded by mistake is the board's to "
      "correct",
      fmt::arg("reference", m.reference));
}

std::string MovementWords(const std::string& what) {
  // The words the ledger uses (ledger/audit.h), which name the commands that record them.
  if (what == "deposit") return _("deposit");
  if (what == "payout") return _("payout");
  if (what == "fund-programme") return _("fund-programme");
  if (what == "bank-fee") return _("bank-fee");
  if (what == "bank-interest") return _("bank-interest");
  return what;
}

}  // namespace liard::wallet
