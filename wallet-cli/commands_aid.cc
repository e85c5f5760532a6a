// liard aid: earmarked aid. A municipality or the association gives it to residents from a CSV
// (aid grant), reads back what it gave (aid show), and takes back what is left after the expiry
// (aid expire); a resident sees each part in `liard balance` (AidRows).
#include "wallet-cli/commands_aid.h"

#include <iostream>
#include <set>

#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/verify.h"

namespace liard::wallet {

using json = nlohmann::ordered_json;

namespace {

// "alimentation, épicerie; Boulangerie du Rhône (roue1q…)": where an aid may be spent.
std::string WhereSpent(Session& session,
                       const google::protobuf::RepeatedPtrField<std::string>& cats,
                       const google::protobuf::RepeatedPtrField<std::string>& merchants) {
  std::string s;
  for (const auto& c : cats) s += (s.empty() ? "" : ", ") + SafeText(c);
  for (const auto& m : merchants) {
    AccountId id;
    if (id.Assign(m)) s += (s.empty() ? "" : ", ") + session.NameOf(id);
  }
  return s;
}

}  // namespace

std::vector<std::vector<std::string>> AidRows(Session& session, const pb::AccountInfo& a) {
  std::vector<std::vector<std::string>> rows;
  if (a.earmarked_size() == 0) return rows;
  const Money& money = session.money();
  int64_t total = a.balance();
  for (const pb::EarmarkedPart& p : a.earmarked()) {
    total += p.balance();
    const bool expired = NowMs() >= p.expires_ms();
    const std::string until = DisplayDate(p.expires_ms() - 1);
    rows.push_back(
        {_("earmarked aid"),
         expired ? Tr("{units} « {purpose} », expired on {date}: it goes back to its funder",
                      fmt::arg("units", money.Units(p.balance())),
                      fmt::arg("purpose", SafeText(p.purpose())), fmt::arg("date", until))
                 : Tr("{units} « {purpose} », until {date}, at: {where}",
                      fmt::arg("units", money.Units(p.balance())),
                      fmt::arg("purpose", SafeText(p.purpose())), fmt::arg("date", until),
                      fmt::arg("where", WhereSpent(session, p.categories(), p.merchants())))});
  }
  rows.push_back({_("in all"), money.Units(total)});
  return rows;
}

json AidJson(Session& session, const pb::AccountInfo& a) {
  const Money& money = session.money();
  json parts = json::array();
  for (const pb::EarmarkedPart& p : a.earmarked()) {
    json categories = json::array();
    for (const auto& c : p.categories()) categories.push_back(c);
    json merchants = json::array();
    for (const auto& m : p.merchants()) {
      AccountId id;
      if (id.Assign(m)) merchants.push_back(session.AddressOf(id));
    }
    AccountId funder;
    (void)funder.Assign(p.funder());
    parts.push_back({{"aid", ToHex(p.grant())},
                     {"purpose", p.purpose()},
                     {"funder", session.AddressOf(funder)},
                     {"balance", money.Plain(p.balance())},
                     {"balance_minor", p.balance()},
                     {"expires_ms", p.expires_ms()},
                     {"until", UtcDate(p.expires_ms() - 1)},
                     {"expired", NowMs() >= p.expires_ms()},
                     {"categories", categories},
                     {"merchants", merchants}});
  }
  return parts;
}

namespace {

struct GrantArgs {
  std::string file, purpose, until;
  std::vector<std::string> categories, merchants;
  bool dry_run = false, yes = false, json = false;
};

// "the aid « Aide alimentaire », until 31/12/2026, at: alimentation".
std::string AidTerms(Session& session, const GrantAid& g) {
  std::string where;
  for (const auto& c : g.categories) where += (where.empty() ? "" : ", ") + SafeText(c);
  for (const auto& m : g.merchants) where += (where.empty() ? "" : ", ") + session.NameOf(m);
  return Tr("« {purpose} », until {date}, at: {where}", fmt::arg("purpose", SafeText(g.purpose)),
            fmt::arg("date", DisplayDate(g.expires_ms - 1)), fmt::arg("where", where));
}

CliStatus AidGrant(Session& session, const GrantArgs& a) {
  if (a.categories.empty() && a.merchants.empty())
    return CliStatus::Usage(
        _("say where the aid may be spent: --category (as on the shops' cards) or --merchant"));
  GrantAid g;
  g.purpose = a.purpose;
  g.categories = a.categories;
  int64_t day = 0;
  if (!ParseDay(a.until, &day))
    return CliStatus::Usage(Tr("--until: {text} is not a date (31/12/2026 or 2026-12-31)",
                               fmt::arg("text", SafeText(a.until))));
  std::vector<CsvRecord> records;
  std::string encoding;
  CliStatus s = ReadBatchFile(a.file, &records, &encoding);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  // After connecting: the day is the currency's, whose zone the node's genesis names.
  if (!ParseDateEnd(a.until, &g.expires_ms))
    return CliStatus::Usage(Tr("--until: {text} is not a date (31/12/2026 or 2026-12-31)",
                               fmt::arg("text", SafeText(a.until))));
  for (const auto& m : a.merchants) {
    AccountId id;
    s = session.ParseAddress(m, &id);
    if (!s.ok()) return s;
    g.merchants.push_back(id);
  }
  const Money& money = session.money();
  const Genesis& gen = session.genesis();
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, gen.currency_code, money.decimals(), &lines, &problems, nullptr,
             BatchUnits(gen.currency_code, gen.par_num == gen.par_den));
  if (!problems.empty()) {
    for (const auto& p : problems)
      std::cerr << SafeText(p.line == 0
                                ? p.message
                                : Tr("{where}: {what}",
                                     fmt::arg("where", Tr("line {line}", fmt::arg("line", p.line))),
                                     fmt::arg("what", p.message)))
                << "\n";
    return CliStatus::Usage(TrP("{n} problem in {file}; nothing was sent",
                                "{n} problems in {file}; nothing was sent", problems.size(),
                                fmt::arg("n", problems.size()), fmt::arg("file", a.file)));
  }
  int64_t total = 0;
  for (const auto& l : lines) {
    g.recipients.push_back(Leg{l.to, l.amount, l.memo});
    total += l.amount.minor();  // CheckBatch bounded the sum
  }
  const size_t residents = PayeesOf(lines).size();
  Prepared p;
  s = session.Prepare(g, &p);
  if (!s.ok()) return s;
  const std::string terms = AidTerms(session, g);
  if (a.dry_run) {
    pb::SimulateResponse sim;
    bool available = false;
    s = session.Preview(p, &sim, &available);
    if (!s.ok()) return s;
    if (a.json) {
      std::cout << json{{"file", a.file},
                        {"purpose", g.purpose},
                        {"until", UtcDate(g.expires_ms - 1)},
                        {"expires_ms", g.expires_ms},
                        {"recipients", residents},
                        {"lines", lines.size()},
                        {"total", money.Plain(total)},
                        {"total_minor", total},
                        {"simulated", available},
                        {"ok", true}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << Tr("{total} of earmarked aid {terms}, to {n} residents",
                      fmt::arg("total", money.Units(total)), fmt::arg("terms", terms),
                      fmt::arg("n", residents))
                << "\n"
                << _("no problem found; dry run: nothing was sent") << "\n";
    }
    return CliStatus::Ok();
  }
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(
      p,
      Tr("Give {total} of earmarked aid {terms}, to {n} residents, from {funder} ({file})?",
         fmt::arg("total", money.Units(total)), fmt::arg("terms", terms), fmt::arg("n", residents),
         fmt::arg("funder", session.NameOf(p.op.account)), fmt::arg("file", a.file)),
      a.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  if (a.json) {
    std::cout << json{{"aid", ToHex(r.operation_id())}, {"sequence", r.sequence()},
                      {"purpose", g.purpose},           {"until", UtcDate(g.expires_ms - 1)},
                      {"expires_ms", g.expires_ms},     {"recipients", residents},
                      {"total", money.Plain(total)},    {"total_minor", total}}
                     .dump(2)
              << "\n";
    return CliStatus::Ok();
  }
  r.clear_message();
  const std::string expire = "aid expire " + ToHex(r.operation_id());  // i18n: as is
  session.PrintSubmitted(
      r, Tr("gave {total} of earmarked aid {terms}, to {n} residents; to take back what is left "
            "after the expiry: {command}",
            fmt::arg("total", money.Units(total)), fmt::arg("terms", terms),
            fmt::arg("n", residents), fmt::arg("command", session.Command(expire))));
  return CliStatus::Ok();
}

// The GrantAid operation `id_text` names, from the node, checked.
CliStatus FetchAid(Session& session, const std::string& id_text, Hash* id, GrantAid* out,
                   pb::Receipt* receipt) {
  std::string bytes;
  if (!FromHex(id_text, &bytes) || !id->Assign(bytes))
    return CliStatus::Usage(
        _("an aid's id is 64 hexadecimal characters, as 'liard aid grant' printed it"));
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  s = session.node().GetOperation(*id, receipt);
  if (!s.ok()) return s;
  for (const Check& c : VerifyReceipt(*receipt, session.ledger_id(), *id))
    if (!c.ok)
      return CliStatus::Refused(
          Tr("the node's copy of operation {id} did not verify ({why}): do "
             "not trust it, and tell the association",
             fmt::arg("id", id_text), fmt::arg("why", c.what)));
  Operation op;
  if (!codec::DecodeOperation(receipt->operation().body(), &op).ok())
    return CliStatus::Local(Tr("operation {id} holds a body this wallet cannot read: update liard",
                               fmt::arg("id", id_text)));
  const auto* g = std::get_if<GrantAid>(&op.payload);
  if (g == nullptr)
    return CliStatus::Usage(Tr("operation {id} is not an earmarked aid", fmt::arg("id", id_text)));
  *out = *g;
  return CliStatus::Ok();
}

struct ExpireArgs {
  std::string id;
  bool yes = false, json = false;
};

CliStatus AidExpire(Session& session, const ExpireArgs& a) {
  Hash id;
  GrantAid g;
  pb::Receipt receipt;
  CliStatus s = FetchAid(session, a.id, &id, &g, &receipt);
  if (!s.ok()) return s;
  ExpireAid e;
  e.grant = id;
  std::set<AccountId> seen;
  for (const Leg& leg : g.recipients)
    if (seen.insert(leg.to).second) e.holders.push_back(leg.to);
  const Money& money = session.money();
  if (NowMs() < g.expires_ms)
    return CliStatus::Refused(Tr(
        "the aid « {purpose} » runs until {date}: what is left goes "
        "back after that day",
        fmt::arg("purpose", SafeText(g.purpose)), fmt::arg("date", DisplayDate(g.expires_ms - 1))));
  Prepared p;
  s = session.Prepare(std::move(e), &p);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(
      p,
      Tr("Take back what is left of the aid « {purpose} » (until {date}) from its {n} "
         "recipients?",
         fmt::arg("purpose", SafeText(g.purpose)), fmt::arg("date", DisplayDate(g.expires_ms - 1)),
         fmt::arg("n", seen.size())),
      a.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  pb::Receipt done;
  int64_t returned = 0;
  Hash op_id;
  if (op_id.Assign(r.operation_id()) && session.node().GetOperation(op_id, &done).ok())
    returned = SumPostings(done.postings(), Slot::kMember, &p.op.account);
  if (a.json) {
    std::cout << json{{"operation_id", ToHex(r.operation_id())},
                      {"sequence", r.sequence()},
                      {"aid", a.id},
                      {"returned", money.Plain(returned)},
                      {"returned_minor", returned}}
                     .dump(2)
              << "\n";
    return CliStatus::Ok();
  }
  r.clear_message();
  session.PrintSubmitted(
      r, Tr("took back {units} left of the aid « {purpose} »",
            fmt::arg("units", money.Units(returned)), fmt::arg("purpose", SafeText(g.purpose))));
  return CliStatus::Ok();
}

struct ShowArgs {
  std::string id;
  bool json = false;
};

// liard aid show ID: the aid's terms and its recipients, from the journal.
CliStatus AidShow(Session& session, const ShowArgs& a) {
  Hash id;
  GrantAid g;
  pb::Receipt receipt;
  CliStatus s = FetchAid(session, a.id, &id, &g, &receipt);
  if (!s.ok()) return s;
  const Money& money = session.money();
  int64_t total = 0;
  for (const Leg& leg : g.recipients) total += leg.amount.minor();
  if (a.json) {
    json recipients = json::array();
    for (const Leg& leg : g.recipients)
      recipients.push_back({{"address", session.AddressOf(leg.to)},
                            {"amount", money.Plain(leg.amount.minor())},
                            {"amount_minor", leg.amount.minor()},
                            {"memo", leg.memo}});
    json categories = json::array();
    for (const auto& c : g.categories) categories.push_back(c);
    json merchants = json::array();
    for (const auto& m : g.merchants) merchants.push_back(session.AddressOf(m));
    std::cout << json{{"aid", a.id},
                      {"sequence", receipt.sequence()},
                      {"time_ms", receipt.time_ms()},
                      {"purpose", g.purpose},
                      {"until", UtcDate(g.expires_ms - 1)},
                      {"expires_ms", g.expires_ms},
                      {"categories", categories},
                      {"merchants", merchants},
                      {"total", money.Plain(total)},
                      {"total_minor", total},
                      {"recipients", recipients}}
                     .dump(2)
              << "\n";
    return CliStatus::Ok();
  }
  std::cout << Tr("aid {terms}, given {time}: {total} to {n} lines",
                  fmt::arg("terms", AidTerms(session, g)),
                  fmt::arg("time", LocalDateTime(receipt.time_ms())),
                  fmt::arg("total", money.Units(total)), fmt::arg("n", g.recipients.size()))
            << "\n\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({_("NO."), _("RESIDENT"), _("ADDRESS"), _("AMOUNT"), _("MEMO")});
  for (size_t i = 0; i < g.recipients.size(); ++i) {
    const Leg& leg = g.recipients[i];
    rows.push_back({std::to_string(i + 1), SafeText(session.PlainNameOf(leg.to)),
                    session.AddressOf(leg.to), money.Units(leg.amount.minor()),
                    SafeText(leg.memo)});
  }
  std::cout << RenderTable(rows, {0, 3});
  return CliStatus::Ok();
}

}  // namespace

void RegisterAidCommands(CLI::App& app, Context& ctx) {
  CLI::App* aid = app.add_subcommand(
      "aid", _("earmarked aid: units given to residents for a purpose, spent at some shops"));
  aid->require_subcommand(1);

  auto g = std::make_shared<GrantArgs>();
  CLI::App* grant = aid->add_subcommand(
      "grant",
      _("municipalities, the association: give earmarked aid to every line of a CSV file"));
  grant->add_option("FILE", g->file, _("CSV lines: address,amount,memo (as pay-batch)"))
      ->required();
  grant->add_option("--purpose", g->purpose, _("what the aid is for, shown to the residents"))
      ->required();
  grant->add_option("--until", g->until, _("the last day it may be spent (31/12/2026)"))
      ->required();
  grant->add_option(
      "--category", g->categories,
      _("a shop category where it may be spent, as on the shops' cards (repeatable)"));
  grant->add_option("--merchant", g->merchants, _("an account where it may be spent (repeatable)"));
  grant->add_flag("--dry-run", g->dry_run, _("check the file and the ledger, send nothing"));
  grant->add_flag("--yes,-y", g->yes, _("do not ask to confirm"));
  grant->add_flag("--json", g->json, _("print JSON"));
  grant->footer(
      _("The units come from the funder's balance and stay backed by the guarantee fund. A\n"
        "payment by a resident draws them first where the shop qualifies; what is left after\n"
        "the last day goes back to the funder with 'liard aid expire'.\n"
        "Example:\n  liard --key mairie aid grant aide.csv --purpose \"Aide alimentaire\" "
        "--until 31/12/2026 --category alimentation --yes"));
  ctx.On(grant, [g](Session& s) { return AidGrant(s, *g); });

  auto sh = std::make_shared<ShowArgs>();
  CLI::App* show = aid->add_subcommand("show", _("an aid's terms and recipients"));
  show->add_option("AID", sh->id, _("the aid's id, as 'aid grant' printed it"))->required();
  show->add_flag("--json", sh->json, _("print JSON"));
  ctx.On(show, [sh](Session& s) { return AidShow(s, *sh); });

  auto e = std::make_shared<ExpireArgs>();
  CLI::App* expire = aid->add_subcommand(
      "expire", _("after its last day, take back what is left of an aid, from every resident"));
  expire->add_option("AID", e->id, _("the aid's id, as 'aid grant' printed it"))->required();
  expire->add_flag("--yes,-y", e->yes, _("do not ask to confirm"));
  expire->add_flag("--json", e->json, _("print JSON"));
  ctx.On(expire, [e](Session& s) { return AidExpire(s, *e); });
}

}  // namespace liard::wallet
