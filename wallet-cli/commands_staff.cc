// liard staff add|revoke|list: the keys a shop's tills and cashiers sign with; liard till
// summary: a day at the till, by key.
#include <iostream>
#include <nlohmann/json.hpp>

#include "ledger/address.h"
#include "ledger/text.h"
#include "wallet-cli/app.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/till.h"

namespace liard::wallet {

CliStatus AddToTill(const pb::Receipt& r, const AccountId& me, TillSummary* till) {
  if (r.time_ms() < till->from_ms || r.time_ms() >= till->to_ms) return CliStatus::Ok();
  Movement m;
  CliStatus s = DescribeFor(r, me, Money(), &m);
  if (!s.ok()) return s;
  std::string key;
  bool payment = false;
  if (m.op.account != me && m.units > 0) {
    if (const auto* t = std::get_if<Transfer>(&m.op.payload)) {
      payment = true;
      if (t->request) key = std::string(t->request->key.view());
    } else {
      payment = std::holds_alternative<MultiTransfer>(m.op.payload);
    }
  }
  const bool refund = m.op.account == me && m.op.type() == OpType::kRefund && m.units < 0;
  if (!payment && !refund) return CliStatus::Ok();
  if (refund) key = r.operation().public_key();
  TillLine* line = nullptr;
  for (TillLine& l : till->by_key)
    if (l.key == key) line = &l;
  if (line == nullptr) {
    till->by_key.push_back(TillLine{key});
    line = &till->by_key.back();
  }
  if (payment) {
    ++till->payments;
    ++line->payments;
    till->received += m.units;
    line->received += m.units;
  } else {
    ++till->refunds;
    ++line->refunds;
    till->refunded -= m.units;
    line->refunded -= m.units;
  }
  return CliStatus::Ok();
}

namespace {

using json = nlohmann::ordered_json;

[[maybe_unused]] constexpr const char* kScopeWords[] = {N_("receive"), N_("refund"), N_("full")};

// Prepare, preview, confirm, sign, submit; `done` is printed with the receipt.
CliStatus Submit(Session& session, Payload payload, const std::string& question,
                 const std::string& done, bool yes) {
  Prepared p;
  CliStatus s = session.Prepare(std::move(payload), &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(r, done);
  return CliStatus::Ok();
}

std::string ScopeWord(int scope) {
  if (!IsValidScope(static_cast<uint32_t>(scope))) return "unknown";
  return std::string(ScopeName(static_cast<KeyScope>(scope)));
}

// A key as typed: the name of a key of this wallet, 64 hex characters, or an address.
CliStatus KeyArg(Session& session, const std::string& text, PublicKey* out) {
  std::string bytes;
  if (IsValidKeyName(text) && session.HasKey(text)) {
    KeyFile f;
    CliStatus s = session.keystore().Read(text, &f);
    if (!s.ok()) return s;
    *out = f.public_key;
    return CliStatus::Ok();
  }
  if (text.size() == 64 && FromHex(text, &bytes) && out->Assign(bytes)) return CliStatus::Ok();
  CliStatus s = Session::PrecheckAddress(text);
  if (!s.ok()) return s;
  return session.ParseAddress(text, out);
}

struct StaffArgs {
  std::string scope, cap, label, key, day;
  bool yes = false, json = false;
};

CliStatus StaffAdd(Session& session, const StaffArgs& a) {
  KeyScope scope;
  if (a.scope == "receive") {
    scope = KeyScope::kReceive;
  } else if (a.scope == "refund") {
    scope = KeyScope::kRefund;
  } else if (a.scope == "full") {
    scope = KeyScope::kFull;
  } else {
    return CliStatus::Usage(Tr("--scope must be receive, refund or full, not '{scope}'",
                               fmt::arg("scope", SafeText(a.scope))));
  }
  if (scope == KeyScope::kRefund && a.cap.empty())
    return CliStatus::Usage(
        _("a staff key of scope refund needs --refund-cap, the most it may refund in a day"));
  if (scope != KeyScope::kRefund && !a.cap.empty())
    return CliStatus::Usage(_("--refund-cap is for a staff key of scope refund only"));
  const std::string label = ToNfc(a.label);
  if (label.empty() || label.size() > kMaxKeyLabelBytes || !TextProblem(label).empty())
    return CliStatus::Usage(
        _("--label must be 1 to 64 bytes of text without control or invisible characters, "
          "e.g. \"Caisse 1\""));
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  PublicKey key;
  s = KeyArg(session, a.key, &key);
  if (!s.ok()) return s;
  s = Session::CheckNewKey(key, _("the staff key"));
  if (!s.ok()) return s;
  Amount cap;
  if (scope == KeyScope::kRefund) {
    s = session.ParseUnits(a.cap, _("the refund cap"), &cap);
    if (!s.ok()) return s;
  }
  KeyFile mine;
  s = session.LoadKey(&mine);
  if (!s.ok()) return s;
  const std::string account = session.NameOf(mine.account);
  const std::string scope_word = _(std::string(ScopeName(scope)).c_str());
  std::string question, done;
  if (scope == KeyScope::kRefund) {
    const std::string per_day = session.money().Units(cap.minor());
    question =
        Tr("Add the staff key '{label}' ({key}) to {account}, scope {scope}, refunds up to "
           "{cap} a day?",
           fmt::arg("label", SafeText(label)), fmt::arg("key", ToHex(key).substr(0, 16)),
           fmt::arg("account", account), fmt::arg("scope", scope_word), fmt::arg("cap", per_day));
    done = Tr("staff key '{label}' added to {account}: scope {scope}, refunds up to {cap} a day",
              fmt::arg("label", SafeText(label)), fmt::arg("account", account),
              fmt::arg("scope", scope_word), fmt::arg("cap", per_day));
  } else {
    question = Tr("Add the staff key '{label}' ({key}) to {account}, scope {scope}?",
                  fmt::arg("label", SafeText(label)), fmt::arg("key", ToHex(key).substr(0, 16)),
                  fmt::arg("account", account), fmt::arg("scope", scope_word));
    done = Tr("staff key '{label}' added to {account}: scope {scope}",
              fmt::arg("label", SafeText(label)), fmt::arg("account", account),
              fmt::arg("scope", scope_word));
  }
  return Submit(session, AddKey{key, scope, cap.minor(), label}, question, done, a.yes);
}

CliStatus StaffRevoke(Session& session, const StaffArgs& a) {
  KeyFile mine;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &mine, &me);
  if (!s.ok()) return s;
  // By label first (what the owner sees in 'staff list'), then as a key.
  const pb::StaffKeyInfo* found = nullptr;
  for (const pb::StaffKeyInfo& k : me.staff_keys())
    if (k.revoked_ms() == 0 && k.label() == a.key) found = &k;
  if (found == nullptr) {
    PublicKey key;
    s = KeyArg(session, a.key, &key);
    if (!s.ok())
      return CliStatus::Usage(
          Tr("'{key}' is neither the label of an active staff key of this "
             "account nor a key; see liard staff list",
             fmt::arg("key", SafeText(a.key))));
    for (const pb::StaffKeyInfo& k : me.staff_keys())
      if (k.key() == key.view()) found = &k;
    if (found == nullptr)
      return CliStatus::Refused(Tr("{key} is not a staff key of {account}; see liard staff list",
                                   fmt::arg("key", ToHex(key).substr(0, 16)),
                                   fmt::arg("account", session.NameOf(mine.account))))
          .set_code_name("UNKNOWN_KEY");
  }
  PublicKey key;
  if (!key.Assign(found->key())) return CliStatus::Local(_("the node sent a malformed staff key"));
  const std::string label = SafeText(found->label());
  const std::string account = session.NameOf(mine.account);
  return Submit(session, RevokeKey{key},
                Tr("Revoke the staff key '{label}' ({key}) of {account}? It signs and reads "
                   "nothing more from the next operation on.",
                   fmt::arg("label", label), fmt::arg("key", ToHex(key).substr(0, 16)),
                   fmt::arg("account", account)),
                Tr("staff key '{label}' of {account} revoked", fmt::arg("label", label),
                   fmt::arg("account", account)),
                a.yes);
}

CliStatus StaffList(Session& session, bool as_json) {
  KeyFile mine;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &mine, &me);
  if (!s.ok()) return s;
  const Money& money = session.money();
  json keys = json::array();
  std::vector<std::vector<std::string>> rows = {
      {_("LABEL"), _("SCOPE"), _("REFUND CAP"), _("ADDED"), _("REVOKED"), _("KEY")}};
  for (const pb::StaffKeyInfo& k : me.staff_keys()) {
    const std::string scope = ScopeWord(k.scope());
    json e;
    e["label"] = k.label();
    e["key"] = ToHex(k.key());
    e["scope"] = scope;
    e["refund_cap_per_day"] = money.Plain(k.refund_cap_per_day());
    e["refund_cap_per_day_minor"] = k.refund_cap_per_day();
    e["added_ms"] = k.added_ms();
    e["added"] = UtcIso(k.added_ms());
    e["revoked_ms"] = k.revoked_ms();
    e["revoked"] = k.revoked_ms() == 0 ? "" : UtcIso(k.revoked_ms());
    e["active"] = k.revoked_ms() == 0;
    keys.push_back(e);
    rows.push_back({SafeText(k.label()), _(scope.c_str()),
                    k.refund_cap_per_day() != 0 ? money.Units(k.refund_cap_per_day()) : "",
                    LocalDateTime(k.added_ms()),
                    k.revoked_ms() != 0 ? LocalDateTime(k.revoked_ms()) : "",
                    ToHex(k.key()).substr(0, 16)});
  }
  if (as_json) {
    json j;
    j["address"] = me.address();
    j["staff_keys"] = keys;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (me.staff_keys_size() == 0) {
    const std::string hint = "staff add --scope receive --label \"Caisse 1\" KEY";  // i18n: as is
    std::cout << Tr("{account} has no staff keys; add one with: {command}",
                    fmt::arg("account", session.NameOf(mine.account)),
                    fmt::arg("command", session.Command(hint)))
              << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {2});
  return CliStatus::Ok();
}

CliStatus TillSummaryCommand(Session& session, const std::string& day_text, bool as_json) {
  KeyFile mine;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &mine, &me);
  if (!s.ok()) return s;
  // The day in the currency's time zone (the session set it from the genesis): today unless
  // told.
  int64_t day = 0;
  const std::string typed = day_text.empty() ? DisplayDate(NowMs()) : day_text;
  if (!ParseDay(typed, &day))
    return CliStatus::Usage(Tr("--day '{day}' is not a date: write 2026-12-31 or 31/12/2026",
                               fmt::arg("day", SafeText(day_text))));
  TillSummary till;
  till.from_ms = StartOfDisplayDay(day);
  till.to_ms = StartOfDisplayDay(day + 1);
  // The history, newest first, down to the day's start.
  constexpr int kMaxPages = 200;  // of 500 entries
  uint64_t before = 0;
  bool done = false;
  for (int page_no = 0; page_no < kMaxPages && !done; ++page_no) {
    pb::GetHistoryResponse page;
    s = session.node().GetHistory(mine.account, before, 500, &page);
    if (!s.ok()) return s;
    for (const pb::Receipt& r : page.entries()) {
      if (r.time_ms() < till.from_ms) done = true;
      s = AddToTill(r, mine.account, &till);
      if (!s.ok()) return s;
    }
    if (page.next_before() == 0) done = true;
    before = page.next_before();
  }
  if (!done)
    return CliStatus::Local(
        _("the history since that day is too long to add up here; use 'liard history --json'"));
  // The keys' labels, from the account's record.
  auto label_of = [&](const std::string& key) -> std::string {
    if (key.empty()) return _("(payments without a request)");
    if (key == me.key()) return _("(the account's own key)");
    for (const pb::StaffKeyInfo& k : me.staff_keys())
      if (k.key() == key) return SafeText(k.label());
    return ToHex(key).substr(0, 16);
  };
  auto scope_of = [&](const std::string& key) -> std::string {
    for (const pb::StaffKeyInfo& k : me.staff_keys())
      if (k.key() == key) return ScopeWord(k.scope());
    return "";
  };
  const Money& money = session.money();
  if (as_json) {
    json j;
    j["address"] = me.address();
    j["day"] = UtcDate(day * 86'400'000);  // day numbers are calendar dates
    j["time_zone"] = DisplayZoneName();
    j["from_ms"] = till.from_ms;
    j["to_ms"] = till.to_ms;
    j["currency"] = money.code();
    j["payments"] = till.payments;
    j["received"] = money.Plain(till.received);
    j["received_minor"] = till.received;
    j["refunds"] = till.refunds;
    j["refunded"] = money.Plain(till.refunded);
    j["refunded_minor"] = till.refunded;
    j["net"] = money.Plain(till.net());
    j["net_minor"] = till.net();
    json lines = json::array();
    for (const TillLine& l : till.by_key) {
      json e;
      e["key"] = l.key.empty() ? "" : ToHex(l.key);
      e["own_key"] = l.key == me.key();
      e["label"] = l.key.empty() || l.key == me.key() ? "" : label_of(l.key);
      e["scope"] = scope_of(l.key);
      e["payments"] = l.payments;
      e["received_minor"] = l.received;
      e["refunds"] = l.refunds;
      e["refunded_minor"] = l.refunded;
      lines.push_back(e);
    }
    j["by_key"] = lines;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  const std::string date = DisplayDate(till.from_ms);
  std::cout << Tr("Till of {account} on {date}", fmt::arg("account", session.NameOf(mine.account)),
                  fmt::arg("date", date))
            << "\n";
  std::vector<std::vector<std::string>> totals = {
      {_("payments received"), std::to_string(till.payments), money.Units(till.received)},
      {_("refunds"), std::to_string(till.refunds), money.Units(till.refunded)},
      {_("net"), "", money.SignedUnits(till.net())}};
  std::cout << RenderTable(totals, {1, 2});
  if (till.by_key.empty()) return CliStatus::Ok();
  std::vector<std::vector<std::string>> rows = {
      {_("KEY"), _("PAYMENTS"), _("RECEIVED"), _("REFUNDS"), _("REFUNDED")}};
  for (const TillLine& l : till.by_key)
    rows.push_back({label_of(l.key), std::to_string(l.payments), money.Units(l.received),
                    std::to_string(l.refunds), money.Units(l.refunded)});
  std::cout << "\n" << RenderTable(rows, {1, 2, 3, 4});
  return CliStatus::Ok();
}

}  // namespace

void RegisterStaffCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<StaffArgs>();
  CLI::App* staff = app.add_subcommand(
      "staff", _("add, revoke and list the staff keys that sign for a shop (tills, cashiers)"));
  staff->require_subcommand(1);

  CLI::App* add = staff->add_subcommand(
      "add", _("let a key sign for this account within a scope (the account's own key only)"));
  add->add_option("--scope", a->scope,
                  _("receive (payment requests), refund (and refunds up to a cap a day) or full "
                    "(everything but keys)"))
      ->required();
  add->add_option("--refund-cap", a->cap, _("scope refund: the most the key refunds in a day"));
  add->add_option("--label", a->label, _("a name for the key, shown in lists: \"Caisse 1\""))
      ->required();
  add->add_option("KEY", a->key,
                  _("the staff key: its address, its public key (64 hex) or a key of this "
                    "wallet"))
      ->required();
  add->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
  add->footer(
      _("Examples:\n  liard staff add --scope receive --label \"Caisse 1\" roue1q...\n"
        "  liard staff add --scope refund --refund-cap 50,00 --label Marie roue1q..."));
  ctx.On(add, [a](Session& s) { return StaffAdd(s, *a); });

  CLI::App* revoke = staff->add_subcommand(
      "revoke", _("revoke a staff key at once: it signs and reads nothing more"));
  revoke->add_option("KEY", a->key, _("the key's label, address or public key (64 hex)"))
      ->required();
  revoke->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
  revoke->footer(_("Example:\n  liard staff revoke \"Caisse 1\""));
  ctx.On(revoke, [a](Session& s) { return StaffRevoke(s, *a); });

  CLI::App* list =
      staff->add_subcommand("list", _("list the account's staff keys, revoked ones too"));
  list->add_flag("--json", a->json, _("print JSON"));
  list->footer(_("Example:\n  liard staff list"));
  ctx.On(list, [a](Session& s) { return StaffList(s, a->json); });

  CLI::App* till = app.add_subcommand("till", _("the till: a day's payments and refunds"));
  till->require_subcommand(1);
  CLI::App* summary = till->add_subcommand(
      "summary",
      _("payments received, refunds and net of a day (the currency's time zone), by key"));
  summary->add_option("--day", a->day, _("the day, 2026-12-31 or 31/12/2026 (default: today)"));
  summary->add_flag("--json", a->json, _("print JSON"));
  summary->footer(_("Examples:\n  liard till summary\n  liard till summary --day 24/12/2026"));
  ctx.On(summary, [a](Session& s) { return TillSummaryCommand(s, a->day, a->json); });
}

}  // namespace liard::wallet
