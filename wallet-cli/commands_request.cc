// Payment requests (a shop's till): `request new` signs a request the ledger pays at most once
// and shows it as a liard: URI and a QR code; `request show`, `cancel` and `list`; and the old
// `request AMOUNT`, a plain request without id nor expiry.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/crypto.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/payment_uri.h"
#include "wallet-cli/qr.h"
#include "wallet-cli/requests.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

// The requests this wallet made, newest last, at most this many (the oldest are forgotten).
constexpr size_t kMaxKeptRequests = 200;

std::string RequestsPath() {
  return (std::filesystem::path(KeyDir()).parent_path() / "requests.json").string();
}

json LoadRequests() {
  std::ifstream in(RequestsPath());
  if (!in) return json::array();
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  return j.is_array() ? j : json::array();
}

CliStatus SaveRequest(const json& entry) {
  json all = LoadRequests();
  all.push_back(entry);
  while (all.size() > kMaxKeptRequests) all.erase(all.begin());
  CliStatus s = MakeDirs(std::filesystem::path(RequestsPath()).parent_path().string(), 0700);
  if (!s.ok()) return s;
  return WriteFileAtomically(RequestsPath(), all.dump(2) + "\n");
}

// The QR code of `uri` on standard output: black on white in a terminal unless NO_COLOR.
CliStatus PrintQr(const std::string& uri, bool invert) {
  QrStyle style;
  style.ansi_colours = StdoutIsTerminal() && std::getenv("NO_COLOR") == nullptr;
  style.invert = invert;
  std::string qr;
  CliStatus s = RenderQr(uri, style, &qr);
  if (s.ok()) std::cout << qr;
  return s;
}

CliStatus StateOf(Session& session, const Hash& id, const AccountId& payee, pb::RequestInfo* out) {
  pb::GetRequestRequest req;
  req.set_request_id(std::string(id.view()));
  req.set_payee(std::string(payee.view()));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  return session.node().MapError(session.node().stub().GetRequest(&ctx, req, out), ctx,
                                 "GetRequest");
}

std::string StateWord(const pb::RequestInfo& info, int64_t expires_ms) {
  switch (info.state()) {
    case pb::RequestInfo::STATE_PAID:
      return _("paid");
    case pb::RequestInfo::STATE_CANCELLED:
      return _("cancelled");
    default:
      return expires_ms != 0 && NowMs() > expires_ms ? _("expired") : _("open");
  }
}
const char* StateKey(const pb::RequestInfo& info, int64_t expires_ms) {
  switch (info.state()) {
    case pb::RequestInfo::STATE_PAID:
      return "paid";
    case pb::RequestInfo::STATE_CANCELLED:
      return "cancelled";
    default:
      return expires_ms != 0 && NowMs() > expires_ms ? "expired" : "open";
  }
}

// A request named by its URI or by its id (64 hex characters) among those this wallet made.
CliStatus FindRequest(Session& session, const std::string& target, liard::SignedRequest* out) {
  if (LooksLikePaymentUri(target)) {
    PaymentRequest req;
    CliStatus s = ParsePaymentUri(target, session.money().decimals(), &req);
    if (!s.ok()) return s;
    if (!req.signed_request)
      return CliStatus::Usage(
          _("this payment request has no id: it was made without 'request new' and the ledger "
            "keeps no state for it"));
    AccountId payee;
    s = session.ParseAddress(req.address, &payee);
    if (!s.ok()) return s;
    s = CheckSignedRequest(*req.signed_request, session.ledger_id(), payee);
    if (!s.ok()) return s;
    *out = std::move(*req.signed_request);
    return CliStatus::Ok();
  }
  std::string lower = target;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  for (const json& e : LoadRequests()) {
    const std::string id = e.value("id", "");
    if (id.empty() || lower.size() < 8 || id.rfind(lower, 0) != 0) continue;
    if (DecodeSignedRequest(e.value("r", ""), out)) return CliStatus::Ok();
  }
  return CliStatus::Usage(
      Tr("no payment request {id} among those this wallet made; give its "
         "liard: URI instead",
         fmt::arg("id", SafeText(target))));
}

struct NewArgs {
  std::string amount, memo, expires;
  bool open = false, json = false, no_qr = false, invert = false;
};

CliStatus RequestNew(Session& session, const NewArgs& args) {
  if (std::string why = MemoProblem(args.memo); !why.empty()) return CliStatus::Usage(why);
  if (args.open == !args.amount.empty())
    return CliStatus::Usage(
        _("say how much with --amount, or --open to let the payer type the amount"));
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  liard::PaymentRequest r;
  if (!args.open) {
    s = session.ParseUnits(args.amount, _("the amount"), &r.amount);
    if (!s.ok()) return s;
  }
  const int64_t now = NowMs();
  if (!args.expires.empty() && !ParseExpiry(args.expires, now, &r.expires_ms))
    return CliStatus::Usage(
        Tr("--expires '{text}': give a duration (15m, 2h, 7d) or a date "
           "(31/12/2026)",
           fmt::arg("text", SafeText(args.expires))));
  if (r.expires_ms != 0 && r.expires_ms <= now)
    return CliStatus::Usage(_("--expires must be in the future"));
  r.ledger_id = session.ledger_id();
  r.payee = key.account;
  r.memo = args.memo;
  r.created_ms = now;
  r.nonce = std::string(kMinRequestNonceBytes, '\0');
  randombytes_buf(r.nonce.data(), r.nonce.size());
  std::optional<KeyPair> kp;
  s = session.Unlock(key, &kp);
  if (!s.ok()) return s;
  PaymentRequest uri_parts;
  uri_parts.signed_request = codec::SignRequest(r, *kp);
  uri_parts.address = session.AddressOf(key.account);
  uri_parts.has_amount = !args.open;
  uri_parts.amount = r.amount;
  uri_parts.memo = r.memo;
  uri_parts.ledger_prefix = ToHex(session.ledger_id()).substr(0, kLedgerPrefixHexChars);
  const std::string uri = BuildPaymentUri(uri_parts, session.money().decimals());
  const std::string id = ToHex(RequestId(r.ledger_id, uri_parts.signed_request->body));
  json saved;
  saved["id"] = id;
  saved["created_ms"] = now;
  saved["payee"] = uri_parts.address;
  saved["amount_minor"] = r.amount.minor();
  saved["memo"] = r.memo;
  saved["expires_ms"] = r.expires_ms;
  saved["r"] = EncodeSignedRequest(*uri_parts.signed_request);
  s = SaveRequest(saved);
  if (!s.ok()) return s;
  if (args.json) {
    json j;
    j["id"] = id;
    j["uri"] = uri;
    j["address"] = uri_parts.address;
    j["amount"] = args.open ? "" : session.money().Plain(r.amount.minor());
    j["amount_minor"] = r.amount.minor();
    j["open"] = args.open;
    j["currency"] = session.money().code();
    j["memo"] = r.memo;
    j["expires_ms"] = r.expires_ms;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (!args.no_qr) {
    s = PrintQr(uri, args.invert);
    if (!s.ok()) return s;
  }
  const std::string name = session.PlainNameOf(key.account);
  const std::string payee = Party(name, uri_parts.address);
  const std::string asked = session.money().Units(r.amount.minor());
  if (args.open)
    std::cout << (r.memo.empty()
                      ? Tr("Pay the amount of your choice to {payee}", fmt::arg("payee", payee))
                      : Tr("Pay the amount of your choice to {payee} « {memo} »",
                           fmt::arg("payee", payee), fmt::arg("memo", SafeText(r.memo))))
              << "\n";
  else
    std::cout << (r.memo.empty()
                      ? Tr("Pay {amount} to {payee}", fmt::arg("amount", asked),
                           fmt::arg("payee", payee))
                      : Tr("Pay {amount} to {payee} « {memo} »", fmt::arg("amount", asked),
                           fmt::arg("payee", payee), fmt::arg("memo", SafeText(r.memo))))
              << "\n";
  std::cout << Tr("request {id}, paid once only", fmt::arg("id", id)) << "\n";
  if (r.expires_ms != 0)
    std::cout << Tr("expires {time}", fmt::arg("time", LocalDateTime(r.expires_ms))) << "\n";
  std::cout << uri << "\n";
  return CliStatus::Ok();
}

CliStatus RequestShow(Session& session, const std::string& target, bool as_json) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  liard::SignedRequest sr;
  s = FindRequest(session, target, &sr);
  if (!s.ok()) return s;
  const liard::PaymentRequest& r = sr.request;
  const Hash id = RequestId(r.ledger_id, sr.body);
  pb::RequestInfo info;
  s = StateOf(session, id, r.payee, &info);
  if (!s.ok()) return s;
  const std::string name = session.PlainNameOf(r.payee);
  const std::string address = session.AddressOf(r.payee);
  if (as_json) {
    json j;
    j["id"] = ToHex(id);
    j["payee"] = address;
    j["payee_name"] = name;
    j["amount"] = r.amount.zero() ? "" : session.money().Plain(r.amount.minor());
    j["amount_minor"] = r.amount.minor();
    j["open"] = r.amount.zero();
    j["currency"] = session.money().code();
    j["memo"] = r.memo;
    j["created_ms"] = r.created_ms;
    j["expires_ms"] = r.expires_ms;
    j["state"] = StateKey(info, r.expires_ms);
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({_("request"), ToHex(id)});
  rows.push_back({_("payee"), Party(name, address)});
  rows.push_back({_("amount"), r.amount.zero() ? _("open: the payer chooses")
                                               : session.money().Units(r.amount.minor())});
  if (!r.memo.empty()) rows.push_back({_("memo"), SafeText(r.memo)});
  if (r.created_ms != 0) rows.push_back({_("made"), LocalDateTime(r.created_ms)});
  rows.push_back({_("expires"), r.expires_ms == 0 ? _("never") : LocalDateTime(r.expires_ms)});
  rows.push_back({_("state"), StateWord(info, r.expires_ms)});
  std::cout << RenderTable(rows, {});
  return CliStatus::Ok();
}

CliStatus RequestCancel(Session& session, const std::string& target, bool yes) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  liard::SignedRequest sr;
  s = FindRequest(session, target, &sr);
  if (!s.ok()) return s;
  const Hash id = RequestId(sr.request.ledger_id, sr.body);
  Prepared p;
  s = session.Prepare(CancelRequest{id}, &p);
  if (!s.ok()) return s;
  if (p.op.account != sr.request.payee)
    return CliStatus::Usage(
        _("only the payee of a payment request can cancel it; select its key "
          "with --key"));
  const std::string short_id = ToHex(id).substr(0, 16);
  pb::SubmitResponse resp;
  bool declined = false;
  s = session.ConfirmAndSubmit(
      p, Tr("Cancel payment request {id}? It can no longer be paid.", fmt::arg("id", short_id)),
      yes, &resp, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("not cancelled") << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(resp, Tr("payment request {id} cancelled", fmt::arg("id", short_id)));
  return CliStatus::Ok();
}

CliStatus RequestList(Session& session, bool as_json) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  const json all = LoadRequests();
  json out = json::array();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({_("DATE"), _("AMOUNT"), _("MEMO"), _("EXPIRES"), _("STATE"), _("REQUEST")});
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    liard::SignedRequest sr;
    if (!DecodeSignedRequest(it->value("r", ""), &sr)) continue;
    if (sr.request.ledger_id != session.ledger_id()) continue;  // another currency's
    const Hash id = RequestId(sr.request.ledger_id, sr.body);
    pb::RequestInfo info;
    s = StateOf(session, id, sr.request.payee, &info);
    if (!s.ok()) return s;
    const liard::PaymentRequest& r = sr.request;
    if (as_json) {
      json j;
      j["id"] = ToHex(id);
      j["created_ms"] = r.created_ms;
      j["amount_minor"] = r.amount.minor();
      j["memo"] = r.memo;
      j["expires_ms"] = r.expires_ms;
      j["state"] = StateKey(info, r.expires_ms);
      out.push_back(j);
      continue;
    }
    rows.push_back({LocalDateTime(r.created_ms),
                    r.amount.zero() ? _("open") : session.money().Units(r.amount.minor()),
                    SafeText(r.memo), r.expires_ms == 0 ? "" : LocalDateTime(r.expires_ms),
                    StateWord(info, r.expires_ms), ToHex(id).substr(0, 16)});
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (rows.size() == 1) {
    std::cout << _("this wallet made no payment request for this currency") << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {1});
  return CliStatus::Ok();
}

// The first form, kept: a plain request, without id nor expiry (a payment of it is an ordinary
// payment, and nothing stops paying it twice).
struct PlainArgs {
  std::string amount, memo;
  bool json = false, no_qr = false, invert = false;
};

CliStatus RequestPlain(Session& session, const PlainArgs& args) {
  if (args.amount.empty())
    return CliStatus::Usage(
        _("say what to do: liard request new --amount 12,50 (see 'liard request --help')"));
  if (std::string why = MemoProblem(args.memo); !why.empty()) return CliStatus::Usage(why);
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  PaymentRequest req;
  s = session.ParseUnits(args.amount, _("the amount"), &req.amount);
  if (!s.ok()) return s;
  req.has_amount = true;
  req.address = session.AddressOf(key.account);
  req.memo = args.memo;
  req.ledger_prefix = ToHex(session.ledger_id()).substr(0, kLedgerPrefixHexChars);
  std::string uri = BuildPaymentUri(req, session.money().decimals());
  std::string name = session.PlainNameOf(key.account);
  if (args.json) {
    json j;
    j["uri"] = uri;
    j["address"] = req.address;
    j["name"] = name;
    j["amount"] = session.money().Plain(req.amount.minor());
    j["amount_minor"] = req.amount.minor();
    j["currency"] = session.money().code();
    j["memo"] = req.memo;
    j["ledger"] = req.ledger_prefix;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (!args.no_qr) {
    s = PrintQr(uri, args.invert);
    if (!s.ok()) return s;
  }
  const std::string asked = session.money().Units(req.amount.minor());
  std::cout << (req.memo.empty()
                    ? Tr("Pay {amount} to {payee}", fmt::arg("amount", asked),
                         fmt::arg("payee", Party(name, req.address)))
                    : Tr("Pay {amount} to {payee} « {memo} »", fmt::arg("amount", asked),
                         fmt::arg("payee", Party(name, req.address)),
                         fmt::arg("memo", SafeText(req.memo))))
            << "\n"
            << uri << "\n";
  return CliStatus::Ok();
}

}  // namespace

CliStatus CheckRequestOpen(Session& session, const liard::SignedRequest& sr) {
  pb::RequestInfo info;
  CliStatus s = StateOf(session, RequestId(sr.request.ledger_id, sr.body), sr.request.payee, &info);
  if (!s.ok()) return s;
  if (info.state() == pb::RequestInfo::STATE_PAID)
    return CliStatus::Refused(
        _("this payment request was paid already; nothing was paid again. Ask the payee for a "
          "new one if you still owe it"));
  if (info.state() == pb::RequestInfo::STATE_CANCELLED)
    return CliStatus::Refused(
        _("the payee cancelled this payment request; nothing was paid. Ask the payee for a new "
          "one"));
  if (sr.request.expires_ms != 0 && NowMs() > sr.request.expires_ms)
    return CliStatus::Refused(
        Tr("this payment request expired on {time}; nothing was paid. Ask "
           "the payee for a new one",
           fmt::arg("time", LocalDateTime(sr.request.expires_ms))));
  return CliStatus::Ok();
}

void RegisterRequestCommands(CLI::App& app, Context& ctx) {
  auto plain = std::make_shared<PlainArgs>();
  CLI::App* req = app.add_subcommand(
      "request", _("make a payment request: a liard: URI and a QR code (merchants)"));
  req->add_option("AMOUNT", plain->amount,
                  _("the first form: a plain request for this amount, without id nor expiry"));
  req->add_option("--memo", plain->memo, _("what it is for, shown to the payer"));
  req->add_flag("--json", plain->json, _("print JSON (the URI and its parts), no QR code"));
  req->add_flag("--no-qr", plain->no_qr, _("print only the text"));
  req->add_flag("--invert", plain->invert,
                _("swap light and dark (for a dark terminal when colours are off)"));
  req->footer(
      _("Examples:\n  liard --key shop request new --amount 12,50 --memo \"pain\" --expires 15m\n"
        "  liard --key shop request list\n"
        "  liard --key shop request 12,50 --memo \"pain et café\"   (plain, no id)"));
  ctx.On(req, [plain](Session& s) { return RequestPlain(s, *plain); });

  auto n = std::make_shared<NewArgs>();
  CLI::App* nw = req->add_subcommand(
      "new", _("sign a payment request the ledger pays once only, and show it (URI and QR code)"));
  nw->add_option("--amount", n->amount, _("how much to ask for, \"12,50\" or 12.50"));
  nw->add_flag("--open", n->open, _("let the payer type the amount"));
  nw->add_option("--memo", n->memo, _("what it is for, shown to the payer"));
  nw->add_option("--expires", n->expires,
                 _("when it can no longer be paid: 15m, 2h, 7d or a date (default: never)"));
  nw->add_flag("--json", n->json, _("print JSON (the id and the URI), no QR code"));
  nw->add_flag("--no-qr", n->no_qr, _("print only the text"));
  nw->add_flag("--invert", n->invert,
               _("swap light and dark (for a dark terminal when colours are off)"));
  ctx.On(nw, [n](Session& s) { return RequestNew(s, *n); });

  struct TargetArgs {
    std::string target;
    bool json = false, yes = false;
  };
  auto sh = std::make_shared<TargetArgs>();
  CLI::App* show = req->add_subcommand(
      "show", _("show a payment request: payee, amount, memo, expiry and whether it was paid"));
  show->add_option(
          "REQUEST", sh->target,
          _("its liard: URI, or its id (at least 8 hex characters) if this wallet made it"))
      ->required();
  show->add_flag("--json", sh->json, _("print JSON"));
  ctx.On(show, [sh](Session& s) { return RequestShow(s, sh->target, sh->json); });

  auto ca = std::make_shared<TargetArgs>();
  CLI::App* cancel = req->add_subcommand(
      "cancel", _("cancel a payment request of yours: it can no longer be paid"));
  cancel
      ->add_option("REQUEST", ca->target, _("its id (at least 8 hex characters) or its liard: URI"))
      ->required();
  cancel->add_flag("--yes,-y", ca->yes, _("do not ask for confirmation"));
  ctx.On(cancel, [ca](Session& s) { return RequestCancel(s, ca->target, ca->yes); });

  auto ls = std::make_shared<TargetArgs>();
  CLI::App* list = req->add_subcommand(
      "list", _("list the payment requests this wallet made, newest first, with their state"));
  list->add_flag("--json", ls->json, _("print JSON"));
  ctx.On(list, [ls](Session& s) { return RequestList(s, ls->json); });
}

}  // namespace liard::wallet
