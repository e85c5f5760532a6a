// What every member does: balance, history, pay (an address or a payment request), receipt,
// watch (a till's incoming payments), account show. Requests themselves: commands_request.cc.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "ledger/address.h"
#include "ledger/journal.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/audit.h"
#include "wallet-cli/commands_aid.h"
#include "wallet-cli/commands_card.h"
#include "wallet-cli/commands_demurrage.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/payment_uri.h"
#include "wallet-cli/requests.h"
#include "wallet-cli/terminal.h"
#include "wallet-cli/verify.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

// The words of account kinds, roles and statuses: English in the ledger and in --json
// (ledger/account.cc), in the user's language where people read them (Shown).
[[maybe_unused]] constexpr const char* kAccountWords[] = {
    N_("resident"),    N_("merchant"),  N_("exchange-office"), N_("municipality"),
    N_("association"), N_("treasurer"), N_("board-member"),    N_("auditor"),
    N_("active"),      N_("frozen"),    N_("closed"),          N_("unknown")};
std::string Shown(const std::string& word) { return _(word.c_str()); }

std::string StatusWord(int status) {
  if (status < 1 || status > 3) return "unknown";
  return std::string(StatusName(static_cast<AccountStatus>(status)));
}

bool MembershipExpired(const pb::AccountInfo& a) {
  return a.member_until_ms() != 0 && NowMs() > a.member_until_ms();
}

json AccountJson(Session& session, const pb::AccountInfo& a) {
  json j;
  j["address"] = a.address();
  j["name"] = a.name();
  j["kind"] = KindWord(a.kind());
  j["status"] = StatusWord(a.status());
  j["balance"] = session.money().Plain(a.balance());
  j["balance_minor"] = a.balance();
  j["currency"] = session.money().code();
  j["sequence"] = a.sequence();
  json roles = json::array();
  for (int r : a.roles()) roles.push_back(RoleWord(static_cast<uint32_t>(r)));
  j["roles"] = roles;
  j["member_until_ms"] = a.member_until_ms();
  j["member_until"] = a.member_until_ms() == 0 ? "" : UtcDate(a.member_until_ms() - 1);
  j["membership_expired"] = MembershipExpired(a);
  j["freeze_reason"] = a.freeze_reason();
  j["card"] = a.has_card() ? CardJson(a.card()) : json(nullptr);  // its public card, or null
  j["earmarked"] = AidJson(session, a);        // the aid it holds, besides the balance
  j["demurrage"] = DemurrageJson(session, a);  // the next month's charge at this balance, or null
  return j;
}

// The lines every account display shares: roles, membership, why it is frozen.
std::vector<std::vector<std::string>> GovernanceRows(const pb::AccountInfo& a) {
  std::vector<std::vector<std::string>> rows;
  std::string roles;
  for (int r : a.roles())
    roles += (roles.empty() ? "" : ", ") + Shown(RoleWord(static_cast<uint32_t>(r)));
  if (!roles.empty()) rows.push_back({_("roles"), roles});
  if (a.member_until_ms() != 0) {
    const std::string until = DisplayDate(a.member_until_ms() - 1);
    rows.push_back({_("member until"),
                    MembershipExpired(a)
                        ? Tr("{date} (expired: cannot pay until an exchange office renews the "
                             "membership)",
                             fmt::arg("date", until))
                        : until});
  }
  if (a.status() == pb::ACCOUNT_STATUS_FROZEN)
    rows.push_back({_("frozen"), a.freeze_reason().empty()
                                     ? _("by the board")
                                     : "« " + SafeText(a.freeze_reason()) + " »"});
  return rows;
}

// What the association still owes a merchant: its reconversions (and paper notes it brought
// back) not yet paid out by bank transfer, the sum of its owed-to-merchant postings over its
// history. *known is false when the history is longer than the wallet reads for this.
CliStatus OwedTo(Session& session, const AccountId& id, int64_t* cents, bool* known) {
  constexpr int kMaxPages = 200;  // of 500 entries
  *cents = 0;
  *known = false;
  uint64_t before = 0;
  for (int page_no = 0; page_no < kMaxPages; ++page_no) {
    pb::GetHistoryResponse page;
    CliStatus s = session.node().GetHistory(id, before, 500, &page);
    if (!s.ok()) return s;
    for (const pb::Receipt& r : page.entries())
      *cents += SumPostings(r.postings(), Slot::kOwedToMerchant, &id);
    if (page.next_before() == 0) {
      *known = true;
      return CliStatus::Ok();
    }
    before = page.next_before();
  }
  return CliStatus::Ok();
}

// The balance's line of what a merchant is owed in euros.
CliStatus OwedRows(Session& session, const AccountId& id, const pb::AccountInfo& a,
                   std::vector<std::vector<std::string>>* rows, json* j) {
  if (a.kind() != pb::ACCOUNT_KIND_MERCHANT) return CliStatus::Ok();
  int64_t owed = 0;
  bool known = false;
  CliStatus s = OwedTo(session, id, &owed, &known);
  if (!s.ok()) return s;
  if (j != nullptr && known) {
    (*j)["owed_euros"] = Money::PlainEuros(owed);
    (*j)["owed_euros_minor"] = owed;
  }
  if (rows != nullptr)
    rows->push_back(
        {_("owed to you"), !known     ? _("too long a history to add up here; ask the treasurer")
                           : owed > 0 ? Tr("{euros} (reconversions not yet paid by bank transfer)",
                                           fmt::arg("euros", session.money().Euros(owed)))
                                      : session.money().Euros(0)});
  return CliStatus::Ok();
}

}  // namespace

CliStatus MyAccount(Session& session, KeyFile* key, pb::AccountInfo* info) {
  CliStatus s = session.LoadKey(key);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  bool found = false;
  s = session.node().FindAccount(key->account, info, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(Tr(
        "the account of key '{key}' ({address}) does not exist in this ledger; an exchange "
        "office or the association opens accounts",
        fmt::arg("key", session.key_name()), fmt::arg("address", session.AddressOf(key->account))));
  return CliStatus::Ok();
}

namespace {

CliStatus Balance(Session& session, bool as_json) {
  KeyFile key;
  pb::AccountInfo a;
  CliStatus s = MyAccount(session, &key, &a);
  if (!s.ok()) return s;
  if (as_json) {
    json j = AccountJson(session, a);
    j["key"] = session.key_name();
    s = OwedRows(session, key.account, a, nullptr, &j);
    if (!s.ok()) return s;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << SafeText(a.name()) << " (" << Shown(KindWord(a.kind()));
  if (a.status() != pb::ACCOUNT_STATUS_ACTIVE) std::cout << ", " << Shown(StatusWord(a.status()));
  std::cout << ")\n";
  // One table, so that every label's value starts in the same column.
  std::vector<std::vector<std::string>> rows = {{_("address"), a.address()},
                                                {_("balance"), session.money().Units(a.balance())}};
  for (auto& row : AidRows(session, a)) rows.push_back(std::move(row));
  for (auto& row : DemurrageRows(session, a)) rows.push_back(std::move(row));
  s = OwedRows(session, key.account, a, &rows, nullptr);
  if (!s.ok()) return s;
  for (auto& row : GovernanceRows(a)) rows.push_back(std::move(row));
  if (a.has_card())
    for (auto& row : CardRows(a.card())) rows.push_back(std::move(row));  // its public card
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

CliStatus AccountShow(Session& session, const std::string& address, bool as_json) {
  CliStatus s = Session::PrecheckAddress(address);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  AccountId id;
  s = session.ParseAddress(address, &id);
  if (!s.ok()) return s;
  pb::AccountInfo a;
  s = session.node().GetAccount(id, &a);
  if (!s.ok()) return s;
  if (as_json) {
    std::cout << AccountJson(session, a).dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows = {{_("name"), SafeText(a.name())},
                                                {_("address"), a.address()},
                                                {_("kind"), Shown(KindWord(a.kind()))},
                                                {_("status"), Shown(StatusWord(a.status()))},
                                                {_("balance"), session.money().Units(a.balance())}};
  for (auto& row : AidRows(session, a)) rows.push_back(std::move(row));
  for (auto& row : GovernanceRows(a)) rows.push_back(std::move(row));
  if (a.has_card())
    for (auto& row : CardRows(a.card())) rows.push_back(std::move(row));  // its public card
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

constexpr uint32_t kHistoryPage = 20;  // history's --limit when not given

// How history and watch word their lines: names from the cards, a proposal's decision from its
// Propose operation (looked up once), hints with this run's flags.
Wording WordingFor(Session& session) {
  auto decisions = std::make_shared<std::map<Hash, std::optional<Decision>>>();
  Wording w;
  w.name_of = [&session](const AccountId& id) { return session.NameOf(id); };
  w.decision_of = [&session, decisions](const Hash& id) -> std::optional<Decision> {
    auto it = decisions->find(id);
    if (it != decisions->end()) return it->second;
    std::optional<Decision> found;
    pb::Receipt r;
    Operation op;
    if (session.node().GetOperation(id, &r).ok() &&
        codec::DecodeOperation(r.operation().body(), &op).ok())
      if (const auto* p = std::get_if<Propose>(&op.payload)) found = p->decision;
    decisions->emplace(id, found);
    return found;
  };
  w.command = [&session](std::string_view rest) { return session.Command(rest); };
  return w;
}

CliStatus History(Session& session, uint32_t limit, uint64_t before, bool as_json) {
  if (limit == 0 || limit > 500) return CliStatus::Usage(_("--limit must be 1 to 500"));
  KeyFile key;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  pb::GetHistoryResponse page;
  s = session.node().GetHistory(key.account, before, limit, &page);
  if (!s.ok()) return s;
  const Money& money = session.money();
  const Wording wording = WordingFor(session);
  // What the refunds on this page gave back of each payment, to show on the payment's row.
  std::map<std::string, int64_t> refunded;
  for (const pb::Receipt& r : page.entries()) {
    Operation op;
    if (!r.has_redacted() && codec::DecodeOperation(r.operation().body(), &op).ok())
      if (const auto* refund = std::get_if<Refund>(&op.payload))
        refunded[std::string(refund->original.view())] += refund->amount.minor();
  }
  json entries = json::array();
  std::vector<std::vector<std::string>> rows = {
      {_("DATE"), _("DIR"), _("COUNTERPARTY"), _("AMOUNT"), _("WHAT")}};
  for (const pb::Receipt& r : page.entries()) {
    Movement m;
    s = DescribeFor(r, key.account, money, &m);
    if (!s.ok()) return s;
    // English in --json, translated in the table.
    std::string direction = m.units > 0 ? N_("in") : m.units < 0 ? N_("out") : "";
    std::string party = m.has_counterparty ? session.NameOf(m.counterparty) : "";
    std::string memo = !m.memo.empty() ? "« " + SafeText(m.memo) + " »" : "";
    std::string what = WhatHappened(r, m, key.account, money, wording);
    const auto back = refunded.find(r.operation_id());
    if (back != refunded.end())
      what += (what.empty() ? "" : "; ") +
              Tr("refunded {amount}", fmt::arg("amount", money.Units(back->second)));
    if (!what.empty()) memo += (memo.empty() ? "" : " ") + ("[" + what + "]");
    rows.push_back({LocalDateTime(r.time_ms()),
                    m.units > 0   ? _("in")
                    : m.units < 0 ? _("out")
                                  : "",
                    party, m.units != 0 ? money.SignedUnits(m.units) : "", memo});
    json e;
    e["sequence"] = r.sequence();
    e["time_ms"] = r.time_ms();
    e["time"] = UtcIso(r.time_ms());
    e["operation_id"] = ToHex(r.operation_id());
    e["type"] = std::string(OpTypeName(m.op.type()));
    if (r.has_redacted()) {  // another account's multi-leg payment: this account's legs only
      e["redacted"] = true;
      e["legs"] = r.redacted().leg_count();
      if (!r.redacted().order_id().empty()) {  // its part of a standing order's execution
        e["order_id"] = ToHex(r.redacted().order_id());
        e["execution"] = r.redacted().execution();
      }
    }
    e["direction"] = direction;
    e["amount"] = money.Plain(m.units);
    e["amount_minor"] = m.units;
    if (m.euros != 0) e["euros_minor"] = m.euros;
    if (m.has_counterparty) {
      e["counterparty"] = session.AddressOf(m.counterparty);
      e["counterparty_name"] = session.PlainNameOf(m.counterparty);
    }
    e["memo"] = m.memo;
    if (!m.detail.empty()) e["detail"] = m.detail;
    if (back != refunded.end()) e["refunded_minor"] = back->second;
    entries.push_back(e);
  }
  if (as_json) {
    json j;
    j["address"] = me.address();
    j["currency"] = money.code();
    j["entries"] = entries;
    j["next_before"] = page.next_before();
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  if (page.entries_size() == 0) {
    std::cout << (before == 0 ? _("no operations yet") : _("no older operations")) << "\n";
    return CliStatus::Ok();
  }
  std::cout << RenderTable(rows, {3});
  if (page.next_before() != 0) {
    std::string rest = "history";
    if (limit != kHistoryPage) rest += " --limit " + std::to_string(limit);
    rest += " --before " + std::to_string(page.next_before());
    std::cout << Tr("older: {command}", fmt::arg("command", session.Command(rest))) << "\n";
  }
  return CliStatus::Ok();
}

struct PayArgs {
  std::string target, amount, memo;
  bool yes = false;
};

CliStatus Pay(Session& session, const PayArgs& args) {
  const bool is_uri = LooksLikePaymentUri(args.target);
  std::string address = args.target;
  std::string memo = args.memo;
  if (!is_uri) {
    // A mistyped address is refused here, before the wallet even connects.
    CliStatus s = Session::PrecheckAddress(address);
    if (!s.ok()) return s;
    if (args.amount.empty())
      return CliStatus::Usage(_("say how much to pay: liard pay ADDRESS AMOUNT"));
  }
  if (!memo.empty())
    if (std::string why = MemoProblem(memo); !why.empty()) return CliStatus::Usage(why);
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  Amount amount;
  if (is_uri) {
    PaymentRequest req;
    s = ParsePaymentUri(args.target, session.money().decimals(), &req);
    if (!s.ok()) return s;
    const std::string ours = ToHex(session.ledger_id()).substr(0, kLedgerPrefixHexChars);
    if (!req.ledger_prefix.empty() && req.ledger_prefix != ours)
      return CliStatus::Usage(
          Tr("this payment request is for ledger {theirs}…, but the node at "
             "{node} serves ledger {ours}…; pay it with the node of that "
             "currency",
             fmt::arg("theirs", req.ledger_prefix), fmt::arg("node", session.node_target()),
             fmt::arg("ours", ours)));
    address = req.address;
    if (memo.empty()) memo = req.memo;
    if (req.has_amount) {
      amount = req.amount;
      if (!args.amount.empty()) {
        Amount typed;
        s = session.ParseUnits(args.amount, _("the amount"), &typed);
        if (!s.ok()) return s;
        if (typed != amount)
          return CliStatus::Usage(
              Tr("the request asks for {asked}, not {typed}; leave AMOUNT out "
                 "to pay what is asked",
                 fmt::arg("asked", session.money().Units(amount.minor())),
                 fmt::arg("typed", session.money().Units(typed.minor()))));
      }
    } else if (args.amount.empty()) {
      return CliStatus::Usage(_("this payment request names no amount: liard pay URI AMOUNT"));
    }
  }
  AccountId to;
  s = session.ParseAddress(address, &to);
  if (!s.ok()) return s;
  if (amount.zero()) {
    s = session.ParseUnits(args.amount, _("the amount"), &amount);
    if (!s.ok()) return s;
  }
  std::optional<liard::SignedRequest> signed_request;
  if (is_uri) {
    PaymentRequest req;
    s = ParsePaymentUri(args.target, session.money().decimals(), &req);
    if (!s.ok()) return s;
    signed_request = std::move(req.signed_request);
  }
  if (signed_request) {
    // A signed request is paid at most once: said here before asking, and by the ledger anyway.
    s = CheckSignedRequest(*signed_request, session.ledger_id(), to);
    if (s.ok()) s = CheckRequestOpen(session, *signed_request);
    if (!s.ok()) return s;
  }
  // The payee's public card (LookupAccount: no signature needed): its name for the question,
  // and an unknown, frozen or closed payee refused before anything is asked or signed.
  pb::AccountCard payee;
  bool exists = false;
  s = session.CardOf(to, &payee, &exists);
  if (!s.ok()) return s;
  Prepared p;
  s = session.Prepare(Transfer{to, amount, memo, signed_request}, &p);
  if (!s.ok()) return s;
  if (p.op.account == to) return CliStatus::Usage(_("an account cannot pay itself"));
  if (!exists)
    return CliStatus::Refused(
        Tr("no account {address} in this ledger", fmt::arg("address", session.AddressOf(to))));
  if (payee.status() != pb::ACCOUNT_STATUS_ACTIVE)
    return CliStatus::Refused(Tr("the account {account} is {status} and cannot be paid",
                                 fmt::arg("account", session.NameOf(to)),
                                 fmt::arg("status", Shown(StatusWord(payee.status())))));
  const std::string party =
      PartyInFull(payee.name(), Shown(KindWord(payee.kind())), session.AddressOf(to));
  const std::string paid = session.money().Units(amount.minor());
  std::string question =
      memo.empty()
          ? Tr("Pay {amount} to {payee}?", fmt::arg("amount", paid), fmt::arg("payee", party))
          : Tr("Pay {amount} to {payee} « {memo} »?", fmt::arg("amount", paid),
               fmt::arg("payee", party), fmt::arg("memo", SafeText(memo)));
  // A shop's card says which shop this is before anything is asked or signed.
  if (const std::string where = CardSummary(payee.card()); !where.empty())
    std::cout << where << "\n" << std::flush;
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, args.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("not paid") << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(
      r, Tr("paid {amount} to {payee}", fmt::arg("amount", paid), fmt::arg("payee", party)));
  return CliStatus::Ok();
}

// A key of this wallet to name in a hint when the selected one does not exist: the only one, or
// the first (in the order 'liard key list' shows), or KEY when there is none.
std::string AnyKeyName(const Session& session) {
  std::vector<std::string> names;
  if (session.keystore().List(&names).ok() && !names.empty()) return names.front();
  return "KEY";
}

// The receipt of journal entry `entry` from the account's own history: how a payee finds an
// entry whose operation id it was not given (its line of another account's multi-leg payment).
CliStatus ReceiptOfEntry(Session& session, uint64_t entry, pb::Receipt* out) {
  KeyFile key;
  pb::AccountInfo me;
  if (!session.HasKey(session.key_name()))
    return CliStatus::Usage(
        Tr("journal entry {entry} is found in the history of your account: "
           "say which key is yours, e.g. {command}",
           fmt::arg("entry", entry),
           fmt::arg("command", session.CommandWith(AnyKeyName(session), "",
                                                   "receipt " + std::to_string(entry)))));
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  pb::GetHistoryResponse page;
  s = session.node().GetHistory(key.account, entry + 1, 1, &page);
  if (!s.ok()) return s;
  if (page.entries_size() == 0 || page.entries(0).sequence() != entry)
    return CliStatus::Refused(Tr("journal entry {entry} is not in the history of {account}",
                                 fmt::arg("entry", entry),
                                 fmt::arg("account", Party(me.name(), me.address()))));
  *out = page.entries(0);
  return CliStatus::Ok();
}

CliStatus Receipt(Session& session, const std::string& id_hex, bool as_json) {
  std::string bytes;
  Hash id;
  uint64_t entry = 0;
  const bool is_entry = !id_hex.empty() && id_hex.size() <= 19 &&
                        id_hex.find_first_not_of("0123456789") == std::string::npos;
  if (is_entry) {
    entry = std::stoull(id_hex);
    if (entry == 0) return CliStatus::Usage(_("journal entries are numbered from 1"));
  } else if (!FromHex(id_hex, &bytes) || !id.Assign(bytes)) {
    return CliStatus::Usage(
        _("an operation id is 64 hexadecimal characters, as printed by the command that sent it, "
          "or a journal entry number from 'liard history --json'"));
  }
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  pb::Receipt r;
  s = is_entry ? ReceiptOfEntry(session, entry, &r) : session.node().GetOperation(id, &r);
  if (!s.ok()) return s;
  std::vector<Check> checks;
  std::vector<std::string> notes;
  if (r.has_redacted()) {
    // Nothing of the envelope to check: say so, and check what can be (the checkpoint).
    notes.push_back(
        TrP("this is your part of a payment to {n} account: the node leaves the "
            "others' legs out, so the signature and the entry hash cannot be checked "
            "here (a treasurer or an auditor can, from the journal)",
            "this is your part of a payment to {n} accounts: the node leaves the "
            "others' legs out, so the signature and the entry hash cannot be checked "
            "here (a treasurer or an auditor can, from the journal)",
            r.redacted().leg_count(), fmt::arg("n", r.redacted().leg_count())));
  } else {
    if (is_entry) id.Assign(r.operation_id());  // a whole receipt: checked as by its id
    checks = VerifyReceipt(r, session.ledger_id(), id);
  }

  // The node's latest signed checkpoint, and the chain from this entry up to it.
  pb::SignedCheckpoint cp;
  s = session.node().GetCheckpoint(&cp);
  if (!s.ok()) return s;
  Check cp_check = VerifyCheckpoint(cp, session.ledger_id());
  checks.push_back(cp_check);
  if (cp_check.ok) {
    s = session.CheckCheckpointKey(cp, &notes);
    if (!s.ok()) return s;
  }
  constexpr uint64_t kMaxChain = 100'000;
  // The journal is for treasurers and auditors: anyone else gets the other checks and a note.
  // Signed, like any read, before deciding whether the chain is walked: a key that cannot sign
  // is a note, a wrong passphrase an error.
  std::unique_ptr<NodeJournalSource> source;
  CliStatus signed_read = CliStatus::Ok();
  if (cp.sequence() >= r.sequence())
    signed_read = NodeJournalSource::Open(&session.node(), r.sequence(), &source);
  if (signed_read.exit() == Exit::kWrongPassphrase) return signed_read;
  bool chain_checked = false;
  const std::string by_id = "receipt " + ToHex(r.operation_id());
  if (!signed_read.ok() && !session.HasKey(session.reader_key_name())) {
    // No key to sign the read with: everything else is checked; say how to check the chain.
    notes.push_back(Tr(
        "the hash chain to the checkpoint was not checked: only a treasurer or an "
        "auditor may read the journal; with such a key: {command}",
        fmt::arg("command", session.CommandWith("", "TREASURER_OR_AUDITOR_KEY",
                                                r.has_redacted() ? "receipt " + id_hex : by_id))));
  } else if (!signed_read.ok()) {
    notes.push_back(Tr("the hash chain to the checkpoint was not checked: {why}",
                       fmt::arg("why", signed_read.message())));
  } else if (cp.sequence() < r.sequence()) {
    notes.push_back(
        Tr("the latest signed checkpoint (entry {checkpoint}) is older than this "
           "entry; run '{command}' again after the node's next checkpoint to tie it "
           "to one",
           fmt::arg("checkpoint", cp.sequence()),
           fmt::arg("command", session.Command(r.has_redacted() ? "receipt " + id_hex : by_id))));
  } else {
    uint64_t last = cp.sequence();
    bool bounded = cp.sequence() - r.sequence() + 1 > kMaxChain;
    if (bounded) last = r.sequence() + kMaxChain - 1;
    // The source renews its read request when the node ends a stream at its expiry.
    ChainWalker walker(r.sequence(), r.entry_hash());
    bool denied = false;
    pb::JournalEntry e;
    std::string why;
    bool linked = true;
    bool end = false;
    CliStatus read = CliStatus::Ok();
    while (walker.last_sequence() < last) {
      read = source->Next(&e, &end);
      if (!read.ok() || end) break;
      if (!walker.Feed(e, &why)) {
        linked = false;
        break;
      }
    }
    // The stream runs to the head; what lies past the checkpoint is not needed.
    source.reset();
    Check chain;
    if (linked && walker.last_sequence() < last) {
      if (!read.ok() && read.code_name() != "READ_REFUSED") return read;
      denied = !read.ok();
      linked = false;
      why = Tr("the journal stream ended at entry {entry}",
               fmt::arg("entry", walker.last_sequence()));
    }
    if (denied) {
      notes.push_back(
          Tr("the hash chain to the checkpoint was not checked: only a treasurer or "
             "an auditor may read the journal; with such a key: {command}",
             fmt::arg("command",
                      session.CommandWith(session.key_name(), "TREASURER_OR_AUDITOR_KEY",
                                          r.has_redacted() ? "receipt " + id_hex : by_id))));
    } else {
      chain_checked = true;
      chain.ok = linked;
      chain.what = linked
                       ? TrP("the hash chain links entry {from} to the checkpoint's head at entry "
                             "{to} ({n} entry)",
                             "the hash chain links entry {from} to the checkpoint's head at entry "
                             "{to} ({n} entries)",
                             walker.count(), fmt::arg("from", r.sequence()), fmt::arg("to", last),
                             fmt::arg("n", walker.count()))
                       : Tr("the hash chain does not hold: {why}", fmt::arg("why", why));
      checks.push_back(chain);
    }
    if (bounded && !denied)
      notes.push_back(
          Tr("the checkpoint is {later} entries later; only the first {checked} "
             "links were checked, not the link to the checkpoint's head",
             fmt::arg("later", cp.sequence() - r.sequence()), fmt::arg("checked", kMaxChain)));
  }

  Movement m;
  Operation op;
  std::string summary;
  if (r.has_redacted()) {
    KeyFile key;
    s = session.LoadKey(&key);
    if (!s.ok()) return s;
    s = DescribeFor(r, key.account, session.money(), &m);
    if (!s.ok()) return s;
    op = m.op;
    summary = m.memo.empty() ? Tr("{payer} paid you {amount}, {detail}",
                                  fmt::arg("payer", session.NameOf(op.account)),
                                  fmt::arg("amount", session.money().Units(m.units)),
                                  fmt::arg("detail", m.detail))
                             : Tr("{payer} paid you {amount} « {memo} », {detail}",
                                  fmt::arg("payer", session.NameOf(op.account)),
                                  fmt::arg("amount", session.money().Units(m.units)),
                                  fmt::arg("memo", SafeText(m.memo)), fmt::arg("detail", m.detail));
  } else if (codec::DecodeOperation(r.operation().body(), &op).ok()) {
    summary = session.NameOf(op.account) + ": " +
              Summarize(op, r.postings(), session.genesis(), session.money(),
                        [&](const AccountId& a) { return session.NameOf(a); });
  }
  bool all_ok = true;
  for (const auto& c : checks) all_ok = all_ok && c.ok;
  if (as_json) {
    json j;
    j["operation_id"] = ToHex(r.operation_id());
    if (r.has_redacted()) {
      j["redacted"] = true;
      j["legs"] = r.redacted().leg_count();
    }
    j["sequence"] = r.sequence();
    j["time_ms"] = r.time_ms();
    j["time"] = UtcIso(r.time_ms());
    j["type"] = std::string(OpTypeName(op.type()));
    j["summary"] = summary;
    j["entry_hash"] = ToHex(r.entry_hash());
    j["checkpoint_sequence"] = cp.sequence();
    j["node_key"] = ToHex(cp.node_key());
    json cs = json::array();
    for (const auto& c : checks) cs.push_back({{"ok", c.ok}, {"what", c.what}});
    j["checks"] = cs;
    j["notes"] = notes;
    j["chain_checked"] = chain_checked;
    j["verified"] = all_ok && !r.has_redacted();  // a redacted receipt's content is unchecked
    std::cout << j.dump(2) << "\n";
  } else {
    if (!r.has_redacted())
      std::cout << Tr("operation {id}", fmt::arg("id", ToHex(r.operation_id()))) << "\n";
    std::cout << Tr("journal entry {entry}, {time}", fmt::arg("entry", r.sequence()),
                    fmt::arg("time", LocalDateTime(r.time_ms())))
              << "\n"
              << SafeText(summary) << "\n\n";
    // The verdicts, padded to one width in the user's language ("OK", "FAILED", "NOTE").
    const std::string ok = _("OK"), failed = _("FAILED"), note = _("NOTE");
    const size_t width = std::max({DisplayWidth(ok), DisplayWidth(failed), DisplayWidth(note)}) + 2;
    auto padded = [&](const std::string& word) {
      return word + std::string(width - DisplayWidth(word), ' ');
    };
    for (const auto& c : checks)
      std::cout << padded(c.ok ? ok : failed) << SafeText(c.what) << "\n";
    for (const auto& n : notes) std::cout << padded(note) << SafeText(n) << "\n";
  }
  if (!all_ok) return CliStatus::Refused(_("the receipt did not verify: do not trust it"));
  return CliStatus::Ok();
}

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted = true; }

CliStatus Watch(Session& session, bool as_json, bool all, uint64_t from) {
  KeyFile key;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  // From the head seen now: whatever commits between here and the subscription is replayed.
  const uint64_t start = from != 0 ? from : session.head().sequence() + 1;
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // The stream being read now: a signed request serves one stream, which the node ends at the
  // request's expiry; the watch goes on with a fresh one from past the last receipt.
  std::mutex mu;
  grpc::ClientContext* current = nullptr;
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    while (!done) {
      if (g_interrupted) {
        std::lock_guard lock(mu);
        if (current != nullptr) current->TryCancel();
        if (done) return;
      }
      std::this_thread::sleep_for(Millis(50));
    }
  });
  struct Join {
    std::atomic<bool>* done;
    std::thread* t;
    ~Join() {
      *done = true;
      t->join();
    }
  } join{&done, &canceller};
  const std::string who = Party(me.name(), me.address());
  std::cerr << (all ? Tr("watching operations on {account} from journal entry {entry}; Ctrl-C to "
                         "stop",
                         fmt::arg("account", who), fmt::arg("entry", start))
                    : Tr("watching payments to {account} from journal entry {entry}; Ctrl-C to "
                         "stop",
                         fmt::arg("account", who), fmt::arg("entry", start)))
            << "\n"
            << std::flush;
  const Money& money = session.money();
  const Wording wording = WordingFor(session);
  uint64_t next = start;  // the first sequence not received yet
  // A node that goes away (restarted, upgraded) is waited for: the next stream resumes from
  // `next`, so that nothing is missed or shown twice. The wait between tries doubles up to
  // kMaxRetryWait; after kGiveUpAfter without the node, watch ends as unreachable.
  constexpr Millis kFirstRetryWait(250), kMaxRetryWait(5'000);
  constexpr auto kGiveUpAfter = std::chrono::minutes(10);
  Millis retry_wait = kFirstRetryWait;
  bool lost = false;  // the last stream ended because the node did not answer
  std::chrono::steady_clock::time_point lost_since;
  for (int barren = 0;;) {
    pb::WatchRequest req;
    req.set_account(std::string(key.account.view()));
    req.set_from_sequence(next);
    ReadCall call{"Watch", &key.account};
    call.from_sequence = next;
    s = session.node().SignRead(call, req.mutable_auth());
    if (!s.ok()) return s;
    grpc::ClientContext ctx;
    {
      std::lock_guard lock(mu);
      current = &ctx;
    }
    if (g_interrupted) ctx.TryCancel();
    auto reader = session.node().stub().Watch(&ctx, req);
    const auto opened = std::chrono::steady_clock::now();
    pb::Receipt r;
    while (reader->Read(&r)) {
      if (lost) {
        std::cerr << Tr("the node is back; watching again from journal entry {entry}",
                        fmt::arg("entry", next))
                  << "\n"
                  << std::flush;
        lost = false;
        retry_wait = kFirstRetryWait;
      }
      if (r.sequence() < next) continue;  // already shown
      next = r.sequence() + 1;
      Movement m;
      s = DescribeFor(r, key.account, money, &m);
      if (!s.ok()) break;
      if (!all && m.units <= 0) continue;
      // The payment request it paid, if any: the till sees which sale was settled.
      std::string request_id;
      if (const auto* t = std::get_if<Transfer>(&m.op.payload); t != nullptr && t->request)
        request_id = ToHex(RequestId(t->request->request.ledger_id, t->request->body));
      std::string from_name = m.has_counterparty ? session.PlainNameOf(m.counterparty) : "";
      std::string from_addr = m.has_counterparty ? session.AddressOf(m.counterparty) : "";
      if (as_json) {
        json j;
        j["sequence"] = r.sequence();
        j["time_ms"] = r.time_ms();
        j["time"] = UtcIso(r.time_ms());
        j["operation_id"] = ToHex(r.operation_id());
        j["type"] = std::string(OpTypeName(m.op.type()));
        if (r.has_redacted()) {
          j["redacted"] = true;
          j["legs"] = r.redacted().leg_count();
        }
        j["amount"] = money.Plain(m.units);
        j["amount_minor"] = m.units;
        j["currency"] = money.code();
        j["from"] = from_addr;
        j["from_name"] = from_name;
        j["memo"] = m.memo;
        if (!request_id.empty()) j["request_id"] = request_id;
        std::cout << j.dump() << "\n" << std::flush;
      } else {
        std::cout << LocalDateTime(r.time_ms()) << "  " << money.SignedUnits(m.units);
        if (m.has_counterparty) {
          const std::string party = Party(from_name, from_addr);
          std::cout << "  "
                    << (m.units >= 0 ? Tr("from {party}", fmt::arg("party", party))
                                     : Tr("to {party}", fmt::arg("party", party)));
        }
        if (!m.memo.empty()) std::cout << "  « " << SafeText(m.memo) << " »";
        const std::string what = WhatHappened(r, m, key.account, money, wording);
        if (!what.empty()) std::cout << "  [" << SafeText(what) << "]";
        if (!request_id.empty())
          std::cout << "  " << Tr("(pays request {id})", fmt::arg("id", request_id.substr(0, 16)));
        std::cout << "\n" << std::flush;
      }
    }
    if (!s.ok()) ctx.TryCancel();
    grpc::Status st = reader->Finish();
    {
      std::lock_guard lock(mu);
      current = nullptr;
    }
    if (!s.ok()) return s;
    if (g_interrupted) return CliStatus::Ok();
    if (st.ok()) return CliStatus::Ok();
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
      const auto now = std::chrono::steady_clock::now();
      if (!lost) {
        lost = true;
        lost_since = now;
        std::cerr << Tr("the node does not answer; trying again until it is back, from journal "
                        "entry {entry} (Ctrl-C to stop)",
                        fmt::arg("entry", next))
                  << "\n"
                  << std::flush;
      }
      if (now - lost_since > kGiveUpAfter) return session.node().MapError(st, ctx, "Watch");
      for (auto until = now + retry_wait;
           std::chrono::steady_clock::now() < until && !g_interrupted;)
        std::this_thread::sleep_for(Millis(50));
      if (g_interrupted) return CliStatus::Ok();
      retry_wait = std::min(retry_wait * 2, kMaxRetryWait);
      barren = 0;
      continue;
    }
    // The request expired (the node says so, and where to resume): renew it from past the last
    // receipt received, which is never later than the node's point. A node that ends every
    // stream at once (its clock far ahead of this one) is an error, not a loop.
    const auto md = ctx.GetServerTrailingMetadata();
    barren = std::chrono::steady_clock::now() - opened < Millis(500) ? barren + 1 : 0;
    if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
        md.find("liard-resume-from") != md.end() && barren < 3)
      continue;
    return session.node().MapError(st, ctx, "Watch");
  }
}

}  // namespace

void RegisterMemberCommands(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  CLI::App* b = app.add_subcommand("balance", _("show the selected key's account and balance"));
  b->add_flag("--json", *json, _("print JSON (amounts as strings with '.', and in minor units)"));
  b->footer(_("Examples:\n  liard --key alice balance\n  liard balance --json"));
  ctx.On(b, [json](Session& s) { return Balance(s, *json); });

  struct HistoryArgs {
    uint32_t limit = kHistoryPage;
    uint64_t before = 0;
    bool json = false;
  };
  auto h = std::make_shared<HistoryArgs>();
  CLI::App* hi = app.add_subcommand("history", _("list the account's operations, newest first"));
  hi->add_option("--limit", h->limit, _("entries per page, 1 to 500"))->capture_default_str();
  hi->add_option("--before", h->before, _("the cursor printed at the end of the previous page"));
  hi->add_flag("--json", h->json, _("print JSON"));
  hi->footer(_("Examples:\n  liard history\n  liard history --limit 5 --before 42"));
  ctx.On(hi, [h](Session& s) { return History(s, h->limit, h->before, h->json); });

  auto p = std::make_shared<PayArgs>();
  CLI::App* pay = app.add_subcommand("pay", _("pay an address, or a payment request (liard: URI)"));
  pay->add_option("TARGET", p->target, _("the payee's address, or a payment request URI"))
      ->required();
  pay->add_option("AMOUNT", p->amount, _("how much, \"12,50\" or 12.50 (a request may carry it)"));
  pay->add_option("--memo", p->memo, _("a note the payee sees (up to 256 bytes)"));
  pay->add_flag("--yes,-y", p->yes, _("do not ask for confirmation"));
  pay->footer(
      _("The payee's name is shown and you are asked to confirm unless --yes.\n"
        "Examples:\n"
        "  liard pay roue1qsyuhwr4g05t4744r23nvxnr7en9cmz53knhr0gja7c84hr7fkw2qhay79c 12,50 "
        "--memo \"pain\"\n"
        "  liard pay 'liard:roue1q...?amount=12.50&memo=pain&ledger=4a077548408d09e0'"));
  ctx.On(pay, [p](Session& s) { return Pay(s, *p); });

  struct ReceiptArgs {
    std::string id;
    bool json = false;
  };
  auto rc = std::make_shared<ReceiptArgs>();
  CLI::App* re = app.add_subcommand(
      "receipt", _("fetch an operation and verify it locally (signature, hashes, checkpoint)"));
  re->add_option("ID", rc->id,
                 _("the operation id (64 hex characters), or a journal entry of your history"))
      ->required();
  re->add_flag("--json", rc->json, _("print JSON"));
  re->footer(_("Exit 1 if any check fails.\nExample:\n  liard receipt 3f1a...e9"));
  ctx.On(re, [rc](Session& s) { return Receipt(s, rc->id, rc->json); });

  struct WatchArgs {
    bool json = false, all = false;
    uint64_t from = 0;
  };
  auto w = std::make_shared<WatchArgs>();
  CLI::App* wa = app.add_subcommand(
      "watch", _("show incoming payments as they commit, until Ctrl-C (a till's screen)"));
  wa->add_flag("--json", w->json, _("one JSON object per line"));
  wa->add_flag("--all", w->all, _("every operation touching the account, not only payments in"));
  wa->add_option("--from", w->from, _("replay from this journal entry first"));
  wa->footer(_("Example:\n  liard --key shop watch\n  liard --key shop watch --json | my-till"));
  ctx.On(wa, [w](Session& s) { return Watch(s, w->json, w->all, w->from); });

  struct ShowArgs {
    std::string address;
    bool json = false;
  };
  auto sh = std::make_shared<ShowArgs>();
  CLI::App* account = app.add_subcommand("account", _("look up or open accounts"));
  account->require_subcommand(1);
  CLI::App* show = account->add_subcommand("show", _("show any account: name, kind, balance"));
  show->add_option("ADDRESS", sh->address, _("the account's address"))->required();
  show->add_flag("--json", sh->json, _("print JSON"));
  show->footer(_("Example:\n  liard account show roue1q..."));
  ctx.On(show, [sh](Session& s) { return AccountShow(s, sh->address, sh->json); });
}

}  // namespace liard::wallet
