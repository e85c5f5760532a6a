// Standing orders: `liard order create` (one payee, or a list as the CSV of pay-batch), `list`,
// `pause`, `resume`, `cancel` and `change` (a cancellation and a new order). The node executes
// them; the ledger's side is ledger/ops/order.cc, docs/protocol.md, section Standing orders.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/civil_time.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

// The orders this wallet placed, newest last (id and body), for `list` and for ids typed short;
// beyond, the oldest are forgotten (the journal keeps every order whole).
constexpr size_t kMaxKeptOrders = 200;
constexpr uintmax_t kMaxListFileBytes = 1024 * 1024;

std::string Unhex(const std::string& hex) {
  std::string out;
  return FromHex(hex, &out) ? out : std::string();
}

std::string OrdersPath() {
  return (std::filesystem::path(KeyDir()).parent_path() / "orders.json").string();
}

json LoadOrders() {
  std::ifstream in(OrdersPath());
  if (!in) return json::array();
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  return j.is_array() ? j : json::array();
}

CliStatus SaveOrder(const std::string& id, const std::string& body, const std::string& state) {
  json all = LoadOrders();
  bool found = false;
  for (json& e : all)
    if (e.value("id", "") == id) {
      e["state"] = state;
      found = true;
    }
  if (!found) {
    json entry;
    entry["id"] = id;
    entry["body"] = ToHex(body);
    entry["state"] = state;
    all.push_back(entry);
  }
  while (all.size() > kMaxKeptOrders) all.erase(all.begin());
  const std::string path = OrdersPath();
  std::ofstream out(path + ".tmp", std::ios::trunc);
  out << all.dump(1) << "\n";
  out.close();
  if (!out || std::rename((path + ".tmp").c_str(), path.c_str()) != 0)
    return CliStatus::Local(Tr("cannot write {file}", fmt::arg("file", path)));
  return CliStatus::Ok();
}

struct CreateArgs {
  std::string to, amount, csv, memo, from, until;
  int monthly = 0, weekly = 0, every = 0;
  uint32_t count = 0, retries = 0;
  bool yes = false, json = false;
};

CliStatus ParseTerms(Session& session, const CreateArgs& a, const AccountId& me, PlaceOrder* o) {
  const int chosen = (a.monthly != 0) + (a.weekly != 0) + (a.every != 0);
  if (chosen != 1)
    return CliStatus::Usage(_("give one of --monthly DAY, --weekly WEEKDAY or --every DAYS"));
  if (a.monthly != 0) {
    o->schedule = OrderSchedule::kMonthly;
    o->every = static_cast<uint32_t>(a.monthly);
  } else if (a.weekly != 0) {
    o->schedule = OrderSchedule::kWeekly;
    o->every = static_cast<uint32_t>(a.weekly);
  } else {
    o->schedule = OrderSchedule::kEveryDays;
    o->every = static_cast<uint32_t>(a.every);
  }
  const auto to_date = [](int64_t day) {
    int y = 0, m = 0, d = 0;
    CivilFromDays(day, &y, &m, &d);
    return static_cast<uint32_t>(y * 10000 + m * 100 + d);
  };
  int64_t day = 0;
  if (a.from.empty()) {
    // Today in the currency's zone (the ledger's days), whatever the display zone.
    day = CurrencyZone(session.genesis()).DayOf(NowMs());
  } else if (!ParseDay(a.from, &day)) {
    return CliStatus::Usage(
        Tr("--from '{text}': give a date (05/01/2027)", fmt::arg("text", SafeText(a.from))));
  }
  o->first_date = to_date(day);
  if (!a.until.empty()) {
    if (!ParseDay(a.until, &day))
      return CliStatus::Usage(
          Tr("--until '{text}': give a date (31/12/2027)", fmt::arg("text", SafeText(a.until))));
    o->end_date = to_date(day);
  }
  o->count = a.count;
  o->retries = a.retries;
  if (std::string why = MemoProblem(a.memo); !why.empty()) return CliStatus::Usage(why);
  o->memo = a.memo;
  if (a.csv.empty() == a.to.empty())
    return CliStatus::Usage(_("give --to ADDRESS with --amount, or --csv FILE (a list)"));
  if (!a.to.empty()) {
    Leg leg;
    CliStatus s = session.ParseAddress(a.to, &leg.to);
    if (!s.ok()) return s;
    s = session.ParseUnits(a.amount, "--amount", &leg.amount);
    if (!s.ok()) return s;
    o->legs.push_back(std::move(leg));
    return CliStatus::Ok();
  }
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(a.csv, ec);
  if (ec)
    return CliStatus::Local(
        Tr("cannot read {file}: check its name and that you may read it", fmt::arg("file", a.csv)));
  if (size > kMaxListFileBytes)
    return CliStatus::Usage(Tr("{file} is larger than a list of {max} payees can be",
                               fmt::arg("file", a.csv), fmt::arg("max", kMaxOrderLegs)));
  std::ifstream f(a.csv, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text, encoding;
  Decode(ss.str(), &text, &encoding);
  std::vector<CsvRecord> records;
  CliStatus s = ParseCsv(text, &records);
  if (!s.ok()) return CliStatus::Usage(a.csv + ": " + s.message());
  const Genesis& g = session.genesis();
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, g.currency_code, session.money().decimals(), &lines, &problems, nullptr,
             BatchUnits(g.currency_code, g.par_num == g.par_den));
  if (!problems.empty()) {
    for (const auto& p : problems)
      std::cerr << a.csv << (p.line ? ":" + std::to_string(p.line) : "") << ": " << p.message
                << "\n";
    return CliStatus::Usage(Tr("{file} has problems; nothing was sent", fmt::arg("file", a.csv)));
  }
  if (lines.size() > kMaxOrderLegs)
    return CliStatus::Usage(Tr("a standing order pays at most {max} payees; {file} has {n}",
                               fmt::arg("max", kMaxOrderLegs), fmt::arg("file", a.csv),
                               fmt::arg("n", lines.size())));
  for (const auto& l : lines) {
    if (l.to == me) return CliStatus::Usage(_("the payer cannot pay itself"));
    o->legs.push_back(Leg{l.to, l.amount, l.memo});
  }
  return CliStatus::Ok();
}

// Places `o`, after the user's confirmation; prints and keeps its id.
CliStatus PlaceCommand(Session& session, PlaceOrder o, bool yes, bool as_json) {
  Prepared p;
  CliStatus s = session.Prepare(o, &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  std::string payees;
  for (size_t i = 0; i < o.legs.size() && i < 3; ++i)
    payees += (i ? ", " : "") + session.NameOf(o.legs[i].to);
  if (o.legs.size() > 3) payees += ", …";
  const std::string question =
      Tr("Place a standing order: {terms}, to {payees}, for \"{memo}\"? The node pays it on each "
         "due day from your account.",
         fmt::arg("terms", OrderTerms(o, session.money())), fmt::arg("payees", payees),
         fmt::arg("memo", SafeText(o.memo)));
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  const std::string id = ToHex(OperationId(session.ledger_id(), p.body));
  s = SaveOrder(id, p.body, "active");
  if (!s.ok()) return s;
  if (as_json) {
    json j;
    j["id"] = id;
    j["sequence"] = r.sequence();
    j["first_date"] = o.first_date;
    j["legs"] = o.legs.size();
    j["memo"] = o.memo;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(r, Tr("standing order {id} placed", fmt::arg("id", id)));
  return CliStatus::Ok();
}

CliStatus CreateCommand(Session& session, const CreateArgs& a) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  PlaceOrder o;
  s = ParseTerms(session, a, key.account, &o);
  if (!s.ok()) return s;
  return PlaceCommand(session, std::move(o), a.yes, a.json);
}

// The order a user names: its whole id (64 hex digits), or the start of the id of an order this
// wallet placed.
CliStatus FindOrder(const std::string& text, Hash* id, std::string* body) {
  std::string found;
  for (const json& e : LoadOrders()) {
    const std::string hex = e.value("id", "");
    if (text.size() >= 8 && hex.rfind(text, 0) == 0) {
      if (!found.empty() && found != hex)
        return CliStatus::Usage(Tr("'{text}' starts the ids of several orders; give more of it",
                                   fmt::arg("text", SafeText(text))));
      found = hex;
      if (body) *body = Unhex(e.value("body", ""));
    }
  }
  if (found.empty()) found = text;
  const std::string bytes = Unhex(found);
  if (bytes.size() != 32 || !id->Assign(bytes))
    return CliStatus::Usage(
        Tr("'{text}' is not the id of a standing order (64 hexadecimal "
           "digits, or the start of one this wallet placed)",
           fmt::arg("text", SafeText(text))));
  return CliStatus::Ok();
}

struct StateArgs {
  std::string order;
  bool yes = false;
};

CliStatus SetState(Session& session, const std::string& text, OrderAction action, bool yes) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  Hash id;
  s = FindOrder(text, &id, nullptr);
  if (!s.ok()) return s;
  Prepared p;
  s = session.Prepare(SetOrderState{id, action}, &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  const std::string short_id = ToHex(id).substr(0, 16);
  const std::string question =
      action == OrderAction::kPause
          ? Tr("Pause the standing order {id}…? Its payments due meanwhile are skipped.",
               fmt::arg("id", short_id))
      : action == OrderAction::kResume
          ? Tr("Resume the standing order {id}…?", fmt::arg("id", short_id))
          : Tr("Cancel the standing order {id}…? This is final.", fmt::arg("id", short_id));
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  const char* state = action == OrderAction::kPause    ? "paused"
                      : action == OrderAction::kResume ? "active"
                                                       : "cancelled";
  std::string body;
  for (const json& e : LoadOrders())
    if (e.value("id", "") == ToHex(id)) body = Unhex(e.value("body", ""));
  if (!body.empty()) {
    s = SaveOrder(ToHex(id), body, state);
    if (!s.ok()) return s;
  }
  session.PrintSubmitted(r, action == OrderAction::kPause
                                ? Tr("standing order {id}… paused", fmt::arg("id", short_id))
                            : action == OrderAction::kResume
                                ? Tr("standing order {id}… resumed", fmt::arg("id", short_id))
                                : Tr("standing order {id}… cancelled", fmt::arg("id", short_id)));
  return CliStatus::Ok();
}

struct ChangeArgs {
  std::string order;
  CreateArgs terms;
};

// A change is a cancellation and a new order: two operations, each confirmed.
CliStatus ChangeCommand(Session& session, const ChangeArgs& a) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  PlaceOrder o;
  s = ParseTerms(session, a.terms, key.account, &o);
  if (!s.ok()) return s;
  s = SetState(session, a.order, OrderAction::kCancel, a.terms.yes);
  if (!s.ok()) return s;
  return PlaceCommand(session, std::move(o), a.terms.yes, a.terms.json);
}

CliStatus ListCommand(Session& session, bool as_json) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  json out = json::array();
  std::vector<std::vector<std::string>> rows = {{_("order"), _("terms"), _("state"), _("memo")}};
  for (const json& e : LoadOrders()) {
    Operation op;
    if (!codec::DecodeOperation(Unhex(e.value("body", "")), &op).ok() ||
        op.ledger_id != session.ledger_id() || op.account != key.account)
      continue;
    const auto* o = std::get_if<PlaceOrder>(&op.payload);
    if (o == nullptr) continue;
    const std::string state = e.value("state", "active");
    if (as_json) {
      json j;
      j["id"] = e.value("id", "");
      j["schedule"] = OrderScheduleName(o->schedule);
      j["every"] = o->every;
      j["first_date"] = o->first_date;
      j["end_date"] = o->end_date;
      j["count"] = o->count;
      j["retries"] = o->retries;
      j["legs"] = o->legs.size();
      int64_t total = 0;
      for (const auto& leg : o->legs) total += leg.amount.minor();
      j["total_minor"] = total;
      j["state"] = state;  // as this wallet last set it
      j["memo"] = o->memo;
      out.push_back(j);
      continue;
    }
    rows.push_back({e.value("id", "").substr(0, 16), OrderTerms(*o, session.money()),
                    state == "paused"      ? _("paused")
                    : state == "cancelled" ? _("cancelled")
                                           : _("active"),
                    SafeText(o->memo)});
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (rows.size() == 1) {
    std::cout << _("this wallet placed no standing order for this account") << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {});
  std::cout << _("each payment, and each refused one, is in the account's history") << "\n";
  return CliStatus::Ok();
}

void AddTermOptions(CLI::App* c, CreateArgs* a) {
  c->add_option("--to", a->to, _("the payee's address"));
  c->add_option("--amount", a->amount, _("how much each time, \"400,00\""));
  c->add_option("--csv", a->csv,
                _("a list of payees, the CSV of pay-batch: address;amount;memo (at most 1000)"));
  c->add_option("--monthly", a->monthly,
                _("each month on this day (1 to 31; 31: the month's last day)"));
  c->add_option("--weekly", a->weekly, _("each week on this weekday (1 Monday to 7 Sunday)"));
  c->add_option("--every", a->every, _("every so many days (1 to 366)"));
  c->add_option("--from", a->from, _("the first day it may run (05/01/2027); default: today"));
  c->add_option("--until", a->until, _("the last day it may run (31/12/2027); default: none"));
  c->add_option("--count", a->count, _("at most this many payments; default: no count"));
  c->add_option("--retries", a->retries,
                _("if the balance is short, try again on each of this many next days (0 to 7)"));
  c->add_option("--memo", a->memo, _("what it is for, shown to both sides (up to 256 bytes)"));
  c->add_flag("--yes,-y", a->yes, _("do not ask for confirmation"));
  c->add_flag("--json", a->json, _("print the result as JSON"));
}

}  // namespace

void RegisterOrderCommands(CLI::App& app, Context& ctx) {
  CLI::App* od = app.add_subcommand(
      "order", _("standing orders: a payment the node makes on a schedule from your account"));
  od->require_subcommand(1);

  auto create = std::make_shared<CreateArgs>();
  CLI::App* c = od->add_subcommand("create", _("place a standing order (one payee or a list)"));
  AddTermOptions(c, create.get());
  ctx.On(c, [create](Session& s) { return CreateCommand(s, *create); });

  for (OrderAction action : {OrderAction::kPause, OrderAction::kResume, OrderAction::kCancel}) {
    auto args = std::make_shared<StateArgs>();
    CLI::App* x = od->add_subcommand(
        std::string(OrderActionName(action)),
        action == OrderAction::kPause    ? _("pause a standing order: its payments are skipped")
        : action == OrderAction::kResume ? _("resume a paused standing order")
                                         : _("cancel a standing order, for good"));
    x->add_option("ORDER", args->order, _("the order's id, or the start of it"))->required();
    x->add_flag("--yes,-y", args->yes, _("do not ask for confirmation"));
    ctx.On(x, [args, action](Session& s) { return SetState(s, args->order, action, args->yes); });
  }

  auto change = std::make_shared<ChangeArgs>();
  CLI::App* ch = od->add_subcommand(
      "change", _("change a standing order: cancel it and place a new one with these terms"));
  ch->add_option("ORDER", change->order, _("the order's id, or the start of it"))->required();
  AddTermOptions(ch, &change->terms);
  ctx.On(ch, [change](Session& s) { return ChangeCommand(s, *change); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* l = od->add_subcommand("list", _("the standing orders this wallet placed"));
  l->add_flag("--json", *list_json, _("print them as JSON"));
  ctx.On(l, [list_json](Session& s) { return ListCommand(s, *list_json); });
}

}  // namespace liard::wallet
