// liard pay-batch: a municipality pays many members in one operation, all lines or none.
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "wallet-cli/app.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/refusal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

struct BatchArgs {
  std::string file;
  bool dry_run = false, yes = false, json = false;
};

// The CSV line of the first bad leg, which the node reports as a number beside its sentence.
std::string WithLine(const std::string& message, uint32_t leg,
                     const std::vector<BatchLine>& lines) {
  if (leg == 0 || leg > lines.size()) return message;
  return "line " + std::to_string(lines[leg - 1].line) + ": " + message;
}

CliStatus PayBatch(Session& session, const BatchArgs& a) {
  std::ifstream f(a.file, std::ios::binary);
  if (!f) return CliStatus::Local("cannot read " + a.file);
  std::stringstream ss;
  ss << f.rdbuf();
  std::vector<CsvRecord> records;
  CliStatus s = ParseCsv(ss.str(), &records);
  if (!s.ok()) return CliStatus::Usage(a.file + ": " + s.message());
  s = session.Connect();
  if (!s.ok()) return s;
  const Money& money = session.money();
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> local;
  CheckBatch(records, session.genesis().currency_code, money.decimals(), &lines, &local);
  int64_t total = 0;
  for (const auto& l : lines) total += l.amount.minor();  // CheckBatch bounded the sum

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
    return CliStatus::Refused("the account of key '" + session.key_name() +
                              "' does not exist in this ledger");
  if (a.dry_run) {
    std::map<AccountId, pb::AccountCard> payees;
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
        payees[l.to] = card;
      }
      if (l.to == key.account) {
        ledger.push_back({l.line, "the payer cannot pay itself"});
      } else if (!known[l.to]) {
        ledger.push_back({l.line, "no account " + session.AddressOf(l.to) + " in this ledger"});
      } else if (payees[l.to].status() == pb::ACCOUNT_STATUS_FROZEN) {
        ledger.push_back({l.line, "the account " + session.NameOf(l.to) + " is frozen"});
      } else if (payees[l.to].status() == pb::ACCOUNT_STATUS_CLOSED) {
        ledger.push_back({l.line, "the account " + session.NameOf(l.to) + " is closed"});
      }
    }
    if (total > me.balance())
      ledger.push_back({0, "the total " + money.Units(total) + " is more than the balance " +
                               money.Units(me.balance())});
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
        std::cerr << "liard: this node cannot simulate; the payees and the balance were checked "
                     "one by one\n";
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
      j["lines"] = count;
      j["valid_lines"] = lines.size();
      j["total"] = money.Plain(total);
      j["total_minor"] = total;
      j["currency"] = money.code();
      j["balance"] = money.Plain(me.balance());
      j["balance_minor"] = me.balance();
      json problems = json::array();
      for (const auto& [p, found] : all)
        problems.push_back({{"line", p.line},
                            {"kind", found == Found::kLocally ? "local" : "ledger"},
                            {"message", p.message}});
      j["problems"] = problems;
      j["ok"] = local.empty() && ledger.empty();
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << a.file << ": " << count << (count == 1 ? " line" : " lines");
      if (lines.size() != count) std::cout << " (" << lines.size() << " valid)";
      std::cout << ", total " << money.Units(total) << " (balance " << money.Units(me.balance())
                << ")\n";
      for (const auto& [p, found] : all)
        std::cout << (p.line == 0 ? std::string("file") : "line " + std::to_string(p.line)) << ": "
                  << SafeText(p.message) << "\n";
      std::cout << (local.empty() && ledger.empty() ? "no problem found; " : "")
                << "dry run: nothing was sent\n";
    }
    if (!local.empty())
      return CliStatus::Usage(std::to_string(local.size()) +
                              (local.size() == 1 ? " problem" : " problems") + " in " + a.file);
    if (!ledger.empty())
      return CliStatus::Refused("the ledger would refuse this batch (" +
                                std::to_string(ledger.size()) +
                                (ledger.size() == 1 ? " problem)" : " problems)"));
    return CliStatus::Ok();
  }

  // The real run: nothing is sent unless every line is good; then one operation, signed once.
  if (!local.empty()) {
    for (const auto& p : local)
      std::cerr << (p.line == 0 ? std::string("file") : "line " + std::to_string(p.line)) << ": "
                << SafeText(p.message) << "\n";
    return CliStatus::Usage(std::to_string(local.size()) +
                            (local.size() == 1 ? " problem" : " problems") + " in " + a.file +
                            "; nothing was sent (check with --dry-run)");
  }
  MultiTransfer mt;
  for (const auto& l : lines) mt.legs.push_back(Leg{l.to, l.amount, l.memo});
  Prepared p;
  s = session.Prepare(std::move(mt), &p);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  std::string what = money.Units(total) + " in " + std::to_string(lines.size()) +
                     (lines.size() == 1 ? " payment" : " payments");
  s = session.ConfirmAndSubmit(
      p, "Pay " + what + " from " + session.NameOf(key.account) + " (" + a.file + ")?", a.yes, &r,
      &declined);
  if (!s.ok()) {
    if (s.exit() == Exit::kRefused)
      return CliStatus::Refused(WithLine(s.message(), s.leg(), lines) + "; nothing was paid");
    return s;
  }
  if (declined) {
    std::cout << "nothing was sent\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(r, "paid " + what);
  return CliStatus::Ok();
}

}  // namespace

void RegisterBatchCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<BatchArgs>();
  CLI::App* b = app.add_subcommand(
      "pay-batch", "municipalities: pay every line of a CSV file in one operation, all or none");
  b->add_option("FILE", a->file, "CSV lines: address,amount,memo")->required();
  b->add_flag("--dry-run", a->dry_run,
              "check every line (locally and against the node) and send nothing");
  b->add_flag("--yes,-y", a->yes, "do not ask to confirm");
  b->add_flag("--json", a->json, "with --dry-run: print JSON");
  b->footer(
      "The file: one payment per line, address,amount,memo (memo optional), an optional\n"
      "header line 'address,amount,memo', RFC 4180 quoting (\"12,50\"), or ';' as the\n"
      "separator as French spreadsheets export it. At most 10,000 lines.\n"
      "Exit codes of --dry-run: 0 clean, 2 problems in the file, 1 the ledger would refuse.\n"
      "Examples:\n  liard --key mairie pay-batch indemnites.csv --dry-run\n"
      "  liard --key mairie pay-batch indemnites.csv --yes");
  ctx.On(b, [a](Session& s) { return PayBatch(s, *a); });
}

}  // namespace liard::wallet
