// Standing orders: `liard order create` (one payee, or a list as the CSV of pay-batch), `list`
// and `show` (read from the node), `pause`, `resume`, `cancel` and `change` (a cancellation and
// a new order). The node executes
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

// The order's state in words, as the node reads it.
std::string StateText(pb::OrderInfo::State state) {
  switch (state) {
    case pb::OrderInfo::STATE_LIVE:
      return _("active");
    case pb::OrderInfo::STATE_PAUSED:
      return _("paused");
    case pb::OrderInfo::STATE_CANCELLED:
      return _("cancelled (final)");
    case pb::OrderInfo::STATE_ENDED:
      return _("ended (last payment made)");
    default:
      return "?";  // i18n: as is
  }
}

std::string StateName(pb::OrderInfo::State state) {
  switch (state) {
    case pb::OrderInfo::STATE_LIVE:
      return "active";  // i18n: as is
    case pb::OrderInfo::STATE_PAUSED:
      return "paused";  // i18n: as is
    case pb::OrderInfo::STATE_CANCELLED:
      return "cancelled";  // i18n: as is
    case pb::OrderInfo::STATE_ENDED:
      return "ended";  // i18n: as is
    default:
      return "unknown";  // i18n: as is
  }
}

// One event of an order in words: placed, paused, a payment paid, refused or skipped.
std::string EventText(const pb::OrderEvent& e, uint32_t retries) {
  // fmt::arg keeps a reference to its value: the values live here, not in temporaries.
  const uint32_t number = e.index() + 1;
  const uint32_t attempt = e.attempt() + 1;
  const std::string code = SafeText(e.failed_name());
  const auto n = fmt::arg("n", number);
  switch (static_cast<OpType>(e.type())) {
    case OpType::kPlaceOrder:
      return _("placed");
    case OpType::kSetOrderState:
      return e.action() == pb::ORDER_ACTION_PAUSE    ? _("paused")
             : e.action() == pb::ORDER_ACTION_RESUME ? _("resumed")
                                                     : _("cancelled (final)");
    case OpType::kExecuteOrder:
      if (e.failed() == 0) return Tr("payment {n} paid", n);
      if (e.failed() == static_cast<uint32_t>(Code::kOrderPaused))
        return Tr("payment {n} skipped, the order is paused", n);
      if (e.attempt() < retries)
        return Tr("payment {n}, try {t}: refused ({code}), tried again the next day", n,
                  fmt::arg("t", attempt), fmt::arg("code", code));
      return Tr("payment {n}, try {t}: refused ({code}), given up", n, fmt::arg("t", attempt),
                fmt::arg("code", code));
    default:
      return "?";  // i18n: as is
  }
}

json OrderJson(Session& session, const pb::OrderInfo& info, const PlaceOrder& o) {
  json j;
  j["id"] = ToHex(info.order_id());
  AccountId payer;
  if (payer.Assign(info.payer())) j["payer"] = session.AddressOf(payer);
  j["state"] = StateName(info.state());
  j["schedule"] = OrderScheduleName(o.schedule);
  j["every"] = o.every;
  j["first_date"] = o.first_date;
  j["end_date"] = o.end_date;
  j["count"] = o.count;
  j["retries"] = o.retries;
  j["legs"] = info.leg_count();
  j["legs_shown"] = o.legs.size();
  int64_t total = 0;
  for (const auto& leg : o.legs) total += leg.amount.minor();
  j["total_minor"] = total;  // of the legs shown
  j["memo"] = o.memo;
  j["placed_sequence"] = info.placed_sequence();
  j["placed_ms"] = info.placed_ms();
  j["executions"] = info.executions();
  j["tries"] = info.tries();
  j["next_due_ms"] = info.next_due_ms();
  return j;
}

// The next payment's day in words, or "-" when the order is over.
std::string NextText(const pb::OrderInfo& info) {
  if (info.next_due_ms() == 0) return "-";  // i18n: as is
  if (info.tries() == 0) return DisplayDate(info.next_due_ms());
  return Tr("{date} (try {t})", fmt::arg("date", DisplayDate(info.next_due_ms())),
            fmt::arg("t", info.tries() + 1));
}

// At most this many pages of the node's list (100 orders each): a payer has at most 32 live
// orders, and the ones over are listed after them, newest first.
constexpr int kMaxListPages = 10;

CliStatus ListCommand(Session& session, bool as_json) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  json out = json::array();
  std::vector<std::vector<std::string>> rows = {
      {_("order"), _("state"), _("payments"), _("next"), _("memo"), _("terms")}};
  uint64_t before = 0;
  for (int page = 0; page < kMaxListPages; ++page) {
    pb::ListOrdersResponse r;
    s = session.node().ListOrders(key.account, before, 100, &r);
    if (!s.ok()) return s;
    for (const pb::OrderInfo& info : r.orders()) {
      PlaceOrder o;
      if (!codec::DecodePlaceOrder(info.order(), &o).ok()) continue;
      if (as_json) {
        out.push_back(OrderJson(session, info, o));
        continue;
      }
      // The terms last: the longest, and the only column whose width varies with the order.
      rows.push_back({ToHex(info.order_id()).substr(0, 16), StateText(info.state()),
                      std::to_string(info.executions()), NextText(info), SafeText(o.memo),
                      OrderTerms(o, session.money())});
    }
    before = r.next_before();
    if (before == 0) break;
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (rows.size() == 1) {
    std::cout << _("this account placed no standing order") << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {});
  std::cout << _("`liard order show ORDER` tells what each one paid, refused or skipped") << "\n";
  return CliStatus::Ok();
}

struct ShowArgs {
  std::string order;
  uint32_t events = 12;
  bool json = false;
};

CliStatus ShowCommand(Session& session, const ShowArgs& a) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  Hash id;
  s = FindOrder(a.order, &id, nullptr);
  if (!s.ok()) return s;
  if (a.events < 1 || a.events > 50) return CliStatus::Usage(_("--events: give 1 to 50"));
  pb::OrderInfo info;
  s = session.node().GetOrder(id, key.account, a.events, &info);
  if (!s.ok()) return s;
  PlaceOrder o;
  if (!codec::DecodePlaceOrder(info.order(), &o).ok())
    return CliStatus::Local(_("the node sent an order that does not decode"));
  if (a.json) {
    json j = OrderJson(session, info, o);
    json events = json::array();
    for (const pb::OrderEvent& e : info.events()) {
      json x;
      x["sequence"] = e.sequence();
      x["time_ms"] = e.time_ms();
      x["type"] = std::string(OpTypeName(static_cast<OpType>(e.type())));
      if (e.type() == static_cast<uint32_t>(OpType::kSetOrderState))
        x["action"] = std::string(OrderActionName(static_cast<OrderAction>(e.action())));
      if (e.type() == static_cast<uint32_t>(OpType::kExecuteOrder)) {
        x["payment"] = e.index() + 1;
        x["try"] = e.attempt() + 1;
        x["failed"] = e.failed_name();
      }
      x["text"] = EventText(e, o.retries);
      events.push_back(x);
    }
    j["events"] = events;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  AccountId payer;
  (void)payer.Assign(info.payer());
  std::cout << Tr("standing order {id}", fmt::arg("id", ToHex(info.order_id()))) << "\n";
  std::vector<std::vector<std::string>> facts = {
      {_("payer"), session.NameOf(payer)},
      {_("terms"), OrderTerms(o, session.money())},
      {_("memo"), SafeText(o.memo)},
      {_("state"), StateText(info.state())},
      {_("payments done"), std::to_string(info.executions())},
      {_("next payment"), NextText(info)}};
  if (info.leg_count() != o.legs.size())
    facts.push_back(
        {_("payees"), Tr("{mine} of {all} shown (yours)", fmt::arg("mine", o.legs.size()),
                         fmt::arg("all", info.leg_count()))});
  std::cout << RenderTable(facts, {});
  if (info.events_size() != 0) {
    std::vector<std::vector<std::string>> rows = {{_("date"), _("what happened")}};
    for (const pb::OrderEvent& e : info.events())
      rows.push_back({LocalDateTime(e.time_ms()), EventText(e, o.retries)});
    std::cout << _("latest events, newest first:") << "\n" << RenderTable(rows, {});
  }
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
  CLI::App* l = od->add_subcommand(
      "list", _("the standing orders this account placed, as the ledger has them now"));
  l->add_flag("--json", *list_json, _("print them as JSON"));
  ctx.On(l, [list_json](Session& s) { return ListCommand(s, *list_json); });

  auto show = std::make_shared<ShowArgs>();
  CLI::App* sh = od->add_subcommand(
      "show", _("one standing order: its state, its next payment, and what it paid, refused "
                "or skipped"));
  sh->add_option("ORDER", show->order, _("the order's id, or the start of it"))->required();
  sh->add_option("--events", show->events, _("how many of its latest events (1 to 50; 12)"));
  sh->add_flag("--json", show->json, _("print it as JSON"));
  ctx.On(sh, [show](Session& s) { return ShowCommand(s, *show); });
}

}  // namespace liard::wallet
