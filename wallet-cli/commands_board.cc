// liard board propose|sign|list: the board's M-of-N decisions (docs/wallet.md, "The board").

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "ledger/governance.h"
#include "ledger/rules_toml.h"
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

struct BoardArgs {
  std::string address, name, kind = "merchant", role, reason, new_key, file, expires = "7d",
                             proposal, member_until, fee;
  uint32_t threshold = 0;
  bool yes = false, json = false;
  const GlobalOptions* global = nullptr;  // as typed, for the hints (Context outlives the run)
};

// The commands the hints name (command words, never translated).
const std::string kBoardSign = "board sign ";             // i18n: as is
const std::string kBoardWithdraw = "board withdraw ";     // i18n: as is
const std::string kBoardList = "board list";              // i18n: as is
const std::string kBoardResume = "board propose resume";  // i18n: as is

// A word of a command line as a shell reads it back: quoted when it holds anything but plain
// characters.
std::string ShellWord(const std::string& w) {
  const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./:@%+=,-", c) != nullptr;
  });
  if (plain) return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A command to print as a hint, with the global options the user typed to reach this node (and
// this key, when `with_key`: not for a command meant for another board member), so that it works
// as printed.
std::string Hint(const BoardArgs& a, bool with_key, const std::string& rest) {
  std::string cmd = "liard";
  if (a.global != nullptr) {
    const GlobalOptions& g = *a.global;
    if (!g.node.empty()) cmd += " --node " + ShellWord(g.node);
    if (!g.tls_ca.empty()) cmd += " --tls-ca " + ShellWord(g.tls_ca);
    if (g.insecure) cmd += " --insecure";
    if (with_key && !g.key.empty()) cmd += " --key " + ShellWord(g.key);
  }
  return cmd + " " + rest;
}

// Sentences for --json are English whatever the user reads (docs/wallet.md): the scope switches
// the language and back.
class EnglishScope {
 public:
  EnglishScope() : was_(CurrentLanguage()) {
    if (was_ != Language::kEnglish) SetLanguage(Language::kEnglish);
  }
  ~EnglishScope() {
    if (was_ != Language::kEnglish) SetLanguage(was_);
  }
  EnglishScope(const EnglishScope&) = delete;
  EnglishScope& operator=(const EnglishScope&) = delete;

 private:
  Language was_;
};

CliStatus Governance(Session& session, pb::GovernanceInfo* out) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  return session.node().GetGovernance(out);
}

const pb::ProposalInfo* FindPending(const pb::GovernanceInfo& g, const Hash& id) {
  for (const auto& p : g.proposals())
    if (p.id() == id.view()) return &p;
  return nullptr;
}

CliStatus AccountArg(Session& session, const std::string& text, AccountId* out) {
  CliStatus s = Session::PrecheckAddress(text);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  return session.ParseAddress(text, out);
}

CliStatus RoleArg(const std::string& text, Role* out) {
  for (Role r : {Role::kTreasurer, Role::kBoardMember, Role::kAuditor}) {
    if (RoleName(r) == text) {
      *out = r;
      return CliStatus::Ok();
    }
  }
  return CliStatus::Usage(
      Tr("the role '{role}' is not one the board grants: treasurer, board-member or auditor",
         fmt::arg("role", SafeText(text))));
}

CliStatus ReasonArg(const std::string& reason) {
  if (reason.empty() || reason.size() > kMaxReasonBytes || !IsPrintableUtf8(reason))
    return CliStatus::Usage(
        Tr("--reason is 1 to {max} bytes of text without control characters; "
           "it is recorded and shown",
           fmt::arg("max", kMaxReasonBytes)));
  return CliStatus::Ok();
}

CliStatus UndecodableRules(const Status& d) {
  return CliStatus::Local(
      Tr("the node's rules do not decode: {error}", fmt::arg("error", d.ToString())));
}

// The governance in force, as the diff of a decision needs it.
BoardState StateOf(const pb::GovernanceInfo& g, CliStatus* status) {
  BoardState b;
  b.sequence = g.sequence();
  Status d = codec::DecodeRules(g.rules(), &b.rules);
  if (!d.ok()) *status = UndecodableRules(d);
  b.board_size = static_cast<size_t>(g.board_size());
  for (const auto& m : g.board()) {
    AccountId id;
    if (id.Assign(m)) b.board.push_back(id);
  }
  b.threshold = g.threshold();
  b.paused = g.paused();
  b.pause_reason = g.pause_reason();
  PublicKey node_key;
  if (node_key.Assign(g.node_key())) b.node_key = node_key;
  for (const std::string& k : g.node_keys())
    if (PublicKey one; one.Assign(k)) b.node_keys.push_back(one);
  // A node from before GovernanceInfo.node_keys names its one key in node_key only.
  if (b.node_keys.empty() && b.node_key) b.node_keys.push_back(*b.node_key);
  return b;
}

// What `decision` changes in the ledger as `g` shows it, names and whole addresses resolved.
Change ChangeOf(Session& session, const Decision& decision, const pb::GovernanceInfo& g) {
  CliStatus ignored;
  const BoardState now = StateOf(g, &ignored);
  WhoFn who = [&](const AccountId& id) {
    pb::AccountCard card;
    bool found = false;
    const std::string address = session.AddressOf(id);
    if (!session.CardOf(id, &card, &found).ok() || !found) return address;
    return PartyInFull(card.name(), KindLabel(card.kind()), address);
  };
  CardFn card_of = [&](const AccountId& id, pb::AccountCard* card) {
    bool found = false;
    return session.CardOf(id, card, &found).ok() && found;
  };
  return DescribeChange(decision, now, who, card_of, session.money());
}

// The change in the user's language, and in English for --json.
struct Changes {
  Change shown, english;
};
Changes ChangesOf(Session& session, const Decision& decision, const pb::GovernanceInfo& g) {
  Changes c;
  c.shown = ChangeOf(session, decision, g);
  EnglishScope english;
  c.english = ChangeOf(session, decision, g);
  return c;
}

json ChangeJson(const Change& c) {
  json j;
  j["summary"] = c.summary;
  j["changes"] = c.lines;
  j["unchanged"] = c.unchanged;
  j["warnings"] = c.warnings;
  return j;
}

// After a proposal or an approval: still pending (k of M), or decided and applied.
std::string Standing(Session& session, const BoardArgs& a, const Hash& id, json* j) {
  pb::GovernanceInfo g;
  if (!session.node().GetGovernance(&g).ok()) return "";
  const pb::ProposalInfo* p = FindPending(g, id);
  if (p != nullptr && p->withdrawn()) {
    (*j)["decided"] = false;
    (*j)["withdrawn"] = true;
    return _("withdrawn: it can no longer be approved, and leaves the list when it expires");
  }
  if (p == nullptr) {
    (*j)["decided"] = true;
    return _("decided: the board's decision is applied");
  }
  (*j)["decided"] = false;
  (*j)["approvals"] = p->approvals_size();
  (*j)["threshold"] = g.threshold();
  // The other members sign with their own key: the hint leaves this one's out.
  return TrP(
      "{approvals} of {threshold} approvals; the other board members sign it with: "
      "{command}",
      "{approvals} of {threshold} approvals; the other board members sign it with: "
      "{command}",
      static_cast<unsigned long>(p->approvals_size()), fmt::arg("approvals", p->approvals_size()),
      fmt::arg("threshold", g.threshold()),
      fmt::arg("command", Hint(a, false, kBoardSign + ToHex(id))));
}

enum class BoardOp { kPropose, kApprove, kWithdraw };

// Prepare, preview, confirm, sign, submit a Propose, an Approve or a Withdraw, then say where
// it stands. `change` is what the decision changes, shown after the result too (with --yes
// nobody saw the question).
CliStatus SubmitBoardOp(Session& session, Payload payload, const Changes& change,
                        const std::string& question, const BoardArgs& a, BoardOp op,
                        const Hash& proposal) {
  const std::string& words = change.shown.summary;
  Prepared p;
  CliStatus s = session.Prepare(std::move(payload), &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, question, a.yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  Hash id = proposal;
  if (op == BoardOp::kPropose && !id.Assign(r.operation_id()))
    return CliStatus::Local(_("the node answered without an operation id"));
  if (a.json) {
    EnglishScope english;  // --json's sentences
    json j;
    j["proposal"] = ToHex(id);
    j["decision"] = change.english.summary;
    j["change"] = ChangeJson(change.english);
    (void)Standing(session, a, id, &j);
    j["operation_id"] = ToHex(r.operation_id());
    j["sequence"] = r.sequence();
    j["note"] = r.message();
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  json ignored;
  const std::string standing = Standing(session, a, id, &ignored);
  const std::string done =
      op == BoardOp::kPropose    ? Tr("proposed: {decision}", fmt::arg("decision", words))
      : op == BoardOp::kWithdraw ? Tr("withdrawn: {decision}", fmt::arg("decision", words))
                                 : Tr("approved: {decision}", fmt::arg("decision", words));
  session.PrintSubmitted(r, done);
  if (op != BoardOp::kWithdraw)
    std::cout << SafeText(RenderChange(change.shown, "  ").substr(words.size() + 1),
                          Newlines::kKeep);
  std::cout << Tr("proposal {id}", fmt::arg("id", ToHex(id))) << "\n";
  if (!standing.empty()) std::cout << SafeText(standing, Newlines::kKeep) << "\n";
  return CliStatus::Ok();
}

CliStatus Propose(Session& session, Decision decision, const BoardArgs& a) {
  // Connected first: a date is read in the currency's time zone, which the genesis names.
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  liard::Propose propose;
  if (!ParseExpiry(a.expires, NowMs(), &propose.expires_ms))
    return CliStatus::Usage(
        Tr("--expires '{value}' must be a duration such as 7d, 48h or 90m, or "
           "a date such as 2026-12-31 or 31/12/2026",
           fmt::arg("value", SafeText(a.expires))));
  if (propose.expires_ms - NowMs() > kMaxProposalLifetimeMs)
    return CliStatus::Usage(
        _("a proposal may stay open at most 30 days: give --expires a "
          "shorter duration or an earlier date"));
  pb::GovernanceInfo g;
  s = session.node().GetGovernance(&g);
  if (!s.ok()) return s;
  const Changes change = ChangesOf(session, decision, g);
  propose.decision = std::move(decision);
  const std::string question =
      Tr("Propose to the board: {change}(compared with what is in force at journal entry "
         "{sequence}; open until {expires})\nPropose it?",
         fmt::arg("change", RenderChange(change.shown, "  ")), fmt::arg("sequence", g.sequence()),
         fmt::arg("expires", LocalDateTime(propose.expires_ms)));
  return SubmitBoardOp(session, std::move(propose), change, question, a, BoardOp::kPropose, Hash());
}

// ---- set-rules: a TOML file of the genesis' [rules] shape, plus [[limits]] and
// [[programmes]]; what it does not name stays as in force. Read by the same reader as the
// node's genesis file (ledger/rules_toml.h).

CliStatus LoadRulesFile(Session& session, const std::string& file, Rules* rules) {
  std::string text;
  bool found = false;
  CliStatus read = ReadWholeFile(file, &text, &found);
  if (!read.ok()) return read;
  if (!found)
    return CliStatus::Local(
        Tr("cannot read the rules file {file}: check its name", fmt::arg("file", file)));
  const Money& money = session.money();
  Status s = ParseRulesToml(text, file, RulesDocument::kChange, money.decimals(),
                            money.code().empty() ? "units" : money.code(), rules);
  if (!s.ok()) return CliStatus::Usage(s.message());
  Status v = ValidateRules(*rules);
  if (!v.ok())
    return CliStatus::Usage(Tr("the rules in {file} are not valid: {error}", fmt::arg("file", file),
                               fmt::arg("error", v.message())));
  return CliStatus::Ok();
}

AccountId IdOf(const std::string& bytes) {
  AccountId id;
  (void)id.Assign(bytes);
  return id;
}

json BoardListJson(Session& session, const pb::GovernanceInfo& g) {
  EnglishScope english;
  Rules rules;
  const bool rules_ok = codec::DecodeRules(g.rules(), &rules).ok();
  auto name_of = [&](const AccountId& id) { return session.NameOf(id); };
  json j;
  j["sequence"] = g.sequence();
  j["threshold"] = g.threshold();
  json board = json::array();
  for (const auto& b : g.board())
    board.push_back(
        {{"address", session.AddressOf(IdOf(b))}, {"name", session.PlainNameOf(IdOf(b))}});
  j["board"] = board;
  j["paused"] = g.paused();
  j["pause_reason"] = g.pause_reason();
  j["rules"] = rules_ok ? DescribeRules(rules, session.money()) : "";
  json list = json::array();
  for (const auto& p : g.proposals()) {
    Decision d;
    std::string words = _("an unknown decision");  // in English: the scope above
    std::string kind = "unknown";
    if (codec::DecodeDecision(p.decision(), &d).ok()) {
      words = DescribeDecision(d, name_of, session.money());
      kind = std::string(DecisionName(d));
    }
    json approvals = json::array();
    for (const auto& a : p.approvals()) approvals.push_back(session.AddressOf(IdOf(a)));
    json change;
    if (kind != "unknown") change = ChangeJson(ChangeOf(session, d, g));
    list.push_back({{"id", ToHex(p.id())},
                    {"decision", kind},
                    {"summary", words},
                    {"change", change},
                    {"withdrawn", p.withdrawn()},
                    {"proposer", session.AddressOf(IdOf(p.proposer()))},
                    {"approvals", approvals},
                    {"approvals_count", p.approvals_size()},
                    {"threshold", g.threshold()},
                    {"expires_ms", p.expires_ms()},
                    {"expires", UtcIso(p.expires_ms())}});
  }
  j["proposals"] = list;
  return j;
}

CliStatus BoardList(Session& session, const BoardArgs& a) {
  pb::GovernanceInfo g;
  CliStatus s = Governance(session, &g);
  if (!s.ok()) return s;
  if (a.json) {
    std::cout << BoardListJson(session, g).dump(2) << "\n";
    return CliStatus::Ok();
  }
  auto name_of = [&](const AccountId& id) { return session.NameOf(id); };
  // The reader's account, when its key is at hand: which hints apply to it.
  std::optional<AccountId> reader;
  KeyFile key;
  if (session.LoadKey(&key).ok()) reader = key.account;
  const bool on_board =
      reader && std::any_of(g.board().begin(), g.board().end(),
                            [&](const std::string& m) { return IdOf(m) == *reader; });
  const uint32_t members = static_cast<uint32_t>(g.board_size());
  std::cout << (members == 1
                    ? TrP("Board: {members} member, {threshold} approval decides",
                          "Board: {members} member, {threshold} approvals decide", g.threshold(),
                          fmt::arg("members", members), fmt::arg("threshold", g.threshold()))
                    : TrP("Board: {members} members, {threshold} approval decides",
                          "Board: {members} members, {threshold} approvals decide", g.threshold(),
                          fmt::arg("members", members), fmt::arg("threshold", g.threshold())))
            << "\n";
  for (const auto& b : g.board()) std::cout << "  " << name_of(IdOf(b)) << "\n";
  if (g.paused())
    std::cout << "\n"
              << SafeText(Tr("PAUSED: payments are halted « {reason} »; a board decision resumes "
                             "them ({command})",
                             fmt::arg("reason", g.pause_reason()),
                             fmt::arg("command", Hint(a, on_board, kBoardResume))))
              << "\n";
  Rules rules;
  if (codec::DecodeRules(g.rules(), &rules).ok())
    std::cout << "\n"
              << Tr("Rules: {rules}", fmt::arg("rules", DescribeRules(rules, session.money())))
              << "\n";
  if (g.proposals_size() == 0) {
    std::cout << "\n" << _("No pending proposal.") << "\n";
    return CliStatus::Ok();
  }
  std::cout << "\n"
            << Tr("Pending proposals ({count}), each against what is in force now (journal entry "
                  "{sequence}):",
                  fmt::arg("count", g.proposals_size()), fmt::arg("sequence", g.sequence()))
            << "\n";
  for (const auto& p : g.proposals()) {
    Decision d;
    std::string words = std::string(_("an unknown decision")) + "\n";
    if (codec::DecodeDecision(p.decision(), &d).ok())
      words = RenderChange(ChangeOf(session, d, g), "    ");
    std::cout << "\n" << ToHex(p.id()) << "\n  " << SafeText(words, Newlines::kKeep);
    const std::string id = ToHex(p.id());
    const bool mine = reader && IdOf(p.proposer()) == *reader;
    if (p.withdrawn()) {
      std::cout << "  "
                << Tr("WITHDRAWN by its proposer {proposer}: it can no longer be approved; "
                      "listed until {expires}",
                      fmt::arg("proposer", name_of(IdOf(p.proposer()))),
                      fmt::arg("expires", LocalDateTime(p.expires_ms())))
                << "\n";
      continue;
    }
    std::string who;
    bool approved = false;
    for (const auto& ap : p.approvals()) {
      who += (who.empty() ? "" : ", ") + name_of(IdOf(ap));
      approved |= reader && IdOf(ap) == *reader;
    }
    std::cout << "  "
              << TrP("{approvals} of {threshold} approvals ({who}); open until {expires}",
                     "{approvals} of {threshold} approvals ({who}); open until {expires}",
                     static_cast<unsigned long>(p.approvals_size()),
                     fmt::arg("approvals", p.approvals_size()),
                     fmt::arg("threshold", g.threshold()), fmt::arg("who", who),
                     fmt::arg("expires", LocalDateTime(p.expires_ms())))
              << "\n";
    // Hints for the reader's own key: what it may do with this proposal, as a command to copy.
    if (on_board && !approved)
      std::cout << "  "
                << SafeText(Tr("approve it with: {command}",
                               fmt::arg("command", Hint(a, true, kBoardSign + id))))
                << "\n";
    if (mine)
      std::cout << "  "
                << SafeText(Tr("you proposed it; withdraw it with: {command}",
                               fmt::arg("command", Hint(a, true, kBoardWithdraw + id))))
                << "\n";
  }
  return CliStatus::Ok();
}

// The pending proposal that `a.proposal` names, with the governance it was read from: a usage
// error for a malformed id, a refusal if no pending proposal has it. `*p` points into `*g`.
CliStatus PendingProposal(Session& session, const BoardArgs& a, Hash* id, pb::GovernanceInfo* g,
                          const pb::ProposalInfo** p) {
  std::string bytes;
  if (!FromHex(a.proposal, &bytes) || !id->Assign(bytes))
    return CliStatus::Usage(
        Tr("a proposal id is 64 hexadecimal characters, as '{command}' shows it",
           fmt::arg("command", Hint(a, false, kBoardList))));
  CliStatus s = Governance(session, g);
  if (!s.ok()) return s;
  *p = FindPending(*g, *id);
  if (*p == nullptr)
    return CliStatus::Refused(
        Tr("no pending proposal {id}: it was decided already, it expired, or it never existed "
           "({command} shows the pending ones)",
           fmt::arg("id", SafeText(a.proposal)), fmt::arg("command", Hint(a, false, kBoardList))));
  return CliStatus::Ok();
}

CliStatus BoardSign(Session& session, const BoardArgs& a) {
  Hash id;
  pb::GovernanceInfo g;
  const pb::ProposalInfo* p = nullptr;
  CliStatus s = PendingProposal(session, a, &id, &g, &p);
  if (!s.ok()) return s;
  if (p->withdrawn())
    return CliStatus::Refused(
        Tr("the proposal {id} was withdrawn by its proposer: it can no "
           "longer be approved",
           fmt::arg("id", a.proposal)));
  Decision d;
  Status ds = codec::DecodeDecision(p->decision(), &d);
  if (!ds.ok())
    return CliStatus::Local(
        Tr("the proposal holds a decision this wallet cannot read: {error}; "
           "nothing was signed",
           fmt::arg("error", ds.ToString())));
  // Against what is in force now, not when it was proposed: that is what approving changes.
  const Changes change = ChangesOf(session, d, g);
  const std::string rendered = RenderChange(change.shown, "  ");
  pb::Receipt receipt;
  std::string question =
      session.node().GetOperation(id, &receipt).ok()
          ? Tr("Approve: {change}(compared with what is in force now, at journal entry "
               "{sequence}; proposed at journal entry {proposed_at}, {proposed_time})",
               fmt::arg("change", rendered), fmt::arg("sequence", g.sequence()),
               fmt::arg("proposed_at", receipt.sequence()),
               fmt::arg("proposed_time", LocalDateTime(receipt.time_ms())))
          : Tr("Approve: {change}(compared with what is in force now, at journal entry "
               "{sequence})",
               fmt::arg("change", rendered), fmt::arg("sequence", g.sequence()));
  if (receipt.sequence() != 0 && receipt.sequence() < g.sequence() &&
      std::holds_alternative<SetRules>(d))
    question += "\n" + std::string(_("If the rules changed since it was proposed, the lines above "
                                     "say what approving changes now, undoing any change it does "
                                     "not carry."));
  question +=
      "\n" + TrP("{approvals} of {threshold} approvals so far. Approve it?",
                 "{approvals} of {threshold} approvals so far. Approve it?",
                 static_cast<unsigned long>(p->approvals_size()),
                 fmt::arg("approvals", p->approvals_size()), fmt::arg("threshold", g.threshold()));
  return SubmitBoardOp(session, Approve{id}, change, question, a, BoardOp::kApprove, id);
}

CliStatus BoardWithdraw(Session& session, const BoardArgs& a) {
  Hash id;
  pb::GovernanceInfo g;
  const pb::ProposalInfo* p = nullptr;
  CliStatus s = PendingProposal(session, a, &id, &g, &p);
  if (!s.ok()) return s;
  Decision d;
  Changes change;
  change.shown.summary = _("an unknown decision");
  {
    EnglishScope english;
    change.english.summary = _("an unknown decision");
  }
  if (codec::DecodeDecision(p->decision(), &d).ok()) change = ChangesOf(session, d, g);
  const std::string question =
      Tr("Withdraw your proposal {id}… ({decision})? Nobody will be able to approve it any more.",
         fmt::arg("id", ToHex(id).substr(0, 16)), fmt::arg("decision", change.shown.summary));
  return SubmitBoardOp(session, Withdraw{id}, change, question, a, BoardOp::kWithdraw, id);
}

}  // namespace

void RegisterBoardCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<BoardArgs>();
  a->global = &ctx.global;
  CLI::App* board = app.add_subcommand(
      "board", _("board members: propose decisions, sign or withdraw them, list the pending ones"));
  board->require_subcommand(1);

  CLI::App* propose = board->add_subcommand(
      "propose", _("propose a decision; it is applied once enough board members signed it"));
  propose->require_subcommand(1);
  propose->footer(
      _("Every proposal is open 7 days unless --expires (a duration 7d, 48h, 90m, or a date\n"
        "such as 2026-12-31 or 31/12/2026, open through that day).\n"
        "Examples:\n"
        "  liard --key board-1 board propose freeze roue1q... --reason \"phone stolen\"\n"
        "  liard --key board-1 board propose open-account roue1q... --kind merchant --name "
        "\"Épicerie\"\n"
        "  liard --key board-1 board propose pause --reason \"office key stolen\""));
  auto common = [&](CLI::App* sub) {
    sub->add_option("--expires", a->expires,
                    _("how long it stays open: 7d, 48h, 90m, or a date (2026-12-31 or 31/12/2026)"))
        ->capture_default_str();
    sub->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
    sub->add_flag("--json", a->json, _("print the result as JSON"));
  };

  CLI::App* open = propose->add_subcommand("open-account", _("open an account of any kind"));
  open->add_option("ADDRESS", a->address, _("the new account's address"))->required();
  open->add_option("--name", a->name, _("the name payers will see"))->required();
  open->add_option("--kind", a->kind,
                   _("merchant, exchange-office, municipality, association or resident"))
      ->capture_default_str();
  open->add_option("--member-until", a->member_until,
                   _("residents: the last day of membership (2026-12-31 or 31/12/2026)"));
  open->add_option("--fee", a->fee, _("residents: the membership fee paid, in euros"));
  common(open);
  ctx.On(open, [a](Session& s) -> CliStatus {
    OpenAccount o;
    bool known = false;
    for (AccountKind k : kAllKinds)
      if (KindName(k) == a->kind) {
        o.kind = k;
        known = true;
      }
    if (!known)
      return CliStatus::Usage(
          _("--kind must be merchant, exchange-office, municipality, association or resident"));
    if (!IsValidName(a->name))
      return CliStatus::Usage(_("a name is 1 to 64 bytes of text without control characters"));
    o.name = a->name;
    int64_t until_day = 0;
    if (!a->member_until.empty() && !ParseDay(a->member_until, &until_day))
      return CliStatus::Usage(
          Tr("--member-until '{value}' must be a date such as 2026-12-31 or 31/12/2026",
             fmt::arg("value", SafeText(a->member_until))));
    if (!a->member_until.empty()) {
      // The membership runs through that day in the currency's time zone (from the genesis).
      CliStatus c = s.Connect();
      if (!c.ok()) return c;
      o.member_until_ms = StartOfDisplayDay(until_day + 1);
    }
    if (!a->fee.empty() && !ParseAmount(a->fee, 2, &o.fee).ok())
      return CliStatus::Usage(
          Tr("--fee '{value}' is not an amount in euros", fmt::arg("value", SafeText(a->fee))));
    CliStatus st = AccountArg(s, a->address, &o.id);
    if (!st.ok()) return st;
    st = Session::CheckNewKey(o.id, _("the new account's address"));
    if (!st.ok()) return st;
    return Propose(s, o, *a);
  });

  for (bool grant : {true, false}) {
    CLI::App* r =
        propose->add_subcommand(grant ? "grant-role" : "revoke-role",
                                grant ? _("give an account a role") : _("take a role back"));
    r->add_option("ADDRESS", a->address, _("the account"))->required();
    r->add_option("ROLE", a->role, _("treasurer, board-member or auditor"))->required();
    common(r);
    ctx.On(r, [a, grant](Session& s) -> CliStatus {
      Role role = Role::kAuditor;
      CliStatus st = RoleArg(a->role, &role);
      if (!st.ok()) return st;
      AccountId id;
      st = AccountArg(s, a->address, &id);
      if (!st.ok()) return st;
      if (grant) return Propose(s, GrantRole{id, role}, *a);
      return Propose(s, RevokeRole{id, role}, *a);
    });
  }

  CLI::App* fr = propose->add_subcommand("freeze", _("stop an account sending and receiving"));
  fr->add_option("ADDRESS", a->address, _("the account"))->required();
  fr->add_option("--reason", a->reason, _("why: recorded and shown with the account"))->required();
  common(fr);
  ctx.On(fr, [a](Session& s) -> CliStatus {
    CliStatus st = ReasonArg(a->reason);
    if (!st.ok()) return st;
    AccountId id;
    st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    return Propose(s, Freeze{id, a->reason}, *a);
  });

  CLI::App* uf = propose->add_subcommand("unfreeze", _("let a frozen account work again"));
  uf->add_option("ADDRESS", a->address, _("the account"))->required();
  common(uf);
  ctx.On(uf, [a](Session& s) -> CliStatus {
    AccountId id;
    CliStatus st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    return Propose(s, Unfreeze{id}, *a);
  });

  CLI::App* rk = propose->add_subcommand(
      "rekey", _("lost phone, lost key: the account signs with a new key; its balance stays"));
  rk->add_option("ADDRESS", a->address, _("the account"))->required();
  rk->add_option("NEW_KEY", a->new_key,
                 _("the new key: its address or its public key (64 hex), from 'liard key show'"))
      ->required();
  common(rk);
  rk->footer(
      _("After the decision the member runs: liard key set-account NEWKEYNAME ADDRESS\n"
        "Example:\n  liard --key board-1 board propose rekey roue1q(old)... roue1q(new)..."));
  ctx.On(rk, [a](Session& s) -> CliStatus {
    AccountId id;
    CliStatus st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    PublicKey key;
    std::string bytes;
    if (!(FromHex(a->new_key, &bytes) && key.Assign(bytes))) {
      st = s.ParseAddress(a->new_key, &key);
      if (!st.ok())
        return CliStatus::Usage(Tr("NEW_KEY must be an address or a public key in 64 hex: {error}",
                                   fmt::arg("error", st.message())));
    }
    st = Session::CheckNewKey(key, "NEW_KEY");
    if (!st.ok()) return st;
    return Propose(s, Rekey{id, key}, *a);
  });

  CLI::App* pa = propose->add_subcommand(
      "pause", _("the emergency stop: every payment refused until resumed; reads go on"));
  pa->add_option("--reason", a->reason, _("why: shown to everyone"))->required();
  common(pa);
  ctx.On(pa, [a](Session& s) -> CliStatus {
    CliStatus st = ReasonArg(a->reason);
    if (!st.ok()) return st;
    st = s.Connect();
    if (!st.ok()) return st;
    return Propose(s, Pause{a->reason}, *a);
  });

  CLI::App* re = propose->add_subcommand("resume", _("end a pause"));
  common(re);
  ctx.On(re, [a](Session& s) -> CliStatus { return Propose(s, Resume{}, *a); });

  CLI::App* th = propose->add_subcommand("set-threshold", _("how many approvals decide"));
  th->add_option("N", a->threshold, _("1 to the board's size"))->required();
  common(th);
  ctx.On(th, [a](Session& s) -> CliStatus {
    if (a->threshold == 0) return CliStatus::Usage(_("N must be at least 1"));
    return Propose(s, SetThreshold{a->threshold}, *a);
  });

  CLI::App* nk = propose->add_subcommand(
      "set-node-key", _("the node signs its checkpoints with a new key (liard-node rekey-node)"));
  nk->add_option("NODE_KEY", a->new_key, _("the new node key, 64 hex, as rekey-node prints it"))
      ->required();
  common(nk);
  ctx.On(nk, [a](Session& s) -> CliStatus {
    PublicKey key;
    std::string bytes;
    if (!(FromHex(a->new_key, &bytes) && key.Assign(bytes)))
      return CliStatus::Usage(
          _("NODE_KEY must be a public key in 64 hex, as `liard-node rekey-node` prints it"));
    return Propose(s, SetNodeKey{key}, *a);
  });

  CLI::App* nks = propose->add_subcommand(
      "set-node-keys",
      _("name the keys of all the ledger's nodes, the whole set (liard-node node-key)"));
  nks->add_option("NODE_KEYS", a->new_key,
                  _("1 to 7 node keys, 64 hex each, separated by commas, as `liard-node "
                    "node-key` prints them on each node"))
      ->required();
  common(nks);
  ctx.On(nks, [a](Session& s) -> CliStatus {
    SetNodeKeys d;
    std::string_view rest = a->new_key;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string one(rest.substr(0, comma));
      PublicKey key;
      std::string bytes;
      if (!(FromHex(one, &bytes) && key.Assign(bytes)))
        return CliStatus::Usage(
            Tr("« {key} » is not a public key in 64 hex, as `liard-node "
               "node-key` prints it",
               fmt::arg("key", SafeText(one.substr(0, 80)))));
      if (std::find(d.node_keys.begin(), d.node_keys.end(), key) != d.node_keys.end())
        return CliStatus::Usage(Tr("node key {fingerprint} is named twice",
                                   fmt::arg("fingerprint", KeyFingerprint(key))));
      d.node_keys.push_back(key);
      if (d.node_keys.size() > kMaxNodeKeys)
        return CliStatus::Usage(
            Tr("a ledger names at most {max} node keys", fmt::arg("max", kMaxNodeKeys)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return Propose(s, std::move(d), *a);
  });

  CLI::App* sr = propose->add_subcommand(
      "set-rules", _("change fees, conversion bounds and limits from a TOML file"));
  sr->add_option("FILE", a->file, _("[rules] as in the genesis, and [[limits]] per kind"))
      ->required();
  common(sr);
  sr->footer(
      _("The file names only what changes; the rest (and every programme) stays as in force.\n"
        "  [rules]\n  reconversion_fee = \"3/100\"\n  conversion_max = \"500.00\"\n"
        "  [[limits]]\n  kind = \"resident\"\n  max_payment = \"150.00\"\n"
        "  daily_outgoing = \"300.00\"\n  balance_ceiling = \"2000.00\""));
  ctx.On(sr, [a](Session& s) -> CliStatus {
    pb::GovernanceInfo g;
    CliStatus st = Governance(s, &g);
    if (!st.ok()) return st;
    Rules rules;
    Status d = codec::DecodeRules(g.rules(), &rules);
    if (!d.ok()) return UndecodableRules(d);
    st = LoadRulesFile(s, a->file, &rules);
    if (!st.ok()) return st;
    return Propose(s, SetRules{rules}, *a);
  });

  CLI::App* sign = board->add_subcommand("sign", _("approve a pending proposal"));
  sign->add_option("ID", a->proposal, _("the proposal id (64 hex), from 'liard board list'"))
      ->required();
  sign->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
  sign->add_flag("--json", a->json, _("print the result as JSON"));
  sign->footer(_("Example:\n  liard --key board-2 board sign 3f1a...e9"));
  ctx.On(sign, [a](Session& s) { return BoardSign(s, *a); });

  CLI::App* withdraw = board->add_subcommand(
      "withdraw", _("withdraw a pending proposal you made: nobody can approve it any more"));
  withdraw->add_option("ID", a->proposal, _("the proposal id (64 hex), from 'liard board list'"))
      ->required();
  withdraw->add_flag("--yes,-y", a->yes, _("do not ask to confirm"));
  withdraw->add_flag("--json", a->json, _("print the result as JSON"));
  withdraw->footer(_("Example:\n  liard --key board-1 board withdraw 3f1a...e9"));
  ctx.On(withdraw, [a](Session& s) { return BoardWithdraw(s, *a); });

  CLI::App* list = board->add_subcommand(
      "list", _("the board, its threshold, the pause, the rules and the pending proposals"));
  list->add_flag("--json", a->json, _("print JSON"));
  list->footer(_("Anyone may read it: the association's governance is public."));
  ctx.On(list, [a](Session& s) { return BoardList(s, *a); });
}

}  // namespace liard::wallet
