// liard pay-batch: a municipality pays many members in one operation, all lines or none; and
// liard batch show: the lines of such a payment, read back from the node.
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/refusal.h"
#include "wallet-cli/verify.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

struct BatchArgs {
  std::string file;
  bool dry_run = false, yes = false, json = false;
};

// A count as the language writes it: "2 000" in French (U+202F), "2000" in English.
std::string Count(size_t n) {
  if (!French()) return std::to_string(n);
  return FormatGrouped(Amount(static_cast<int64_t>(n)), 0, ',', "\u202F");
}

// "line 12" or "file", before a problem.
std::string Where(size_t line) {
  return line == 0 ? std::string(_("file")) : Tr("line {line}", fmt::arg("line", line));
}

// "Where: message", the colon as the language spaces it.
std::string Said(size_t line, const std::string& message) {
  return Tr("{where}: {what}", fmt::arg("where", Where(line)), fmt::arg("what", message));
}

// The CSV line of the first bad leg, which the node reports as a number beside its sentence.
std::string WithLine(const std::string& message, uint32_t leg,
                     const std::vector<BatchLine>& lines) {
  if (leg == 0 || leg > lines.size()) return message;
  return Said(lines[leg - 1].line, message);
}

// "2 000 payments to 20 accounts": the distinct accounts, not the lines.
std::string PaymentsTo(size_t payments, size_t accounts) {
  std::string p = TrP("{n} payment", "{n} payments", payments, fmt::arg("n", Count(payments)));
  return TrP("{payments} to {n} account", "{payments} to {n} accounts", accounts,
             fmt::arg("payments", p), fmt::arg("n", Count(accounts)));
}

// "lines 2, 5, 9" (the first ten, then how many more).
std::string LinesList(const std::vector<size_t>& lines) {
  constexpr size_t kShown = 10;
  std::string list;
  for (size_t i = 0; i < lines.size() && i < kShown; ++i)
    list += (i == 0 ? "" : ", ") + std::to_string(lines[i]);
  if (lines.size() > kShown)
    return Tr("lines {list} and {n} more", fmt::arg("list", list),
              fmt::arg("n", Count(lines.size() - kShown)));
  return Tr("lines {list}", fmt::arg("list", list));
}

// What the clerk must know before paying, beyond the problems: the header skipped, the encoding
// the file was read in, and every payee on more than one line.
std::vector<std::string> Notes(Session& session, size_t header_line, const std::string& encoding,
                               const std::vector<BatchPayee>& payees) {
  std::vector<std::string> notes;
  if (header_line != 0) notes.push_back(Said(header_line, _("header, skipped")));
  if (encoding.rfind("UTF-8", 0) != 0)  // not UTF-8: said, since the memos depend on it
    notes.push_back(Tr("the file is not UTF-8: it was read as {encoding}",
                       fmt::arg("encoding", _(encoding.c_str()))));
  size_t repeated = 0;
  for (const BatchPayee& p : payees) repeated += p.lines.size() > 1 ? 1 : 0;
  if (repeated == 0) return notes;
  notes.push_back(TrP("{n} account is paid on more than one line:",
                      "{n} accounts are paid on more than one line:", repeated,
                      fmt::arg("n", Count(repeated))));
  const Money& money = session.money();
  constexpr size_t kListed = 100;  // each named by a lookup; the JSON of --dry-run has them all
  size_t listed = 0;
  for (const BatchPayee& p : payees) {
    if (p.lines.size() < 2) continue;
    if (listed++ == kListed) {
      notes.push_back("  " + TrP("and {n} more (all in pay-batch --dry-run --json)",
                                 "and {n} more (all in pay-batch --dry-run --json)",
                                 repeated - kListed, fmt::arg("n", Count(repeated - kListed))));
      break;
    }
    notes.push_back(
        "  " + Tr("{payee}: {lines}, {n} payments, {total}",
                  fmt::arg("payee", session.NameOf(p.to)), fmt::arg("lines", LinesList(p.lines)),
                  fmt::arg("n", Count(p.lines.size())), fmt::arg("total", money.Units(p.total))));
  }
  return notes;
}

size_t RepeatedCount(const std::vector<BatchPayee>& payees) {
  size_t n = 0;
  for (const BatchPayee& p : payees) n += p.lines.size() > 1 ? 1 : 0;
  return n;
}

}  // namespace

CliStatus ReadBatchFile(const std::string& path, std::vector<CsvRecord>* records,
                        std::string* encoding) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return CliStatus::Local(
        Tr("cannot read {file}: check its name and that you may read it", fmt::arg("file", path)));
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text;
  Decode(ss.str(), &text, encoding);
  CliStatus s = ParseCsv(text, records);
  if (!s.ok()) return CliStatus::Usage(path + ": " + s.message());
  return CliStatus::Ok();
}

namespace {

CliStatus PayBatch(Session& session, const BatchArgs& a) {
  std::vector<CsvRecord> records;
  std::string encoding;
  CliStatus s = ReadBatchFile(a.file, &records, &encoding);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  const Money& money = session.money();
  const Genesis& g = session.genesis();
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> local;
  size_t header_line = 0;
  CheckBatch(records, g.currency_code, money.decimals(), &lines, &local, &header_line,
             BatchUnits(g.currency_code, g.par_num == g.par_den));
  int64_t total = 0;
  for (const auto& l : lines) total += l.amount.minor();  // CheckBatch bounded the sum
  const std::vector<BatchPayee> payees = PayeesOf(lines);

  // Against the node: the payees, the balance, then the whole operation simulated.
  std::vector<BatchProblem> ledger;
  KeyFile key;
  s = session.LoadKey(&key);
  if (!s.ok()) return s;
  pb::AccountInfo me;
  bool found = false;
  s = session.node().FindAccount(key.account, &me, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(Tr("the account of key '{key}' does not exist in this ledger",
                                 fmt::arg("key", session.key_name())));
  const std::vector<std::string> notes = Notes(session, header_line, encoding, payees);
  if (a.dry_run) {
    std::map<AccountId, pb::AccountCard> cards;
    std::map<AccountId, bool> known;
    for (const auto& l : lines) {
      if (!known.count(l.to)) {
        // The payees' public cards (LookupAccount): every unknown, frozen or closed one, by
        // line, where the simulation below would stop at the first.
        pb::AccountCard card;
        bool exists = false;
        s = session.CardOf(l.to, &card, &exists);
        if (!s.ok()) return s;
        known[l.to] = exists;
        cards[l.to] = card;
      }
      if (l.to == key.account) {
        ledger.push_back({l.line, _("the payer cannot pay itself")});
      } else if (!known[l.to]) {
        ledger.push_back({l.line, Tr("no account {address} in this ledger",
                                     fmt::arg("address", session.AddressOf(l.to)))});
      } else if (cards[l.to].status() == pb::ACCOUNT_STATUS_FROZEN) {
        ledger.push_back(
            {l.line, Tr("the account {payee} is frozen", fmt::arg("payee", session.NameOf(l.to)))});
      } else if (cards[l.to].status() == pb::ACCOUNT_STATUS_CLOSED) {
        ledger.push_back(
            {l.line, Tr("the account {payee} is closed", fmt::arg("payee", session.NameOf(l.to)))});
      }
    }
    if (total > me.balance())
      ledger.push_back({0, Tr("the total {total} is more than the balance {balance}",
                              fmt::arg("total", money.Units(total)),
                              fmt::arg("balance", money.Units(me.balance())))});
    if (local.empty() && ledger.empty() && !lines.empty()) {
      MultiTransfer mt;
      for (const auto& l : lines) mt.legs.push_back(Leg{l.to, l.amount, l.memo});
      Prepared p;
      s = session.Prepare(std::move(mt), &p);
      if (!s.ok()) return s;
      pb::SimulateResponse sim;
      bool available = false;
      s = session.node().Simulate(p.body, p.op.account, p.key.public_key, &sim, &available);
      if (!s.ok()) return s;
      if (!available)
        std::cerr << "liard: "
                  << _("this node cannot simulate; the payees and the balance were checked one "
                       "by one")
                  << "\n";
      else if (sim.code() != 0)
        ledger.push_back(
            {sim.leg() >= 1 && sim.leg() <= lines.size() ? lines[sim.leg() - 1].line : 0,
             DescribeRefusal(RefusalOf(sim), money, RefusalFrame::kBare)});
    }
    const size_t count = lines.size() + [&] {
      std::set<size_t> bad;
      for (const auto& p : local)
        if (p.line != 0) bad.insert(p.line);
      return bad.size();
    }();
    // Every problem, local or the ledger's, in the order of the file.
    enum class Found { kLocally, kByLedger };
    std::vector<std::pair<BatchProblem, Found>> all;
    for (const auto& p : local) all.emplace_back(p, Found::kLocally);
    for (const auto& p : ledger) all.emplace_back(p, Found::kByLedger);
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& x, const auto& y) { return x.first.line < y.first.line; });
    if (a.json) {
      json j;
      j["file"] = a.file;
      j["encoding"] = encoding;
      j["header_line"] = header_line;
      j["lines"] = count;
      j["valid_lines"] = lines.size();
      j["accounts"] = payees.size();
      j["total"] = money.Plain(total);
      j["total_minor"] = total;
      j["currency"] = money.code();
      j["balance"] = money.Plain(me.balance());
      j["balance_minor"] = me.balance();
      json repeated = json::array();
      for (const BatchPayee& p : payees)
        if (p.lines.size() > 1)
          repeated.push_back({{"address", session.AddressOf(p.to)},
                              {"name", session.PlainNameOf(p.to)},
                              {"lines", p.lines},
                              {"total", money.Plain(p.total)},
                              {"total_minor", p.total}});
      j["repeated_payees"] = repeated;
      json problems = json::array();
      for (const auto& [p, found] : all)
        problems.push_back({{"line", p.line},
                            {"kind", found == Found::kLocally ? "local" : "ledger"},
                            {"message", p.message}});
      j["problems"] = problems;
      j["ok"] = local.empty() && ledger.empty();
      std::cout << j.dump(2) << "\n";
    } else {
      const std::string n = Count(count);
      std::cout << (lines.size() != count
                        ? TrP("{file}: {n} line ({valid} valid), total {total} (balance {balance})",
                              "{file}: {n} lines ({valid} valid), total {total} (balance "
                              "{balance})",
                              count, fmt::arg("file", a.file), fmt::arg("n", n),
                              fmt::arg("valid", Count(lines.size())),
                              fmt::arg("total", money.Units(total)),
                              fmt::arg("balance", money.Units(me.balance())))
                        : TrP("{file}: {n} line, total {total} (balance {balance})",
                              "{file}: {n} lines, total {total} (balance {balance})", count,
                              fmt::arg("file", a.file), fmt::arg("n", n),
                              fmt::arg("total", money.Units(total)),
                              fmt::arg("balance", money.Units(me.balance()))))
                << "\n";
      if (!lines.empty()) std::cout << PaymentsTo(lines.size(), payees.size()) << "\n";
      for (const auto& note : notes) std::cout << SafeText(note) << "\n";
      for (const auto& [p, found] : all) std::cout << SafeText(Said(p.line, p.message)) << "\n";
      std::cout << (local.empty() && ledger.empty()
                        ? _("no problem found; dry run: nothing was sent")
                        : _("dry run: nothing was sent"))
                << "\n";
    }
    if (!local.empty())
      return CliStatus::Usage(TrP("{n} problem in {file}", "{n} problems in {file}", local.size(),
                                  fmt::arg("n", local.size()), fmt::arg("file", a.file)));
    if (!ledger.empty())
      return CliStatus::Refused(TrP("the ledger would refuse this batch ({n} problem)",
                                    "the ledger would refuse this batch ({n} problems)",
                                    ledger.size(), fmt::arg("n", ledger.size())));
    return CliStatus::Ok();
  }

  // The real run: nothing is sent unless every line is good; then one operation, signed once.
  if (!local.empty()) {
    for (const auto& p : local) std::cerr << SafeText(Said(p.line, p.message)) << "\n";
    return CliStatus::Usage(TrP("{n} problem in {file}; nothing was sent (check with --dry-run)",
                                "{n} problems in {file}; nothing was sent (check with --dry-run)",
                                local.size(), fmt::arg("n", local.size()),
                                fmt::arg("file", a.file)));
  }
  // Said before the question (on the error stream, as the question is): with --yes, a script's
  // log keeps them.
  for (const auto& note : notes) std::cerr << SafeText(note) << "\n";
  MultiTransfer mt;
  for (const auto& l : lines) mt.legs.push_back(Leg{l.to, l.amount, l.memo});
  Prepared p;
  s = session.Prepare(std::move(mt), &p);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  const std::string what = PaymentsTo(lines.size(), payees.size());
  const size_t repeated = RepeatedCount(payees);
  const std::string question =
      repeated == 0
          ? Tr("Pay {total} in {what} from {payer} ({file})?",
               fmt::arg("total", money.Units(total)), fmt::arg("what", what),
               fmt::arg("payer", session.NameOf(key.account)), fmt::arg("file", a.file))
          : TrP("Pay {total} in {what}, {n} of them paid on more than one line (listed above), "
                "from {payer} ({file})?",
                "Pay {total} in {what}, {n} of them paid on more than one line (listed above), "
                "from {payer} ({file})?",
                repeated, fmt::arg("total", money.Units(total)), fmt::arg("what", what),
                fmt::arg("n", Count(repeated)), fmt::arg("payer", session.NameOf(key.account)),
                fmt::arg("file", a.file));
  s = session.ConfirmAndSubmit(p, question, a.yes, &r, &declined);
  if (!s.ok()) {
    if (s.exit() == Exit::kRefused)
      return CliStatus::Refused(Tr("{refusal}; nothing was paid",
                                   fmt::arg("refusal", WithLine(s.message(), s.leg(), lines))));
    return s;
  }
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  // The node's note ("paid ... to N accounts", N the legs, in English) says less than the line
  // above, which counts the distinct accounts in the user's language.
  r.clear_message();
  session.PrintSubmitted(r, Tr("paid {total} in {what}", fmt::arg("total", money.Units(total)),
                               fmt::arg("what", what)));
  return CliStatus::Ok();
}

struct ShowArgs {
  std::string id;
  bool csv = false, json = false;
};

// liard batch show OPID: the legs of a multi-transfer, from the node's receipt, checked.
CliStatus BatchShow(Session& session, const ShowArgs& a) {
  std::string bytes;
  Hash id;
  if (!FromHex(a.id, &bytes) || !id.Assign(bytes))
    return CliStatus::Usage(
        _("an operation id is 64 hexadecimal characters, as pay-batch printed it or as "
          "'liard history' shows it"));
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  pb::Receipt r;
  s = session.node().GetOperation(id, &r);
  if (!s.ok()) return s;
  for (const Check& c : VerifyReceipt(r, session.ledger_id(), id))
    if (!c.ok)
      return CliStatus::Refused(
          Tr("the node's copy of operation {id} did not verify ({why}): do "
             "not trust it, and tell the association",
             fmt::arg("id", a.id), fmt::arg("why", c.what)));
  Operation op;
  if (!codec::DecodeOperation(r.operation().body(), &op).ok())
    return CliStatus::Local(Tr("operation {id} holds a body this wallet cannot read: update liard",
                               fmt::arg("id", a.id)));
  const auto* multi = std::get_if<MultiTransfer>(&op.payload);
  if (multi == nullptr)
    return CliStatus::Usage(
        Tr("operation {id} is not a batch payment: see it with 'liard receipt {id}'",
           fmt::arg("id", a.id)));
  const Money& money = session.money();
  const int decimals = money.decimals();
  if (a.csv) {
    // The pay-batch file's own format, whatever the language: it reads back as a batch.
    std::cout << "Adresse;Montant;Libellé\n";  // i18n: as is
    for (const Leg& leg : multi->legs)
      std::cout << session.AddressOf(leg.to) << ";" << FormatAmount(leg.amount, decimals, "", ',')
                << ";" << CsvField(leg.memo, ';') << "\n";
    return CliStatus::Ok();
  }
  std::map<AccountId, std::string> names;  // one lookup per payee
  auto name_of = [&](const AccountId& to) -> const std::string& {
    auto it = names.find(to);
    if (it == names.end()) it = names.emplace(to, session.PlainNameOf(to)).first;
    return it->second;
  };
  int64_t total = 0;
  std::set<AccountId> accounts;
  for (const Leg& leg : multi->legs) {
    total += leg.amount.minor();  // the ledger bounded the sum when it applied it
    accounts.insert(leg.to);
  }
  if (a.json) {
    json j;
    j["operation_id"] = ToHex(r.operation_id());
    j["sequence"] = r.sequence();
    j["time_ms"] = r.time_ms();
    j["payer"] = session.AddressOf(op.account);
    j["payer_name"] = name_of(op.account);
    j["total"] = money.Plain(total);
    j["total_minor"] = total;
    j["accounts"] = accounts.size();
    json legs = json::array();
    for (size_t i = 0; i < multi->legs.size(); ++i) {
      const Leg& leg = multi->legs[i];
      legs.push_back({{"leg", i + 1},
                      {"address", session.AddressOf(leg.to)},
                      {"name", name_of(leg.to)},
                      {"amount", money.Plain(leg.amount.minor())},
                      {"amount_minor", leg.amount.minor()},
                      {"memo", leg.memo}});
    }
    j["legs"] = legs;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << Tr("operation {id}, journal entry {entry}, {time}",
                  fmt::arg("id", ToHex(r.operation_id())), fmt::arg("entry", r.sequence()),
                  fmt::arg("time", LocalDateTime(r.time_ms())))
            << "\n"
            << SafeText(Tr("{payer} paid {total} in {what}",
                           fmt::arg("payer", session.NameOf(op.account)),
                           fmt::arg("total", money.Units(total)),
                           fmt::arg("what", PaymentsTo(multi->legs.size(), accounts.size()))))
            << "\n\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({_("NO."), _("PAYEE"), _("ADDRESS"), _("AMOUNT"), _("MEMO")});
  for (size_t i = 0; i < multi->legs.size(); ++i) {
    const Leg& leg = multi->legs[i];
    rows.push_back({std::to_string(i + 1), SafeText(name_of(leg.to)), session.AddressOf(leg.to),
                    money.Units(leg.amount.minor()), SafeText(leg.memo)});
  }
  std::cout << RenderTable(rows, {0, 3});
  return CliStatus::Ok();
}

}  // namespace

void RegisterBatchCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<BatchArgs>();
  CLI::App* b = app.add_subcommand(
      "pay-batch", _("municipalities: pay every line of a CSV file in one operation, all or none"));
  b->add_option("FILE", a->file, _("CSV lines: address,amount,memo"))->required();
  b->add_flag("--dry-run", a->dry_run,
              _("check every line (locally and against the node) and send nothing"));
  b->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
  b->add_flag("--json", a->json, _("with --dry-run: print JSON"));
  b->footer(
      _("The file: one payment per line, address,amount,memo (memo optional), an optional\n"
        "header line ('address,amount,memo' or 'Adresse;Montant;Libellé', any case), RFC 4180\n"
        "quoting (\"12,50\"), or ';' as the separator as French spreadsheets export it; UTF-8,\n"
        "or Windows-1252 as Excel saves it. Amounts as people type them: 80, 80,00, 1 200,50,\n"
        "1.200,50, 80,00 € (when a unit is worth a euro). At most 10,000 lines. An account on\n"
        "more than one line is listed before paying (and on the error stream with --yes).\n"
        "Exit codes of --dry-run: 0 clean, 2 problems in the file, 1 the ledger would refuse.\n"
        "Examples:\n  liard --key mairie pay-batch indemnites.csv --dry-run\n"
        "  liard --key mairie pay-batch indemnites.csv --yes"));
  ctx.On(b, [a](Session& s) { return PayBatch(s, *a); });

  CLI::App* batch = app.add_subcommand("batch", _("batch payments made with pay-batch"));
  batch->require_subcommand(1);
  auto sh = std::make_shared<ShowArgs>();
  CLI::App* show = batch->add_subcommand(
      "show", _("list the payments of a batch: payee, address, amount and memo of every line"));
  show->add_option("OPID", sh->id, _("the batch's operation id, as pay-batch or history print it"))
      ->required();
  auto* csv = show->add_flag(
      "--csv", sh->csv,
      _("print the lines as a pay-batch file (Adresse;Montant;Libellé), which reads back"));
  show->add_flag("--json", sh->json, _("print JSON"))->excludes(csv);
  show->footer(
      _("Examples:\n  liard --key mairie batch show 3f1a...e9\n"
        "  liard --key mairie batch show 3f1a...e9 --csv > indemnites-novembre.csv"));
  ctx.On(show, [sh](Session& s) { return BatchShow(s, *sh); });
}

}  // namespace liard::wallet
