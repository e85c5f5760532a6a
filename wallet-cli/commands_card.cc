// A shop's public card and the directory of every card of the ledger:
//   liard card set --address ... [--clear FIELD]   (merchants, offices, municipalities, the
//   liard card show [ADDRESS]                        association; SetCard)
//   liard card remove
//   liard directory [--csv|--json] [--out FILE]    (ListDirectory, public: for GoGoCarto)
#include "wallet-cli/commands_card.h"

#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/ops/card.h"
#include "ledger/text.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/paths.h"

namespace liard::wallet {

using json = nlohmann::ordered_json;

namespace {

// What people read for each of kCardFields, in its order.
constexpr const char* kFieldLabels[] = {
    N_("street address"), N_("postcode"),    N_("city"),    N_("category"),
    N_("opening hours"),  N_("description"), N_("website"), N_("phone")};
static_assert(std::size(kFieldLabels) == std::size(kCardFields));
constexpr std::string_view kPositionName = "position";

// Millionths of a degree as "43.949300".
std::string Degrees(int32_t e6) {
  const int64_t v = e6;
  const int64_t a = v < 0 ? -v : v;
  return fmt::format("{}{}.{:06d}", v < 0 ? "-" : "", a / 1'000'000, a % 1'000'000);
}

// "43.9493" or "-4,8055" (at most 6 decimals) as millionths of a degree within ±max_e6.
bool ParseDegrees(std::string_view text, int32_t max_e6, int32_t* out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int64_t whole = 0, fraction = 0;
  int digits = 0, decimals = 0;
  bool point = false;
  for (char c : text) {
    if ((c == '.' || c == ',') && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (point) {
        if (++decimals > 6) return false;
        fraction = fraction * 10 + (c - '0');
      } else {
        if (++digits > 3) return false;
        whole = whole * 10 + (c - '0');
      }
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  for (int d = decimals; d < 6; ++d) fraction *= 10;
  const int64_t e6 = whole * 1'000'000 + fraction;
  if (e6 > max_e6) return false;
  *out = static_cast<int32_t>(negative ? -e6 : e6);
  return true;
}

// "43.9493,4.8055", "43,9493;4,8055" or "43,9493 4,8055": latitude then longitude.
bool ParsePosition(std::string_view text, Position* out) {
  size_t cut = text.find(';');
  if (cut == std::string_view::npos) {
    const size_t first = text.find(','), last = text.rfind(',');
    cut = first != std::string_view::npos && first == last ? first : text.find(' ');
  }
  if (cut == std::string_view::npos) return false;
  return ParseDegrees(text.substr(0, cut), kMaxLatitudeE6, &out->latitude_e6) &&
         ParseDegrees(text.substr(cut + 1), kMaxLongitudeE6, &out->longitude_e6);
}

// Why a field's text cannot go on the card, in the user's language, or "". The ledger holds
// the same limits (CheckCard); this says it before anything is signed.
std::string FieldProblem(size_t field, const std::string& text) {
  const CardField& f = kCardFields[field];
  if (text.size() > f.max_bytes)
    return Tr("the {field} has {bytes} bytes; a card holds at most {max_bytes}",
              fmt::arg("field", _(kFieldLabels[field])), fmt::arg("bytes", text.size()),
              fmt::arg("max_bytes", f.max_bytes));
  if (!IsPrintableUtf8(text))
    return Tr("the {field} holds a line break or a control character: write it on one line",
              fmt::arg("field", _(kFieldLabels[field])));
  return "";
}

Card FromWire(const pb::Card& w) {
  Card c;
  codec::DecodeCard(w, &c);
  return c;
}

// The account a card command is about: ADDRESS, or the selected key's account.
CliStatus TargetAccount(Session& session, const std::string& address, AccountId* id) {
  if (!address.empty()) return session.ParseAddress(address, id);
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  *id = key.account;
  return CliStatus::Ok();
}

bool IsShop(int kind) {
  return kind == pb::ACCOUNT_KIND_MERCHANT || kind == pb::ACCOUNT_KIND_EXCHANGE_OFFICE ||
         kind == pb::ACCOUNT_KIND_MUNICIPALITY || kind == pb::ACCOUNT_KIND_ASSOCIATION;
}

// Submits the whole card `card` for the selected key's account (empty: removes it).
CliStatus Submit(Session& session, const Card& card, const char* done) {
  Status check = CheckCard(card);
  if (!check.ok()) return CliStatus::Usage(SafeText(check.message()));  // caught above already
  Prepared p;
  CliStatus s = session.Prepare(SetCard{card}, &p);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  // Nothing to confirm: the card is public, and set again as easily.
  s = session.ConfirmAndSubmit(p, "", true, &r, &declined);
  if (!s.ok()) return s;
  session.PrintSubmitted(r, _(done));
  if (!card.empty()) {
    pb::Card wire;
    codec::EncodeCard(card, &wire);
    std::cout << RenderTable(CardRows(wire));
  }
  return CliStatus::Ok();
}

// Connects, and finds the selected key's own account: a shop, else refused.
CliStatus MyShop(Session& session, AccountId* id, pb::AccountCard* me) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  s = TargetAccount(session, "", id);
  if (!s.ok()) return s;
  bool found = false;
  s = session.CardOf(*id, me, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(
        Tr("no account {address} in this ledger", fmt::arg("address", session.AddressOf(*id))));
  if (!IsShop(me->kind()))
    return CliStatus::Refused(
        _("only a merchant, an exchange office, a municipality or the association has a public "
          "card"));
  return CliStatus::Ok();
}

struct SetArgs {
  std::string values[std::size(kCardFields)];
  CLI::Option* given[std::size(kCardFields)] = {};
  std::string position;
  CLI::Option* position_given = nullptr;
  std::vector<std::string> clear;
};

CliStatus CardSet(Session& session, const SetArgs& a) {
  bool clear[std::size(kCardFields)] = {};
  bool clear_position = false;
  for (const std::string& name : a.clear) {
    bool known = false;
    for (size_t i = 0; i < std::size(kCardFields); ++i)
      if (kCardFields[i].name == name) known = clear[i] = true;
    if (name == kPositionName) known = clear_position = true;
    if (!known)
      return CliStatus::Usage(
          Tr("--clear takes a field of the card: address, postcode, city, category, hours, "
             "description, website, phone or position, not \"{field}\"",
             fmt::arg("field", SafeText(name))));
  }
  bool any = !a.clear.empty();
  std::string values[std::size(kCardFields)];
  for (size_t i = 0; i < std::size(kCardFields); ++i) {
    if (a.given[i]->count() == 0) continue;
    any = true;
    if (clear[i])
      return CliStatus::Usage(Tr("--{field} and --clear {field} together: say one or the other",
                                 fmt::arg("field", kCardFields[i].name)));
    values[i] = ToNfc(a.values[i]);
    if (values[i].empty())
      return CliStatus::Usage(Tr("--{field} is empty: to take it off the card, --clear {field}",
                                 fmt::arg("field", kCardFields[i].name)));
    if (std::string why = FieldProblem(i, values[i]); !why.empty()) return CliStatus::Usage(why);
  }
  Position position;
  const bool set_position = a.position_given->count() > 0;
  if (set_position) {
    any = true;
    if (clear_position)
      return CliStatus::Usage(_("--position and --clear position together: say one or the other"));
    if (!ParsePosition(a.position, &position))
      return CliStatus::Usage(
          Tr("the position \"{position}\" is not a latitude and a longitude in degrees, e.g. "
             "--position 43.9493,4.8055 (latitude -90 to 90, longitude -180 to 180, at most 6 "
             "decimals)",
             fmt::arg("position", SafeText(a.position))));
  }
  if (!any)
    return CliStatus::Usage(
        _("say what to write on the card, e.g. liard card set --address \"12 rue de la "
          "République\" --postcode 84000 --city Avignon --category Boulangerie"));
  AccountId id;
  pb::AccountCard me;
  CliStatus s = MyShop(session, &id, &me);
  if (!s.ok()) return s;
  // The fields not given keep what the card says now.
  Card card = FromWire(me.card());
  for (size_t i = 0; i < std::size(kCardFields); ++i) {
    if (clear[i]) (card.*kCardFields[i].member).clear();
    if (a.given[i]->count() > 0) card.*kCardFields[i].member = values[i];
  }
  if (clear_position) {
    card.has_position = false;
    card.position = {};
  }
  if (set_position) {
    card.has_position = true;
    card.position = position;
  }
  return Submit(session, card, card.empty() ? N_("card removed") : N_("card saved"));
}

CliStatus CardRemove(Session& session) {
  AccountId id;
  pb::AccountCard me;
  CliStatus s = MyShop(session, &id, &me);
  if (!s.ok()) return s;
  return Submit(session, Card{}, N_("card removed"));
}

}  // namespace

json CardJson(const pb::Card& c) {
  json j = json::object();
  const Card card = FromWire(c);
  for (const CardField& f : kCardFields) j[std::string(f.name)] = card.*f.member;
  if (card.has_position) {
    j["latitude"] = Degrees(card.position.latitude_e6);
    j["longitude"] = Degrees(card.position.longitude_e6);
  }
  return j;
}

namespace {

CliStatus CardShow(Session& session, const std::string& address, bool as_json) {
  if (!address.empty()) {
    CliStatus s = Session::PrecheckAddress(address);
    if (!s.ok()) return s;
  }
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  AccountId id;
  s = TargetAccount(session, address, &id);
  if (!s.ok()) return s;
  pb::AccountCard a;
  bool found = false;
  s = session.CardOf(id, &a, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(
        Tr("no account {address} in this ledger", fmt::arg("address", session.AddressOf(id))));
  if (as_json) {
    json j;
    j["address"] = a.address();
    j["name"] = a.name();
    j["kind"] = KindWord(a.kind());
    j["card"] = a.has_card() ? CardJson(a.card()) : json(nullptr);
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (!a.has_card()) {
    std::cout << Tr("{account} has no public card",
                    fmt::arg("account", Party(SafeText(a.name()), a.address())))
              << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows = {{_("name"), SafeText(a.name())},
                                                {_("kind"), _(KindWord(a.kind()).c_str())}};
  for (auto& row : CardRows(a.card())) rows.push_back(std::move(row));
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

// Every card of the ledger, a page of 1,000 at a time, in account id order.
CliStatus AllCards(Session& session, std::vector<pb::AccountCard>* out) {
  std::string after;
  for (;;) {
    pb::ListDirectoryRequest req;
    req.set_after(after);
    req.set_limit(1'000);
    pb::ListDirectoryResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kCallTimeout);
    grpc::Status st = session.node().stub().ListDirectory(&ctx, req, &resp);
    if (!st.ok()) return session.node().MapError(st, ctx, "ListDirectory");
    for (auto& c : *resp.mutable_cards()) out->push_back(std::move(c));
    if (resp.next_after().empty()) return CliStatus::Ok();
    // Pages move forward, or a confused node would keep the wallet here forever.
    if (resp.next_after() <= after || resp.cards_size() == 0)
      return CliStatus::Local(_("the node's directory pages do not move forward; try again"));
    after = resp.next_after();
  }
}

// The directory as GoGoCarto imports it: one element per card (docs/wallet.md, "directory").
std::string DirectoryCsv(const std::vector<pb::AccountCard>& cards) {
  // The file format's column names (GoGoCarto's), never translated.
  constexpr const char* kColumns[] = {
      "id",       "name",      "categories",  "streetAddress",   "postalCode", "addressLocality",
      "latitude", "longitude", "description", "openHoursString", "website",    "telephone",
      "kind"};
  std::string out;
  for (const char* column : kColumns) out += (out.empty() ? "" : ",") + std::string(column);
  out += "\r\n";
  for (const pb::AccountCard& a : cards) {
    const Card c = FromWire(a.card());
    const std::string fields[] = {a.address(),
                                  a.name(),
                                  c.category,
                                  c.address,
                                  c.postcode,
                                  c.city,
                                  c.has_position ? Degrees(c.position.latitude_e6) : "",
                                  c.has_position ? Degrees(c.position.longitude_e6) : "",
                                  c.description,
                                  c.hours,
                                  c.website,
                                  c.phone,
                                  KindWord(a.kind())};
    // ',' separated, as GoGoCarto and spreadsheets read it.
    for (size_t i = 0; i < std::size(fields); ++i)
      out += (i == 0 ? "" : ",") + CsvField(fields[i], ',');
    out += "\r\n";
  }
  return out;
}

std::string DirectoryJson(const std::vector<pb::AccountCard>& cards) {
  json all = json::array();
  for (const pb::AccountCard& a : cards) {
    const Card c = FromWire(a.card());
    json e;
    e["id"] = a.address();
    e["name"] = a.name();
    e["categories"] = c.category.empty() ? json::array() : json::array({c.category});
    e["address"] = {
        {"streetAddress", c.address}, {"postalCode", c.postcode}, {"addressLocality", c.city}};
    if (c.has_position)
      e["geo"] = {{"latitude", c.position.latitude_e6 / 1e6},
                  {"longitude", c.position.longitude_e6 / 1e6}};
    e["description"] = c.description;
    e["openHoursString"] = c.hours;
    e["website"] = c.website;
    e["telephone"] = c.phone;
    e["kind"] = KindWord(a.kind());
    all.push_back(std::move(e));
  }
  return all.dump(2) + "\n";
}

struct DirectoryArgs {
  bool csv = false, json = false;
  std::string out;
};

CliStatus Directory(Session& session, const DirectoryArgs& a) {
  if (a.csv && a.json) return CliStatus::Usage(_("--csv or --json, not both"));
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  std::vector<pb::AccountCard> cards;
  s = AllCards(session, &cards);
  if (!s.ok()) return s;
  std::string text;
  if (a.csv) {
    text = DirectoryCsv(cards);
  } else if (a.json) {
    text = DirectoryJson(cards);
  } else {
    std::vector<std::vector<std::string>> rows = {{_("NAME"), _("CATEGORY"), _("WHERE")}};
    for (const pb::AccountCard& c : cards) {
      const Card card = FromWire(c.card());
      std::string where = card.address;
      const std::string town = card.postcode + (card.postcode.empty() ? "" : " ") + card.city;
      if (!town.empty()) where += (where.empty() ? "" : ", ") + town;
      rows.push_back({SafeText(c.name()), SafeText(card.category), SafeText(where)});
    }
    text = cards.empty() ? std::string(_("no account of this ledger has a public card")) + "\n"
                         : RenderTable(rows);
  }
  if (a.out.empty()) {
    std::cout << text;
    return CliStatus::Ok();
  }
  s = WriteFileAtomically(a.out, text);
  if (!s.ok()) return s;
  std::cout << TrP("{n} card written to {file}", "{n} cards written to {file}", cards.size(),
                   fmt::arg("n", cards.size()), fmt::arg("file", a.out))
            << "\n";
  return CliStatus::Ok();
}

}  // namespace

std::string CardSummary(const pb::Card& w) {
  const Card c = FromWire(w);
  std::string out = c.category;
  if (!c.address.empty()) out += (out.empty() ? "" : ", ") + c.address;
  const std::string town = c.postcode + (c.postcode.empty() ? "" : " ") + c.city;
  if (!town.empty()) out += (out.empty() ? "" : ", ") + town;
  return SafeText(out);
}

std::vector<std::vector<std::string>> CardRows(const pb::Card& w) {
  const Card c = FromWire(w);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < std::size(kCardFields); ++i) {
    const std::string& text = c.*kCardFields[i].member;
    if (!text.empty()) rows.push_back({_(kFieldLabels[i]), SafeText(text)});
  }
  if (c.has_position)
    rows.push_back(
        {_("position"), Degrees(c.position.latitude_e6) + ", " + Degrees(c.position.longitude_e6)});
  return rows;
}

void RegisterCardCommands(CLI::App& app, Context& ctx) {
  CLI::App* card = app.add_subcommand(
      "card", _("your shop's public card: address, category, hours (shown to payers and in the "
                "directory)"));
  card->require_subcommand(1);

  auto a = std::make_shared<SetArgs>();
  CLI::App* set =
      card->add_subcommand("set", _("write fields of the card; the fields not given keep their "
                                    "value"));
  constexpr const char* kHelp[] = {
      N_("street and number, e.g. \"12 rue de la République\" (at most 128 bytes)"),
      N_("postcode (at most 16 bytes)"),
      N_("city (at most 64 bytes)"),
      N_("what the shop is, e.g. Boulangerie (at most 64 bytes)"),
      N_("opening hours as you write them, e.g. \"mar-sam 7h-19h\" (at most 256 bytes)"),
      N_("a few words for the directory (at most 512 bytes)"),
      N_("the shop's website (at most 128 bytes)"),
      N_("the shop's phone number (at most 32 bytes)")};
  for (size_t i = 0; i < std::size(kCardFields); ++i)
    a->given[i] =
        set->add_option("--" + std::string(kCardFields[i].name), a->values[i], _(kHelp[i]));
  a->position_given =
      set->add_option("--position", a->position,
                      _("latitude,longitude in degrees, e.g. 43.9493,4.8055 (for the map)"));
  set->add_option("--clear", a->clear,
                  _("take a field off the card: address, postcode, city, category, hours, "
                    "description, website, phone or position (repeatable)"));
  set->footer(
      _("Example:\n  liard --key shop card set --address \"12 rue de la République\" --postcode "
        "84000 --city Avignon --category Boulangerie --hours \"mar-sam 7h-19h\""));
  ctx.On(set, [a](Session& s) { return CardSet(s, *a); });

  struct ShowArgs {
    std::string address;
    bool json = false;
  };
  auto sh = std::make_shared<ShowArgs>();
  CLI::App* show = card->add_subcommand("show", _("show an account's card (yours by default)"));
  show->add_option("ADDRESS", sh->address, _("the account's address"));
  show->add_flag("--json", sh->json, _("print JSON"));
  show->footer(_("Examples:\n  liard --key shop card show\n  liard card show roue1q..."));
  ctx.On(show, [sh](Session& s) { return CardShow(s, sh->address, sh->json); });

  CLI::App* remove = card->add_subcommand("remove", _("take your card off the ledger"));
  remove->footer(_("Example:\n  liard --key shop card remove"));
  ctx.On(remove, [](Session& s) { return CardRemove(s); });

  auto d = std::make_shared<DirectoryArgs>();
  CLI::App* dir = app.add_subcommand(
      "directory", _("every public card of the ledger: a table, or a file for GoGoCarto"));
  dir->add_flag("--csv", d->csv, _("CSV with GoGoCarto's column names"));
  dir->add_flag("--json", d->json, _("JSON elements as GoGoCarto imports them"));
  dir->add_option("--out", d->out, _("write to this file instead of the screen"));
  dir->footer(_("Examples:\n  liard directory\n  liard directory --csv --out annuaire.csv"));
  ctx.On(dir, [d](Session& s) { return Directory(s, *d); });
}

}  // namespace liard::wallet
