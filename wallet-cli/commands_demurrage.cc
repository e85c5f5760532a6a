// Demurrage (fonte): `liard demurrage show` (the rule in force and what the holder would lose at
// the next month's end at today's balance, also a row of `liard balance`) and `liard demurrage
// run` (the treasurer's monthly run, in batches, idempotent). The ledger's side is
// ledger/ops/demurrage.cc; docs/money.md, "Demurrage".
#include "wallet-cli/commands_demurrage.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "ledger/report.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/audit.h"
#include "wallet-cli/board_diff.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

// "2026-12" for 202612, as --json and the command line write a month.
std::string MonthText(uint32_t ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u", ym / 100, ym % 100);
  return buf;
}

// "2026-12-31": the month's last day.
std::string LastDayText(uint32_t ym) {
  int y = 0, m = 0, d = 0;
  const uint32_t next = NextYearMonth(ym);
  CivilFromDays(DaysFromCivil(static_cast<int>(next / 100), static_cast<int>(next % 100), 1) - 1,
                &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string MonthWords(uint32_t ym) {
  return MonthInWords(static_cast<int>(ym / 100), static_cast<int>(ym % 100));
}

// The month whose end charges a holder next: this month, or the rule's first if it is later.
uint32_t NextCharged(const Demurrage& rule, const TimeZone& zone, int64_t now_ms) {
  return std::max(zone.YearMonthOf(now_ms), rule.first_month);
}

}  // namespace

std::optional<DemurrageForecast> ForecastDemurrage(const Rules& rules, const TimeZone& zone,
                                                   int64_t balance, int64_t now_ms) {
  const Demurrage& d = rules.demurrage;
  if (!d.on()) return std::nullopt;
  DemurrageForecast f;
  f.month = NextCharged(d, zone, now_ms);
  f.last_day_ms = ops::MonthEndMs(zone, f.month) - 1;
  f.charge = ops::DemurrageCharge(d, balance);
  return f;
}

std::vector<std::vector<std::string>> DemurrageRows(Session& session, const pb::AccountInfo& a) {
  const Rules rules = RulesInForce(session);
  const auto f = ForecastDemurrage(rules, CurrencyZone(session.genesis()), a.balance(), NowMs());
  if (!f) return {};
  return {{Tr("demurrage on {date}", fmt::arg("date", DisplayDate(f->last_day_ms))),
           session.money().Units(f->charge)}};
}

nlohmann::ordered_json DemurrageJson(Session& session, const pb::AccountInfo& a) {
  const Rules rules = RulesInForce(session);
  const auto f = ForecastDemurrage(rules, CurrencyZone(session.genesis()), a.balance(), NowMs());
  if (!f) return nullptr;
  return json{{"month", MonthText(f->month)},
              {"last_day", LastDayText(f->month)},
              {"charge", session.money().Plain(f->charge)},
              {"charge_minor", f->charge},
              {"basis_points", rules.demurrage.basis_points},
              {"threshold", session.money().Plain(rules.demurrage.threshold)},
              {"last_month_charged",
               a.demurrage_charged() ? json(MonthText(a.demurrage_charged())) : json(nullptr)}};
}

namespace {

CliStatus Show(Session& session, bool as_json) {
  KeyFile key;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  const Rules rules = RulesInForce(session);
  const Demurrage& d = rules.demurrage;
  if (as_json) {
    json j;
    j["on"] = d.on();
    j["basis_points"] = d.basis_points;
    j["threshold"] = session.money().Plain(d.threshold);
    j["threshold_minor"] = d.threshold;
    j["account"] = d.on() ? json(session.AddressOf(d.account)) : json(nullptr);
    j["first_month"] = d.on() ? json(MonthText(d.first_month)) : json(nullptr);
    j["next"] = DemurrageJson(session, me);
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows = {
      {_("demurrage"), DemurrageRuleText(d, session.money())}};
  if (d.on()) {
    rows.push_back({_("paid to"), session.NameOf(d.account)});
    rows.push_back({_("balance"), session.money().Units(me.balance())});
    for (auto& row : DemurrageRows(session, me)) rows.push_back(std::move(row));
    if (me.demurrage_charged() != 0)
      rows.push_back({_("last month charged"), MonthWords(me.demurrage_charged())});
  }
  std::cout << RenderTable(rows);
  if (d.on())
    std::cout << _("Only what you hold above the threshold is charged, once a month after the "
                   "month's last day; earmarked aid is never charged.")
              << "\n";
  return CliStatus::Ok();
}

struct RunArgs {
  std::string month;  // "2026-12"; empty: the month that ended last
  int batch = static_cast<int>(kMaxDemurrageHolders);
  bool yes = false, json = false;
};

// The ledger replayed from the node's journal (a treasurer's private read), to find every
// holder above the threshold and not yet charged for `month`: the node lists no accounts.
CliStatus HoldersToCharge(Session& session, const Demurrage& rule, uint32_t month,
                          std::vector<std::pair<AccountId, int64_t>>* out) {
  pb::GenesisInfo info;
  CliStatus s = session.node().GetGenesis(&info);
  if (!s.ok()) return s;
  std::unique_ptr<Replay> replay;
  Status r = Replay::Create(session.genesis(), info.genesis(), &replay);
  if (!r.ok())
    return CliStatus::Refused(
        Tr("the genesis is refused by the rules: {why}", fmt::arg("why", r.message())));
  std::unique_ptr<NodeJournalSource> source;
  s = NodeJournalSource::Open(&session.node(), 1, &source);
  if (!s.ok()) return s;
  PipelineStats stats;
  s = RunPipeline(
      replay.get(), source.get(), 2, [](const PreparedEntry&, const Delta&) {}, [](uint64_t) {}, 0,
      [] { return CliStatus::Ok(); }, &stats);
  if (!s.ok()) return s;
  const MemoryState& state = replay->state();
  for (const auto& [key, balance] : state.NonZeroBalances()) {
    if (key.slot != Slot::kMember || key.owner == rule.account) continue;
    const AccountId id = key.owner;
    if (state.Balance(ops::DemurrageChargedKey(id)) >= month) continue;
    if (ops::DemurrageCharge(rule, balance) <= 0) continue;
    out->emplace_back(id, balance);
  }
  std::sort(out->begin(), out->end());
  return CliStatus::Ok();
}

CliStatus RunDemurrage(Session& session, const RunArgs& a) {
  if (a.batch < 1 || a.batch > static_cast<int>(kMaxDemurrageHolders))
    return CliStatus::Usage(
        Tr("--batch is 1 to {max} holders", fmt::arg("max", kMaxDemurrageHolders)));
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  const TimeZone zone = CurrencyZone(session.genesis());
  uint32_t month = 0;
  if (a.month.empty()) {
    const uint32_t now = zone.YearMonthOf(NowMs());
    month = now % 100 == 1 ? (now / 100 - 1) * 100 + 12 : now - 1;
  } else {
    unsigned y = 0, m = 0;
    char extra = 0;
    if (a.month.size() != 7 || std::sscanf(a.month.c_str(), "%4u-%2u%c", &y, &m, &extra) != 2 ||
        !IsValidYearMonth(y * 100 + m))
      return CliStatus::Usage(Tr("--month is a month written YYYY-MM, e.g. 2026-12, not « {m} »",
                                 fmt::arg("m", SafeText(a.month))));
    month = y * 100 + m;
  }
  const Rules rules = RulesInForce(session);
  const Demurrage& rule = rules.demurrage;
  if (!rule.on() || month < rule.first_month)
    return CliStatus::Refused(
        Tr("the rules charge no demurrage for {month}", fmt::arg("month", MonthWords(month))));
  const Money& money = session.money();
  std::vector<std::pair<AccountId, int64_t>> holders;
  s = HoldersToCharge(session, rule, month, &holders);
  if (!s.ok()) return s;
  int64_t expected = 0;
  for (const auto& [id, balance] : holders) expected += ops::DemurrageCharge(rule, balance);
  if (holders.empty()) {
    if (a.json) {
      std::cout << json{{"month", MonthText(month)},
                        {"holders", 0},
                        {"charged", money.Plain(0)},
                        {"charged_minor", 0},
                        {"operations", json::array()}}
                       .dump(2)
                << "\n";
      return CliStatus::Ok();
    }
    std::cout << Tr("nobody is left to charge for {month}", fmt::arg("month", MonthWords(month)))
              << "\n";
    return CliStatus::Ok();
  }
  if (!a.yes && !a.json) {
    std::cout << Tr("{n} holders are above {threshold}; at today's balances about {total} goes to "
                    "{who}",
                    fmt::arg("n", holders.size()),
                    fmt::arg("threshold", money.Units(rule.threshold)),
                    fmt::arg("total", money.Units(expected)),
                    fmt::arg("who", session.NameOf(rule.account)))
              << "\n";
  }
  int64_t charged = 0;
  json sent = json::array();
  for (size_t i = 0; i < holders.size(); i += static_cast<size_t>(a.batch)) {
    ApplyDemurrage run;
    run.period = month;
    for (size_t k = i; k < std::min(holders.size(), i + static_cast<size_t>(a.batch)); ++k)
      run.holders.push_back(holders[k].first);
    const size_t n = run.holders.size();
    Prepared p;
    s = session.Prepare(std::move(run), &p);
    if (!s.ok()) return s;
    pb::SubmitResponse r;
    bool declined = false;
    s = session.ConfirmAndSubmit(
        p,
        Tr("Charge the demurrage of {month} to {n} holders ({percent} of what each holds above "
           "{threshold})?",
           fmt::arg("month", MonthWords(month)), fmt::arg("n", n),
           fmt::arg("percent", money.Percent(rule.basis_points)),
           fmt::arg("threshold", money.Units(rule.threshold))),
        a.yes || a.json || i > 0, &r, &declined);
    if (!s.ok()) return s;
    if (declined) {
      std::cout << _("nothing was sent") << "\n";
      return CliStatus::Ok();
    }
    pb::Receipt done;
    Hash op_id;
    int64_t this_run = 0;
    if (op_id.Assign(r.operation_id()) && session.node().GetOperation(op_id, &done).ok())
      this_run = SumPostings(done.postings(), Slot::kMember, &rule.account);
    charged += this_run;
    sent.push_back({{"operation_id", ToHex(r.operation_id())},
                    {"sequence", r.sequence()},
                    {"holders", n},
                    {"charged", money.Plain(this_run)},
                    {"charged_minor", this_run}});
  }
  if (a.json) {
    std::cout << json{{"month", MonthText(month)},
                      {"holders", holders.size()},
                      {"charged", money.Plain(charged)},
                      {"charged_minor", charged},
                      {"operations", sent}}
                     .dump(2)
              << "\n";
    return CliStatus::Ok();
  }
  std::cout << TrP("demurrage of {month}: {total} from {n} holder to {who}",
                   "demurrage of {month}: {total} from {n} holders to {who}", holders.size(),
                   fmt::arg("month", MonthWords(month)), fmt::arg("total", money.Units(charged)),
                   fmt::arg("n", holders.size()), fmt::arg("who", session.NameOf(rule.account)))
            << "\n";
  return CliStatus::Ok();
}

}  // namespace

void RegisterDemurrageCommands(CLI::App& app, Context& ctx) {
  CLI::App* dem = app.add_subcommand(
      "demurrage", _("demurrage (fonte): what the rules charge each month on balances above a "
                     "threshold, and the treasurer's monthly run"));
  dem->require_subcommand(1);

  auto show_json = std::make_shared<bool>(false);
  CLI::App* sh = dem->add_subcommand(
      "show", _("the rule in force, and what you would lose at the next month's end"));
  sh->add_flag("--json", *show_json, _("print it as JSON"));
  ctx.On(sh, [show_json](Session& s) { return Show(s, *show_json); });

  auto run = std::make_shared<RunArgs>();
  CLI::App* r = dem->add_subcommand(
      "run", _("treasurers: charge a month's demurrage to every holder above the threshold "
               "(in the 7 days after the month's end; a second run charges nobody twice)"));
  r->add_option("--month", run->month,
                _("the month charged, YYYY-MM (default: the month that ended last)"));
  r->add_option("--batch", run->batch, _("holders per operation, 1 to 1000 (default 1000)"));
  r->add_flag("--yes,-y", run->yes, _("do not ask to confirm"));
  r->add_flag("--json", run->json, _("print JSON"));
  ctx.On(r, [run](Session& s) { return RunDemurrage(s, *run); });
}

}  // namespace liard::wallet
