// liard refund OPID [--amount X] [--memo ...]: a shop pays back a payment it received, linked
// to it, never more than it (the ledger's Refund, ledger/ops/refund.cc).
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>

#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/refusal.h"

namespace liard::wallet {
namespace {

struct RefundArgs {
  std::string id, amount, memo;
  bool yes = false;
};

// How far back a prefix of an operation id is looked for: two pages of the history.
constexpr uint32_t kPrefixPage = 500;
constexpr int kPrefixPages = 2;

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// The operation id as typed: 64 hex characters, or a prefix of one in the account's history.
CliStatus ResolveId(Session& session, const AccountId& me, std::string text, Hash* out) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string bytes;
  if (text.size() == 64 && FromHex(text, &bytes) && out->Assign(bytes)) return CliStatus::Ok();
  if (text.size() < 4 || text.size() > 64 || !IsHex(text))
    return CliStatus::Usage(
        _("an operation id is 64 hexadecimal characters, or at least the first 4 of one from "
          "'liard history --json'"));
  std::vector<Hash> found;
  uint64_t before = 0;
  for (int page_no = 0; page_no < kPrefixPages; ++page_no) {
    pb::GetHistoryResponse page;
    CliStatus s = session.node().GetHistory(me, before, kPrefixPage, &page);
    if (!s.ok()) return s;
    for (const pb::Receipt& r : page.entries()) {
      Hash id;
      if (id.Assign(r.operation_id()) && ToHex(id).rfind(text, 0) == 0 &&
          std::find(found.begin(), found.end(), id) == found.end())
        found.push_back(id);
    }
    before = page.next_before();
    if (before == 0) break;
  }
  if (found.empty())
    return CliStatus::Refused(
        Tr("no operation among the last {n} of your history has an id starting with {prefix}; "
           "give the whole id",
           fmt::arg("n", kPrefixPage * kPrefixPages), fmt::arg("prefix", text)));
  if (found.size() > 1)
    return CliStatus::Usage(
        TrP("{prefix} starts the ids of {n} operation of your history; type more of the id",
            "{prefix} starts the ids of {n} operations of your history; type more of the id",
            found.size(), fmt::arg("prefix", text), fmt::arg("n", found.size())));
  *out = found.front();
  return CliStatus::Ok();
}

int64_t FigureOf(const pb::SimulateResponse& sim, const char* name, int64_t otherwise) {
  auto it = sim.figures().find(name);
  return it == sim.figures().end() ? otherwise : it->second;
}

// Why operation `op` (not a transfer to `me`) cannot be refunded by `me`, and what to do instead.
CliStatus NotARefundablePayment(Session& session, const Operation& op, const AccountId& me,
                                const std::string& id) {
  const Money& money = session.money();
  return std::visit(
      [&](const auto& p) -> CliStatus {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          if (op.account == me)
            return CliStatus::Refused(
                Tr("you made this payment of {amount} to {payee}: only the account that was paid "
                   "can refund it; ask {payee}",
                   fmt::arg("amount", money.Units(p.amount.minor())),
                   fmt::arg("payee", session.NameOf(p.to))));
          return CliStatus::Refused(
              Tr("operation {id}… is a payment from {payer} to {payee}, not to your account: only "
                 "its payee can refund it",
                 fmt::arg("id", id.substr(0, 16)), fmt::arg("payer", session.NameOf(op.account)),
                 fmt::arg("payee", session.NameOf(p.to))));
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          return CliStatus::Refused(
              Tr("operation {id}… is a batch payment from {payer}: the legs of a batch cannot be "
                 "refunded; to give units back, pay them: {command}",
                 fmt::arg("id", id.substr(0, 16)), fmt::arg("payer", session.NameOf(op.account)),
                 fmt::arg("command",
                          session.Command("pay " + session.AddressOf(op.account) + " AMOUNT"))));
        } else if constexpr (std::is_same_v<T, Conversion>) {
          return CliStatus::Refused(Tr(
              "operation {id}… is a conversion of {euros} at an exchange office, not a "
              "payment: it cannot be refunded. Its euros are in the guarantee fund; units go "
              "back to euros only by a reconversion (a merchant: liard reconvert); for a "
              "conversion made by mistake, ask the association's treasurer",
              fmt::arg("id", id.substr(0, 16)), fmt::arg("euros", money.Euros(p.euros.minor()))));
        } else {
          return CliStatus::Refused(
              Tr("operation {id}… is a {type}, not a payment to your account: only payments can "
                 "be refunded",
                 fmt::arg("id", id.substr(0, 16)), fmt::arg("type", OpTypeName(op.type()))));
        }
      },
      op.payload);
}

CliStatus RefundCommand(Session& session, const RefundArgs& a) {
  if (!a.memo.empty())
    if (std::string why = MemoProblem(a.memo); !why.empty()) return CliStatus::Usage(why);
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  KeyFile key;
  s = session.LoadKey(&key);
  if (!s.ok()) return s;
  const AccountId me = key.account;
  Hash original;
  s = ResolveId(session, me, a.id, &original);
  if (!s.ok()) return s;
  const std::string id_hex = ToHex(original);
  pb::Receipt receipt;
  s = session.node().GetOperation(original, &receipt);
  if (!s.ok()) return s;
  Operation op;
  Status d = codec::DecodeOperation(receipt.operation().body(), &op);
  if (!d.ok())
    return CliStatus::Local(Tr("operation {id}… holds a body this wallet cannot read: {why}",
                               fmt::arg("id", id_hex.substr(0, 16)),
                               fmt::arg("why", d.ToString())));
  const auto* paid = std::get_if<Transfer>(&op.payload);
  if (paid == nullptr || paid->to != me) return NotARefundablePayment(session, op, me, id_hex);
  const AccountId payer = op.account;
  const int64_t paid_units = paid->amount.minor();
  const Money& money = session.money();

  // What is left to refund, as the ledger counts it: a dry run of refunding the whole payment
  // (REFUND_EXCEEDS states what was refunded already).
  Prepared whole;
  s = session.Prepare(Refund{original, payer, paid->amount, a.memo}, &whole);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.node().Simulate(whole.body, me, whole.key.public_key, &sim, &available);
  if (!s.ok()) return s;
  int64_t refunded = 0;
  if (available && sim.code_name() == "NOT_REFUNDABLE")
    return CliStatus::Refused(
               Tr("the payment of {amount} from {payer} on {date} cannot be refunded: this ledger "
                  "records refunds only for payments to shops from its genesis version 5, and for "
                  "payment requests; to give units back, pay them: {command}",
                  fmt::arg("amount", money.Units(paid_units)),
                  fmt::arg("payer", session.NameOf(payer)),
                  fmt::arg("date", LocalDateTime(receipt.time_ms())),
                  fmt::arg("command",
                           session.Command("pay " + session.AddressOf(payer) + " AMOUNT"))))
        .set_code_name("NOT_REFUNDABLE");
  if (available && sim.code_name() == "REFUND_EXCEEDS")
    refunded = FigureOf(sim, "refunded_units", 0);
  const int64_t remaining = paid_units - refunded;
  if (remaining <= 0)
    return CliStatus::Refused(Tr("the payment of {amount} from {payer} on {date} was refunded in "
                                 "full already",
                                 fmt::arg("amount", money.Units(paid_units)),
                                 fmt::arg("payer", session.NameOf(payer)),
                                 fmt::arg("date", LocalDateTime(receipt.time_ms()))))
        .set_code_name("REFUND_EXCEEDS");

  Amount amount(remaining);
  if (!a.amount.empty()) {
    s = session.ParseUnits(a.amount, "--amount", &amount);
    if (!s.ok()) return s;
  }
  Prepared p;
  s = session.Prepare(Refund{original, payer, amount, a.memo}, &p);
  if (!s.ok()) return s;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  const std::string question =
      refunded == 0
          ? Tr("Refund {amount} to {payer}, of their payment of {paid} on {date}?",
               fmt::arg("amount", money.Units(amount.minor())),
               fmt::arg("payer", session.NameOf(payer)), fmt::arg("paid", money.Units(paid_units)),
               fmt::arg("date", LocalDateTime(receipt.time_ms())))
          : Tr("Refund {amount} to {payer}, of their payment of {paid} on {date} ({refunded} "
               "refunded already)?",
               fmt::arg("amount", money.Units(amount.minor())),
               fmt::arg("payer", session.NameOf(payer)), fmt::arg("paid", money.Units(paid_units)),
               fmt::arg("date", LocalDateTime(receipt.time_ms())),
               fmt::arg("refunded", money.Units(refunded)));
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, a.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(
      r,
      Tr("refunded {amount} to {payer}; {left} of the payment of {paid} can still be refunded",
         fmt::arg("amount", money.Units(amount.minor())), fmt::arg("payer", session.NameOf(payer)),
         fmt::arg("left", money.Units(remaining - amount.minor())),
         fmt::arg("paid", money.Units(paid_units))));
  return CliStatus::Ok();
}

}  // namespace

void RegisterRefundCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<RefundArgs>();
  CLI::App* rf = app.add_subcommand(
      "refund", _("pay back a payment your account received, linked to it (shops)"));
  rf->add_option("OPID", a->id,
                 _("the payment's operation id (64 hex characters, or its first characters from "
                   "your history)"))
      ->required();
  rf->add_option("--amount", a->amount,
                 _("how much to refund, \"5,00\" or 5.00 (default: all that is left)"));
  rf->add_option("--memo", a->memo, _("a note the payer sees (up to 256 bytes)"));
  rf->add_flag("--yes,-y", a->yes, _("do not ask for confirmation"));
  rf->footer(
      _("The payer's name, the payment and what was refunded of it already are shown, and you "
        "are asked to confirm unless --yes. The refunds of a payment never add up to more than "
        "it; conversions and the legs of a batch cannot be refunded.\n"
        "Examples:\n"
        "  liard --key shop refund 3f1a9c\n"
        "  liard --key shop refund 3f1a9c --amount 5,00 --memo \"pain rassis\""));
  ctx.On(rf, [a](Session& s) { return RefundCommand(s, *a); });
}

}  // namespace liard::wallet
