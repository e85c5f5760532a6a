// Mandates (prélèvements): `liard mandate ask` (the creditor asks), `sign` (the debtor signs),
// `collect` (the creditor collects, one debtor or a CSV of many), `revoke` (the debtor), `list`.
// The ledger's side is ledger/ops/mandate.cc; docs/protocol.md, section Mandates.
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/ops/ops.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/payment_uri.h"
#include "wallet-cli/refusal.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

// The commands a hint prints.
const std::string kSignCommand = "mandate sign ";      // i18n: as is
const std::string kRevokeCommand = "mandate revoke ";  // i18n: as is
// How a mandate travels as text: an ask (the body the creditor proposes) and a signed mandate.
constexpr std::string_view kAskPrefix = "liard-mandate-ask:";
constexpr std::string_view kSignedPrefix = "liard-mandate:";
// A mandate is a few hundred bytes; a file or argument longer than this is not one.
constexpr size_t kMaxTokenChars = 4096;
constexpr uintmax_t kMaxTokenFileBytes = 16 * 1024;
// The mandates this wallet signed or collected under, newest last; beyond, the oldest are
// forgotten (the ledger keeps what matters: a collection carries its mandate).
constexpr size_t kMaxKeptMandates = 500;
// The lines of a CSV of collections: one operation each.
constexpr size_t kMaxCollectLines = 1'000;

std::string MandatesPath() {
  return (std::filesystem::path(KeyDir()).parent_path() / "mandates.json").string();
}

json LoadMandates() {
  std::ifstream in(MandatesPath());
  if (!in) return json::array();
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  return j.is_array() ? j : json::array();
}

CliStatus SaveMandate(const std::string& id, const std::string& token) {
  json all = LoadMandates();
  for (const json& e : all)
    if (e.value("id", "") == id) return CliStatus::Ok();
  json entry;
  entry["id"] = id;
  entry["m"] = token;
  entry["saved_ms"] = NowMs();
  all.push_back(entry);
  while (all.size() > kMaxKeptMandates) all.erase(all.begin());
  CliStatus s = MakeDirs(std::filesystem::path(MandatesPath()).parent_path().string(), 0700);
  if (!s.ok()) return s;
  return WriteFileAtomically(MandatesPath(), all.dump(2) + "\n");
}

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// The argument itself when it starts with `prefix`, else the text of the file it names.
CliStatus TokenText(const std::string& arg, std::string_view prefix, std::string* out) {
  if (arg.rfind(prefix, 0) == 0) {
    *out = Trim(arg);
    return CliStatus::Ok();
  }
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(arg, ec);
  if (ec) {
    *out = "";
    return CliStatus::Ok();
  }
  if (size > kMaxTokenFileBytes)
    return CliStatus::Usage(Tr("{file} is too large to hold a mandate", fmt::arg("file", arg)));
  std::ifstream in(arg, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  *out = Trim(ss.str());
  return CliStatus::Ok();
}

std::string SignedToken(const SignedMandate& sm) {
  return std::string(kSignedPrefix) + Base64Url(codec::EncodeSignedMandate(sm));
}

bool DecodeSignedToken(std::string_view text, SignedMandate* out) {
  if (text.rfind(kSignedPrefix, 0) != 0) return false;
  std::string bytes;
  if (!FromBase64Url(text.substr(kSignedPrefix.size()), kMaxTokenChars, &bytes)) return false;
  return codec::DecodeSignedMandate(bytes, out).ok();
}

Hash IdOf(const SignedMandate& sm) { return MandateId(sm.mandate.ledger_id, sm.body); }

// A signed mandate named by its text (liard-mandate:...), a file holding it, or the first
// characters (at least 8) of the id of one this wallet keeps.
CliStatus FindMandate(Session& session, const std::string& arg, SignedMandate* out) {
  std::string text;
  CliStatus s = TokenText(arg, kSignedPrefix, &text);
  if (!s.ok()) return s;
  if (!text.empty()) {
    if (!DecodeSignedToken(text, out))
      return CliStatus::Usage(
          _("this is not a signed mandate (liard-mandate:...), or it was damaged on the way"));
  } else {
    std::string lower = arg;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    bool found = false;
    if (lower.size() >= 8)
      for (const json& e : LoadMandates())
        if (e.value("id", "").rfind(lower, 0) == 0 && DecodeSignedToken(e.value("m", ""), out)) {
          found = true;
          break;
        }
    if (!found)
      return CliStatus::Usage(
          Tr("no mandate {id} among those this wallet keeps; give the signed mandate "
             "(liard-mandate:...) or the file that holds it",
             fmt::arg("id", SafeText(arg))));
  }
  if (out->mandate.ledger_id != session.ledger_id())
    return CliStatus::Usage(
        _("this mandate is for another ledger (another currency or a test one)"));
  Status check = ops::PreflightMandate(session.ledger_id(), *out);
  if (!check.ok())
    return CliStatus::Usage(
        Tr("this mandate cannot be used: {why}", fmt::arg("why", SafeText(check.message()))));
  return CliStatus::Ok();
}

std::string PeriodWord(MandatePeriod p) {
  switch (p) {
    case MandatePeriod::kWeek:
      return _("week");
    case MandatePeriod::kMonth:
      return _("month");
    case MandatePeriod::kYear:
      return _("year");
  }
  return "?";  // i18n: as is
}

// "this month", as what is left of a period is said.
std::string ThisPeriod(MandatePeriod p) {
  switch (p) {
    case MandatePeriod::kWeek:
      return _("this week");
    case MandatePeriod::kMonth:
      return _("this month");
    case MandatePeriod::kYear:
      return _("this year");
  }
  return "?";  // i18n: as is
}

bool ParsePeriod(std::string_view text, MandatePeriod* out) {
  if (text == "week" || text == "semaine")
    *out = MandatePeriod::kWeek;
  else if (text == "month" || text == "mois")
    *out = MandatePeriod::kMonth;
  else if (text == "year" || text == "an" || text == "annee" || text == "année")
    *out = MandatePeriod::kYear;
  else
    return false;
  return true;
}

// "up to 40,00 ROUE per month" and the expiry, as the debtor and creditor see a mandate.
std::string Terms(const Session& session, const Mandate& m) {
  const std::string ceiling = session.money().Units(m.ceiling.minor());
  if (m.expires_ms == 0)
    return Tr("up to {ceiling} per {period}, until revoked", fmt::arg("ceiling", ceiling),
              fmt::arg("period", PeriodWord(m.period)));
  return Tr("up to {ceiling} per {period}, until {date}", fmt::arg("ceiling", ceiling),
            fmt::arg("period", PeriodWord(m.period)),
            fmt::arg("date", DisplayDate(m.expires_ms - 1)));
}

CliStatus GetMandateInfo(Session& session, const SignedMandate& sm, pb::MandateInfo* out) {
  pb::GetMandateRequest req;
  auto* w = req.mutable_mandate();
  w->set_body(sm.body);
  w->set_public_key(std::string(sm.key.view()));
  w->set_signature(std::string(sm.signature.view()));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return session.node().MapError(session.node().stub().GetMandate(&ctx, req, out), ctx,
                                 "GetMandate");
}

CliStatus WriteOut(const std::string& path, const std::string& token) {
  if (path.empty()) return CliStatus::Ok();
  return WriteFileAtomically(path, token + "\n");
}

// ---- ask

struct AskArgs {
  std::string debtor, ceiling, period = "month", memo, until, out;
  bool json = false;
};

CliStatus Ask(Session& session, const AskArgs& a) {
  if (std::string why = MemoProblem(a.memo); !why.empty()) return CliStatus::Usage(why);
  MandatePeriod period;
  if (!ParsePeriod(a.period, &period))
    return CliStatus::Usage(
        Tr("--period '{text}': give week, month or year", fmt::arg("text", SafeText(a.period))));
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  Mandate m;
  s = session.ParseAddress(a.debtor, &m.debtor);
  if (!s.ok()) return s;
  if (m.debtor == key.account)
    return CliStatus::Usage(_("a mandate is asked of another account than your own"));
  s = session.ParseUnits(a.ceiling, "--ceiling", &m.ceiling);
  if (!s.ok()) return s;
  if (!a.until.empty() && !ParseDateEnd(a.until, &m.expires_ms))
    return CliStatus::Usage(
        Tr("--until '{text}': give a date (31/12/2027)", fmt::arg("text", SafeText(a.until))));
  const int64_t now = NowMs();
  if (m.expires_ms != 0 && m.expires_ms <= now)
    return CliStatus::Usage(_("--until must be in the future"));
  pb::AccountCard me;
  bool found = false;
  s = session.CardOf(key.account, &me, &found);
  if (!s.ok()) return s;
  if (found && me.kind() != pb::ACCOUNT_KIND_MERCHANT &&
      me.kind() != pb::ACCOUNT_KIND_MUNICIPALITY && me.kind() != pb::ACCOUNT_KIND_ASSOCIATION)
    return CliStatus::Usage(
        _("only a merchant, a municipality or the association collects under a mandate"));
  pb::AccountCard debtor;
  s = session.CardOf(m.debtor, &debtor, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(Tr("the ledger has no account {address}",
                                 fmt::arg("address", session.AddressOf(m.debtor))));
  m.ledger_id = session.ledger_id();
  m.creditor = key.account;
  m.period = period;
  m.memo = a.memo;
  m.created_ms = now;
  m.nonce = std::string(kMinMandateNonceBytes, '\0');
  randombytes_buf(m.nonce.data(), m.nonce.size());
  const std::string token = std::string(kAskPrefix) + Base64Url(codec::EncodeMandateBody(m));
  s = WriteOut(a.out, token);
  if (!s.ok()) return s;
  if (a.json) {
    json j;
    j["ask"] = token;
    j["creditor"] = session.AddressOf(m.creditor);
    j["debtor"] = session.AddressOf(m.debtor);
    j["ceiling"] = session.money().Plain(m.ceiling.minor());
    j["ceiling_minor"] = m.ceiling.minor();
    j["period"] = MandatePeriodName(m.period);
    j["memo"] = m.memo;
    j["expires_ms"] = m.expires_ms;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << Tr("mandate asked of {debtor}: {terms}, for \"{memo}\"",
                  fmt::arg("debtor", session.NameOf(m.debtor)),
                  fmt::arg("terms", Terms(session, m)), fmt::arg("memo", SafeText(m.memo)))
            << "\n"
            << Tr("give this to the debtor, who signs it with: {command}",
                  fmt::arg("command", session.CommandWith(
                                          "", "", kSignCommand + (a.out.empty() ? "ASK" : a.out))))
            << "\n";
  if (a.out.empty()) std::cout << token << "\n";
  return CliStatus::Ok();
}

// ---- sign

struct SignArgs {
  std::string ask, out;
  bool yes = false, json = false;
};

CliStatus Sign(Session& session, const SignArgs& a) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  if (key.staff)
    return CliStatus::Usage(
        _("a mandate is signed with the account's own key, not with a staff key"));
  s = session.Connect();
  if (!s.ok()) return s;
  std::string text;
  s = TokenText(a.ask, kAskPrefix, &text);
  if (!s.ok()) return s;
  std::string body;
  Mandate m;
  if (text.rfind(kAskPrefix, 0) != 0 ||
      !FromBase64Url(std::string_view(text).substr(kAskPrefix.size()), kMaxTokenChars, &body) ||
      !codec::DecodeMandateBody(body, &m).ok())
    return CliStatus::Usage(
        _("this is not a mandate ask (liard-mandate-ask:...), or it was damaged on the way"));
  if (m.ledger_id != session.ledger_id())
    return CliStatus::Usage(
        _("this mandate is for another ledger (another currency or a test one)"));
  if (m.debtor != key.account)
    return CliStatus::Usage(Tr("this mandate is asked of {debtor}, not of your account",
                               fmt::arg("debtor", session.NameOf(m.debtor))));
  if (m.expires_ms != 0 && m.expires_ms <= NowMs())
    return CliStatus::Usage(
        _("this mandate ask has expired already; ask the creditor for a new one"));
  pb::AccountCard creditor;
  bool found = false;
  s = session.CardOf(m.creditor, &creditor, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(Tr("the ledger has no account {address}",
                                 fmt::arg("address", session.AddressOf(m.creditor))));
  const std::string who = PartyInFull(SafeText(creditor.name()), KindWord(creditor.kind()),
                                      session.AddressOf(m.creditor));
  const std::string question =
      Tr("Let {creditor} collect from your account {terms}, for \"{memo}\"?",
         fmt::arg("creditor", who), fmt::arg("terms", Terms(session, m)),
         fmt::arg("memo", SafeText(m.memo)));
  bool accepted = false;
  s = Confirm(question, a.yes, &accepted);
  if (!s.ok()) return s;
  if (!accepted) {
    std::cout << _("nothing was signed") << "\n";
    return CliStatus::Ok();
  }
  std::optional<KeyPair> kp;
  s = session.Unlock(key, &kp);
  if (!s.ok()) return s;
  SignedMandate sm;
  sm.mandate = m;
  sm.body = body;  // the creditor's bytes, exactly
  sm.key = kp->public_key();
  sm.signature = kp->Sign(MandateSigningMessage(m.ledger_id, body));
  Status check = ops::PreflightMandate(session.ledger_id(), sm);
  if (!check.ok())
    return CliStatus::Usage(
        Tr("this mandate ask cannot be signed: {why}", fmt::arg("why", SafeText(check.message()))));
  const std::string token = SignedToken(sm);
  const std::string id = ToHex(IdOf(sm));
  s = SaveMandate(id, token);
  if (!s.ok()) return s;
  s = WriteOut(a.out, token);
  if (!s.ok()) return s;
  if (a.json) {
    json j;
    j["id"] = id;
    j["mandate"] = token;
    j["creditor"] = session.AddressOf(m.creditor);
    j["ceiling_minor"] = m.ceiling.minor();
    j["period"] = MandatePeriodName(m.period);
    j["memo"] = m.memo;
    j["expires_ms"] = m.expires_ms;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << Tr("mandate {id} signed: give it to {creditor}", fmt::arg("id", id.substr(0, 16)),
                  fmt::arg("creditor", session.NameOf(m.creditor)))
            << "\n";
  if (a.out.empty()) std::cout << token << "\n";
  std::cout << Tr("you can revoke it at any time: {command}",
                  fmt::arg("command", session.Command(kRevokeCommand + id.substr(0, 16))))
            << "\n";
  return CliStatus::Ok();
}

// ---- collect

struct CollectArgs {
  std::string mandate, amount, memo, csv;
  bool yes = false, json = false;
};

struct OneCollection {
  SignedMandate sm;
  Amount amount;
  std::string memo;
  size_t line = 0;
};

// Checks what the wallet can before asking: the creditor is this account.
CliStatus CheckCreditor(Session& session, const SignedMandate& sm, const AccountId& me) {
  if (sm.mandate.creditor != me)
    return CliStatus::Usage(Tr("this mandate lets {creditor} collect, not your account",
                               fmt::arg("creditor", session.NameOf(sm.mandate.creditor))));
  return CliStatus::Ok();
}

// One collection signed and submitted (asked first unless `yes`). *line_status: its result.
CliStatus CollectOne(Session& session, const OneCollection& c, bool yes, json* result, bool quiet) {
  const Mandate& m = c.sm.mandate;
  Prepared p;
  CliStatus s = session.Prepare(Collect{c.sm, c.amount, c.memo}, &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  pb::MandateInfo info;
  s = GetMandateInfo(session, c.sm, &info);
  if (!s.ok()) return s;
  const std::string question =
      Tr("Collect {amount} from {debtor} under the mandate \"{memo}\" ({remaining} of {ceiling} "
         "left {this_period})?",
         fmt::arg("amount", session.money().Units(c.amount.minor())),
         fmt::arg("debtor", session.NameOf(m.debtor)), fmt::arg("memo", SafeText(m.memo)),
         fmt::arg("remaining", session.money().Units(info.remaining())),
         fmt::arg("ceiling", session.money().Units(m.ceiling.minor())),
         fmt::arg("this_period", ThisPeriod(m.period)));
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  const std::string id = ToHex(IdOf(c.sm));
  s = SaveMandate(id, SignedToken(c.sm));
  if (!s.ok()) return s;
  const int64_t left = info.remaining() - c.amount.minor();
  (*result)["mandate"] = id;
  (*result)["debtor"] = session.AddressOf(m.debtor);
  (*result)["amount_minor"] = c.amount.minor();
  (*result)["remaining_minor"] = left;
  (*result)["operation_id"] = ToHex(r.operation_id());
  (*result)["sequence"] = r.sequence();
  if (!quiet)
    session.PrintSubmitted(
        r, Tr("collected {amount} from {debtor}; {left} can still be collected {this_period}",
              fmt::arg("amount", session.money().Units(c.amount.minor())),
              fmt::arg("debtor", session.NameOf(m.debtor)),
              fmt::arg("left", session.money().Units(left)),
              fmt::arg("this_period", ThisPeriod(m.period))));
  return CliStatus::Ok();
}

// A CSV of collections: "mandate;amount[;memo]" per line (a header line is allowed), each a
// signed mandate, the file holding one, or the id of one the wallet keeps.
CliStatus ReadCollections(Session& session, const std::string& path, const AccountId& me,
                          std::vector<OneCollection>* out) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return CliStatus::Usage(Tr("cannot read {file}", fmt::arg("file", path)));
  if (size > kMaxCollectLines * kMaxTokenChars)
    return CliStatus::Usage(Tr("{file} is too large", fmt::arg("file", path)));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text, encoding;
  Decode(ss.str(), &text, &encoding);
  std::vector<CsvRecord> records;
  CliStatus s = ParseCsv(text, &records);
  if (!s.ok()) return s;
  for (const CsvRecord& rec : records) {
    if (rec.fields.empty()) continue;
    const std::string first = Fold(rec.fields[0]);
    if (out->empty() && (first == "mandate" || first == "mandat")) continue;  // the header
    if (rec.fields.size() < 2 || rec.fields.size() > 3)
      return CliStatus::Usage(
          Tr("{file}, line {line}: give a mandate, an amount and optionally "
             "a memo",
             fmt::arg("file", path), fmt::arg("line", rec.line)));
    if (out->size() == kMaxCollectLines)
      return CliStatus::Usage(Tr("{file} has more than {max} collections; split it",
                                 fmt::arg("file", path), fmt::arg("max", kMaxCollectLines)));
    OneCollection c;
    c.line = rec.line;
    const auto at_line = [&](CliStatus e) {
      return CliStatus::Usage(Tr("{file}, line {line}: {why}", fmt::arg("file", path),
                                 fmt::arg("line", rec.line), fmt::arg("why", e.message())));
    };
    s = FindMandate(session, Trim(rec.fields[0]), &c.sm);
    if (!s.ok()) return at_line(s);
    s = CheckCreditor(session, c.sm, me);
    if (!s.ok()) return at_line(s);
    s = session.ParseUnits(Trim(rec.fields[1]), _("the amount"), &c.amount);
    if (!s.ok()) return at_line(s);
    if (rec.fields.size() == 3) c.memo = Trim(rec.fields[2]);
    if (std::string why = MemoProblem(c.memo); !why.empty()) return at_line(CliStatus::Usage(why));
    out->push_back(std::move(c));
  }
  if (out->empty())
    return CliStatus::Usage(Tr("{file} holds no collection", fmt::arg("file", path)));
  return CliStatus::Ok();
}

CliStatus CollectCommand(Session& session, const CollectArgs& a) {
  if (a.csv.empty() == a.mandate.empty())
    return CliStatus::Usage(_("give a mandate and --amount, or --csv FILE for many"));
  if (a.csv.empty() && a.amount.empty())
    return CliStatus::Usage(_("say how much to collect with --amount"));
  if (std::string why = MemoProblem(a.memo); !why.empty()) return CliStatus::Usage(why);
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  std::vector<OneCollection> all;
  if (a.csv.empty()) {
    OneCollection c;
    s = FindMandate(session, a.mandate, &c.sm);
    if (!s.ok()) return s;
    s = CheckCreditor(session, c.sm, key.account);
    if (!s.ok()) return s;
    s = session.ParseUnits(a.amount, "--amount", &c.amount);
    if (!s.ok()) return s;
    c.memo = a.memo;
    json result;
    s = CollectOne(session, c, a.yes, &result, a.json);
    if (s.ok() && a.json && !result.empty()) std::cout << result.dump(2) << "\n";
    return s;
  }
  s = ReadCollections(session, a.csv, key.account, &all);
  if (!s.ok()) return s;
  int64_t total = 0;
  for (const auto& c : all) total += c.amount.minor();  // each within its ceiling: no overflow
  bool accepted = false;
  s = Confirm(TrP("Collect {total} in {n} collection, each under its own mandate?",
                  "Collect {total} in {n} collections, each under its own mandate?", all.size(),
                  fmt::arg("total", session.money().Units(total)), fmt::arg("n", all.size())),
              a.yes, &accepted);
  if (!s.ok()) return s;
  if (!accepted) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  // Each collection on its own: a debtor short of units does not stop the others.
  json results = json::array();
  size_t refused = 0;
  int64_t collected = 0;
  for (const auto& c : all) {
    json r;
    r["line"] = c.line;
    CliStatus one = CollectOne(session, c, /*yes=*/true, &r, /*quiet=*/true);
    if (one.ok()) {
      collected += c.amount.minor();
      if (!a.json)
        std::cout << Tr("line {line}: collected {amount} from {debtor}", fmt::arg("line", c.line),
                        fmt::arg("amount", session.money().Units(c.amount.minor())),
                        fmt::arg("debtor", session.NameOf(c.sm.mandate.debtor)))
                  << "\n";
    } else {
      ++refused;
      r["refused"] = one.message();
      r["code"] = one.code_name();
      if (!a.json)
        std::cout << Tr("line {line}: not collected from {debtor}: {why}", fmt::arg("line", c.line),
                        fmt::arg("debtor", session.NameOf(c.sm.mandate.debtor)),
                        fmt::arg("why", one.message()))
                  << "\n";
    }
    results.push_back(r);
  }
  if (a.json) {
    json j;
    j["collected_minor"] = collected;
    j["refused"] = refused;
    j["results"] = results;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << TrP("collected {amount} in {n} collection; {refused} refused",
                     "collected {amount} in {n} collections; {refused} refused",
                     all.size() - refused, fmt::arg("amount", session.money().Units(collected)),
                     fmt::arg("n", all.size() - refused), fmt::arg("refused", refused))
              << "\n";
  }
  if (refused > 0)
    return CliStatus::Refused(TrP("{n} collection was refused", "{n} collections were refused",
                                  refused, fmt::arg("n", refused)));
  return CliStatus::Ok();
}

// ---- revoke

struct RevokeArgs {
  std::string mandate;
  bool yes = false;
};

CliStatus RevokeCommand(Session& session, const RevokeArgs& a) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  SignedMandate sm;
  s = FindMandate(session, a.mandate, &sm);
  if (!s.ok()) return s;
  const Mandate& m = sm.mandate;
  if (m.debtor != key.account)
    return CliStatus::Usage(Tr("this mandate is signed by {debtor}: only its debtor revokes it",
                               fmt::arg("debtor", session.NameOf(m.debtor))));
  const Hash id = IdOf(sm);
  Prepared p;
  s = session.Prepare(RevokeMandate{id}, &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  const std::string question =
      Tr("Revoke the mandate that lets {creditor} collect {terms} from your account, for "
         "\"{memo}\"? Nothing more can be collected under it.",
         fmt::arg("creditor", session.NameOf(m.creditor)), fmt::arg("terms", Terms(session, m)),
         fmt::arg("memo", SafeText(m.memo)));
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, a.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(r, Tr("mandate {id} revoked: {creditor} can collect nothing more under it",
                               fmt::arg("id", ToHex(id).substr(0, 16)),
                               fmt::arg("creditor", session.NameOf(m.creditor))));
  return CliStatus::Ok();
}

// ---- list

CliStatus ListCommand(Session& session, bool as_json) {
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  json out = json::array();
  std::vector<std::vector<std::string>> rows = {
      {_("mandate"), _("role"), _("with"), _("ceiling"), _("collected"), _("state"), _("memo")}};
  for (const json& e : LoadMandates()) {
    SignedMandate sm;
    if (!DecodeSignedToken(e.value("m", ""), &sm) || sm.mandate.ledger_id != session.ledger_id())
      continue;
    const Mandate& m = sm.mandate;
    const bool creditor = m.creditor == key.account;
    if (!creditor && m.debtor != key.account) continue;
    pb::MandateInfo info;
    s = GetMandateInfo(session, sm, &info);
    if (!s.ok()) return s;
    const bool expired = m.expires_ms != 0 && info.time_ms() > m.expires_ms;
    const char* state = info.revoked() ? "revoked" : expired ? "expired" : "active";
    const std::string id = ToHex(IdOf(sm));
    const AccountId& other = creditor ? m.debtor : m.creditor;
    if (as_json) {
      json j;
      j["id"] = id;
      j["role"] = creditor ? "creditor" : "debtor";
      j["creditor"] = session.AddressOf(m.creditor);
      j["debtor"] = session.AddressOf(m.debtor);
      j["ceiling_minor"] = m.ceiling.minor();
      j["period"] = MandatePeriodName(m.period);
      j["collected_minor"] = info.collected();
      j["remaining_minor"] = info.remaining();
      j["state"] = state;
      j["memo"] = m.memo;
      j["expires_ms"] = m.expires_ms;
      j["mandate"] = e.value("m", "");
      out.push_back(j);
      continue;
    }
    rows.push_back(
        {id.substr(0, 16), creditor ? _("creditor") : _("debtor"), session.NameOf(other),
         Tr("{ceiling} per {period}", fmt::arg("ceiling", session.money().Units(m.ceiling.minor())),
            fmt::arg("period", PeriodWord(m.period))),
         session.money().Units(info.collected()),
         info.revoked() ? _("revoked")
         : expired      ? _("expired")
                        : _("active"),
         SafeText(m.memo)});
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (rows.size() == 1) {
    std::cout << _("this wallet keeps no mandate of this account") << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {3, 4});
  return CliStatus::Ok();
}

}  // namespace

void RegisterMandateCommands(CLI::App& app, Context& ctx) {
  CLI::App* md = app.add_subcommand(
      "mandate", _("mandates (direct debits): a creditor collects within a ceiling the debtor "
                   "signed"));
  md->require_subcommand(1);

  auto ask = std::make_shared<AskArgs>();
  CLI::App* a = md->add_subcommand(
      "ask", _("ask a debtor for a mandate (merchants, municipalities, the association)"));
  a->add_option("--debtor", ask->debtor, _("the debtor's address"))->required();
  a->add_option("--ceiling", ask->ceiling, _("the most collected per period, \"40,00\""))
      ->required();
  a->add_option("--period", ask->period, _("week, month (default) or year"));
  a->add_option("--memo", ask->memo, _("what it is for, shown to the debtor (up to 256 bytes)"));
  a->add_option("--until", ask->until,
                _("the last day it can be used (31/12/2027); default: "
                  "until revoked"));
  a->add_option("--out", ask->out, _("also write the ask to this file"));
  a->add_flag("--json", ask->json, _("print the ask as JSON"));
  ctx.On(a, [ask](Session& s) { return Ask(s, *ask); });

  auto sign = std::make_shared<SignArgs>();
  CLI::App* sg = md->add_subcommand("sign", _("sign a mandate a creditor asked of your account"));
  sg->add_option("ASK", sign->ask, _("the ask (liard-mandate-ask:...) or the file holding it"))
      ->required();
  sg->add_option("--out", sign->out, _("also write the signed mandate to this file"));
  sg->add_flag("--yes,-y", sign->yes, _("do not ask for confirmation"));
  sg->add_flag("--json", sign->json, _("print the signed mandate as JSON"));
  ctx.On(sg, [sign](Session& s) { return Sign(s, *sign); });

  auto col = std::make_shared<CollectArgs>();
  CLI::App* c = md->add_subcommand("collect", _("collect under a mandate, or a CSV of many"));
  c->add_option("MANDATE", col->mandate,
                _("the signed mandate (liard-mandate:...), its file, or the start of its id"));
  c->add_option("--amount", col->amount, _("how much to collect, \"12,50\""));
  c->add_option("--memo", col->memo, _("a note the debtor sees (up to 256 bytes)"));
  c->add_option("--csv", col->csv,
                _("a CSV file of collections: mandate;amount;memo (at most 1000 lines)"));
  c->add_flag("--yes,-y", col->yes, _("do not ask for confirmation"));
  c->add_flag("--json", col->json, _("print the results as JSON"));
  ctx.On(c, [col](Session& s) { return CollectCommand(s, *col); });

  auto rev = std::make_shared<RevokeArgs>();
  CLI::App* r = md->add_subcommand("revoke", _("revoke a mandate you signed: at once, for good"));
  r->add_option("MANDATE", rev->mandate,
                _("the signed mandate (liard-mandate:...), its file, or the start of its id"))
      ->required();
  r->add_flag("--yes,-y", rev->yes, _("do not ask for confirmation"));
  ctx.On(r, [rev](Session& s) { return RevokeCommand(s, *rev); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* l = md->add_subcommand(
      "list", _("the mandates this wallet signed or collected under, with this period's total"));
  l->add_flag("--json", *list_json, _("print them as JSON"));
  ctx.On(l, [list_json](Session& s) { return ListCommand(s, *list_json); });
}

}  // namespace liard::wallet
