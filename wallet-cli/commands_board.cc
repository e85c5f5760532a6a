// liard board propose|sign|list: the board's M-of-N decisions (docs/wallet.md, "The board").

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/governance.h"
#include "ledger/rules_toml.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/audit.h"
#include "wallet-cli/board_diff.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

struct BoardArgs {
  std::string address, name, kind = "merchant", role, reason, new_key, file, expires = "7d",
                             proposal, member_until, fee;
  uint32_t threshold = 0;
  bool yes = false, json = false;
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
  return CliStatus::Usage("the role '" + SafeText(text) +
                          "' is not one the board grants: treasurer, board-member or auditor");
}

CliStatus ReasonArg(const std::string& reason) {
  if (reason.empty() || reason.size() > kMaxReasonBytes || !IsPrintableUtf8(reason))
    return CliStatus::Usage("--reason is 1 to " + std::to_string(kMaxReasonBytes) +
                            " bytes of text without control characters; it is recorded and shown");
  return CliStatus::Ok();
}

// The governance in force, as the diff of a decision needs it.
BoardState StateOf(const pb::GovernanceInfo& g, CliStatus* status) {
  BoardState b;
  b.sequence = g.sequence();
  Status d = codec::DecodeRules(g.rules(), &b.rules);
  if (!d.ok()) *status = CliStatus::Local("the node's rules do not decode: " + d.ToString());
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
    return PartyInFull(card.name(), KindWord(card.kind()), address);
  };
  CardFn card_of = [&](const AccountId& id, pb::AccountCard* card) {
    bool found = false;
    return session.CardOf(id, card, &found).ok() && found;
  };
  return DescribeChange(decision, now, who, card_of, session.money());
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
std::string Standing(Session& session, const Hash& id, json* j) {
  pb::GovernanceInfo g;
  if (!session.node().GetGovernance(&g).ok()) return "";
  const pb::ProposalInfo* p = FindPending(g, id);
  if (p != nullptr && p->withdrawn()) {
    (*j)["decided"] = false;
    (*j)["withdrawn"] = true;
    return "withdrawn: it can no longer be approved, and leaves the list when it expires";
  }
  if (p == nullptr) {
    (*j)["decided"] = true;
    return "decided: the board's decision is applied";
  }
  (*j)["decided"] = false;
  (*j)["approvals"] = p->approvals_size();
  (*j)["threshold"] = g.threshold();
  return std::to_string(p->approvals_size()) + " of " + std::to_string(g.threshold()) +
         " approvals; the other board members sign it with: liard board sign " + ToHex(id);
}

// Prepare, preview, confirm, sign, submit a Propose, an Approve or a Withdraw, then say where
// it stands. `change` is what the decision changes, shown after the result too (with --yes
// nobody saw the question).
CliStatus SubmitBoardOp(Session& session, Payload payload, const Change& change,
                        const std::string& question, const BoardArgs& a, bool is_proposal,
                        const Hash& proposal) {
  const std::string& words = change.summary;
  const bool withdrawal = std::holds_alternative<Withdraw>(payload);
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
    std::cout << "nothing was sent\n";
    return CliStatus::Ok();
  }
  Hash id = proposal;
  if (is_proposal && !id.Assign(r.operation_id()))
    return CliStatus::Local("the node answered without an operation id");
  json j;
  j["proposal"] = ToHex(id);
  j["decision"] = words;
  j["change"] = ChangeJson(change);
  std::string standing = Standing(session, id, &j);
  j["operation_id"] = ToHex(r.operation_id());
  j["sequence"] = r.sequence();
  j["note"] = r.message();
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(r, (is_proposal  ? "proposed: "
                             : withdrawal ? "withdrawn: "
                                          : "approved: ") +
                                words);
  if (!withdrawal)
    std::cout << SafeText(RenderChange(change, "  ").substr(change.summary.size() + 1),
                          Newlines::kKeep);
  std::cout << "proposal " << ToHex(id) << "\n";
  if (!standing.empty()) std::cout << SafeText(standing, Newlines::kKeep) << "\n";
  return CliStatus::Ok();
}

CliStatus Propose(Session& session, Decision decision, const BoardArgs& a) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  liard::Propose propose;
  if (!ParseExpiry(a.expires, NowMs(), &propose.expires_ms))
    return CliStatus::Usage("--expires '" + SafeText(a.expires) +
                            "' must be a duration such as 7d, 48h or 90m, or a date YYYY-MM-DD");
  if (propose.expires_ms - NowMs() > kMaxProposalLifetimeMs)
    return CliStatus::Usage("a proposal may stay open at most 30 days");
  pb::GovernanceInfo g;
  s = session.node().GetGovernance(&g);
  if (!s.ok()) return s;
  const Change change = ChangeOf(session, decision, g);
  propose.decision = std::move(decision);
  const std::string question = "Propose to the board: " + RenderChange(change, "  ") +
                               "(compared with what is in force at journal entry " +
                               std::to_string(g.sequence()) + "; open until " +
                               LocalDateTime(propose.expires_ms) + ")\nPropose it?";
  return SubmitBoardOp(session, std::move(propose), change, question, a, true, Hash());
}

// ---- set-rules: a TOML file of the genesis' [rules] shape, plus [[limits]] and
// [[programmes]]; what it does not name stays as in force. Read by the same reader as the
// node's genesis file (ledger/rules_toml.h).

CliStatus LoadRulesFile(Session& session, const std::string& file, Rules* rules) {
  std::string text;
  bool found = false;
  CliStatus read = ReadWholeFile(file, &text, &found);
  if (!read.ok()) return read;
  if (!found) return CliStatus::Local("cannot read the rules file " + file);
  const Money& money = session.money();
  Status s = ParseRulesToml(text, file, RulesDocument::kChange, money.decimals(),
                            money.code().empty() ? "units" : money.code(), rules);
  if (!s.ok()) return CliStatus::Usage(s.message());
  Status v = ValidateRules(*rules);
  if (!v.ok()) return CliStatus::Usage("the rules in " + file + " are not valid: " + v.message());
  return CliStatus::Ok();
}

CliStatus BoardList(Session& session, bool as_json) {
  pb::GovernanceInfo g;
  CliStatus s = Governance(session, &g);
  if (!s.ok()) return s;
  auto name_of = [&](const AccountId& id) { return session.NameOf(id); };
  auto id_of = [](const std::string& bytes) {
    AccountId id;
    (void)id.Assign(bytes);
    return id;
  };
  Rules rules;
  const bool rules_ok = codec::DecodeRules(g.rules(), &rules).ok();
  if (as_json) {
    json j;
    j["sequence"] = g.sequence();
    j["threshold"] = g.threshold();
    json board = json::array();
    for (const auto& b : g.board())
      board.push_back(
          {{"address", session.AddressOf(id_of(b))}, {"name", session.PlainNameOf(id_of(b))}});
    j["board"] = board;
    j["paused"] = g.paused();
    j["pause_reason"] = g.pause_reason();
    j["rules"] = rules_ok ? DescribeRules(rules, session.money()) : "";
    json list = json::array();
    for (const auto& p : g.proposals()) {
      Decision d;
      std::string words = "an unknown decision";
      std::string kind = "unknown";
      if (codec::DecodeDecision(p.decision(), &d).ok()) {
        words = DescribeDecision(d, name_of, session.money());
        kind = std::string(DecisionName(d));
      }
      json approvals = json::array();
      for (const auto& a : p.approvals()) approvals.push_back(session.AddressOf(id_of(a)));
      json change;
      if (kind != "unknown") change = ChangeJson(ChangeOf(session, d, g));
      list.push_back({{"id", ToHex(p.id())},
                      {"decision", kind},
                      {"summary", words},
                      {"change", change},
                      {"withdrawn", p.withdrawn()},
                      {"proposer", session.AddressOf(id_of(p.proposer()))},
                      {"approvals", approvals},
                      {"approvals_count", p.approvals_size()},
                      {"threshold", g.threshold()},
                      {"expires_ms", p.expires_ms()},
                      {"expires", UtcIso(p.expires_ms())}});
    }
    j["proposals"] = list;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << "Board: " << g.board_size() << (g.board_size() == 1 ? " member, " : " members, ")
            << g.threshold() << (g.threshold() == 1 ? " approval decides" : " approvals decide")
            << "\n";
  for (const auto& b : g.board()) std::cout << "  " << name_of(id_of(b)) << "\n";
  if (g.paused())
    std::cout << "\nPAUSED: payments are halted « " << SafeText(g.pause_reason())
              << " »; a board decision resumes them (liard board propose resume)\n";
  if (rules_ok) std::cout << "\nRules: " << DescribeRules(rules, session.money()) << "\n";
  if (g.proposals_size() == 0) {
    std::cout << "\nNo pending proposal.\n";
    return CliStatus::Ok();
  }
  std::cout << "\nPending proposals (" << g.proposals_size() << "), each against what is in force"
            << " now (journal entry " << g.sequence() << "):\n";
  for (const auto& p : g.proposals()) {
    Decision d;
    std::string words = "an unknown decision\n";
    if (codec::DecodeDecision(p.decision(), &d).ok())
      words = RenderChange(ChangeOf(session, d, g), "    ");
    std::cout << "\n" << ToHex(p.id()) << "\n  " << SafeText(words, Newlines::kKeep);
    if (p.withdrawn()) {
      std::cout << "  WITHDRAWN by its proposer " << name_of(id_of(p.proposer()))
                << ": it can no longer be approved; listed until " << LocalDateTime(p.expires_ms())
                << "\n";
      continue;
    }
    std::string who;
    for (const auto& a : p.approvals()) who += (who.empty() ? "" : ", ") + name_of(id_of(a));
    std::cout << "  " << p.approvals_size() << " of " << g.threshold() << " approvals (" << who
              << "); open until " << LocalDateTime(p.expires_ms()) << "\n";
  }
  std::cout << "\nSign one with: liard board sign ID; its proposer withdraws it with: liard board "
               "withdraw ID\n";
  return CliStatus::Ok();
}

// The pending proposal that `a.proposal` names, with the governance it was read from: a usage
// error for a malformed id, a refusal if no pending proposal has it. `*p` points into `*g`.
CliStatus PendingProposal(Session& session, const BoardArgs& a, Hash* id, pb::GovernanceInfo* g,
                          const pb::ProposalInfo** p) {
  std::string bytes;
  if (!FromHex(a.proposal, &bytes) || !id->Assign(bytes))
    return CliStatus::Usage(
        "a proposal id is 64 hexadecimal characters, as 'liard board list' shows it");
  CliStatus s = Governance(session, g);
  if (!s.ok()) return s;
  *p = FindPending(*g, *id);
  if (*p == nullptr)
    return CliStatus::Refused("no pending proposal " + a.proposal +
                              ": it was decided already, it expired, or it never existed "
                              "(liard board list shows the pending ones)");
  return CliStatus::Ok();
}

CliStatus BoardSign(Session& session, const BoardArgs& a) {
  Hash id;
  pb::GovernanceInfo g;
  const pb::ProposalInfo* p = nullptr;
  CliStatus s = PendingProposal(session, a, &id, &g, &p);
  if (!s.ok()) return s;
  if (p->withdrawn())
    return CliStatus::Refused("the proposal " + a.proposal +
                              " was withdrawn by its proposer: it can no longer be approved");
  Decision d;
  Status ds = codec::DecodeDecision(p->decision(), &d);
  if (!ds.ok())
    return CliStatus::Local("the proposal holds a decision this wallet cannot read: " +
                            ds.ToString() + "; nothing was signed");
  // Against what is in force now, not when it was proposed: that is what approving changes.
  const Change change = ChangeOf(session, d, g);
  std::string made;
  pb::Receipt receipt;
  if (session.node().GetOperation(id, &receipt).ok())
    made = "; proposed at journal entry " + std::to_string(receipt.sequence()) + ", " +
           LocalDateTime(receipt.time_ms());
  std::string note;
  if (receipt.sequence() != 0 && receipt.sequence() < g.sequence() &&
      std::holds_alternative<SetRules>(d))
    note =
        "\nIf the rules changed since it was proposed, the lines above say what approving "
        "changes now, undoing any change it does not carry.";
  const std::string question = "Approve: " + RenderChange(change, "  ") +
                               "(compared with what is in force now, at journal entry " +
                               std::to_string(g.sequence()) + made + ")" + note + "\n" +
                               std::to_string(p->approvals_size()) + " of " +
                               std::to_string(g.threshold()) + " approvals so far. Approve it?";
  return SubmitBoardOp(session, Approve{id}, change, question, a, false, id);
}

CliStatus BoardWithdraw(Session& session, const BoardArgs& a) {
  Hash id;
  pb::GovernanceInfo g;
  const pb::ProposalInfo* p = nullptr;
  CliStatus s = PendingProposal(session, a, &id, &g, &p);
  if (!s.ok()) return s;
  Decision d;
  Change change;
  change.summary = "an unknown decision";
  if (codec::DecodeDecision(p->decision(), &d).ok()) change = ChangeOf(session, d, g);
  const std::string question = "Withdraw your proposal " + ToHex(id).substr(0, 16) + "… (" +
                               change.summary + ")? Nobody will be able to approve it any more.";
  return SubmitBoardOp(session, Withdraw{id}, change, question, a, false, id);
}

}  // namespace

void RegisterBoardCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<BoardArgs>();
  CLI::App* board = app.add_subcommand(
      "board", "board members: propose decisions, sign or withdraw them, list the pending ones");
  board->require_subcommand(1);

  CLI::App* propose = board->add_subcommand(
      "propose", "propose a decision; it is applied once enough board members signed it");
  propose->require_subcommand(1);
  propose->footer(
      "Every proposal is open 7 days unless --expires (a duration 7d, 48h, 90m, or a date).\n"
      "Examples:\n"
      "  liard --key board-1 board propose freeze roue1q... --reason \"phone stolen\"\n"
      "  liard --key board-1 board propose open-account roue1q... --kind merchant --name "
      "\"Épicerie\"\n"
      "  liard --key board-1 board propose pause --reason \"office key stolen\"");
  auto common = [&](CLI::App* sub) {
    sub->add_option("--expires", a->expires, "how long it stays open: 7d, 48h, 90m or YYYY-MM-DD")
        ->capture_default_str();
    sub->add_flag("--yes,-y", a->yes, "do not ask to confirm");
    sub->add_flag("--json", a->json, "print the result as JSON");
  };

  CLI::App* open = propose->add_subcommand("open-account", "open an account of any kind");
  open->add_option("ADDRESS", a->address, "the new account's address")->required();
  open->add_option("--name", a->name, "the name payers will see")->required();
  open->add_option("--kind", a->kind,
                   "merchant, exchange-office, municipality, association or resident")
      ->capture_default_str();
  open->add_option("--member-until", a->member_until, "residents: membership end, YYYY-MM-DD");
  open->add_option("--fee", a->fee, "residents: the membership fee paid, in euros");
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
          "--kind must be merchant, exchange-office, municipality, association or resident");
    if (!IsValidName(a->name))
      return CliStatus::Usage("a name is 1 to 64 bytes of text without control characters");
    o.name = a->name;
    if (!a->member_until.empty() && !ParseDateEnd(a->member_until, &o.member_until_ms))
      return CliStatus::Usage("--member-until must be a date, YYYY-MM-DD");
    if (!a->fee.empty() && !ParseAmount(a->fee, 2, &o.fee).ok())
      return CliStatus::Usage("--fee '" + SafeText(a->fee) + "' is not an amount in euros");
    CliStatus st = AccountArg(s, a->address, &o.id);
    if (!st.ok()) return st;
    st = Session::CheckNewKey(o.id, "the new account's address");
    if (!st.ok()) return st;
    return Propose(s, o, *a);
  });

  for (bool grant : {true, false}) {
    CLI::App* r = propose->add_subcommand(grant ? "grant-role" : "revoke-role",
                                          grant ? "give an account a role" : "take a role back");
    r->add_option("ADDRESS", a->address, "the account")->required();
    r->add_option("ROLE", a->role, "treasurer, board-member or auditor")->required();
    common(r);
    ctx.On(r, [a, grant](Session& s) -> CliStatus {
      Role role;
      CliStatus st = RoleArg(a->role, &role);
      if (!st.ok()) return st;
      AccountId id;
      st = AccountArg(s, a->address, &id);
      if (!st.ok()) return st;
      if (grant) return Propose(s, GrantRole{id, role}, *a);
      return Propose(s, RevokeRole{id, role}, *a);
    });
  }

  CLI::App* fr = propose->add_subcommand("freeze", "stop an account sending and receiving");
  fr->add_option("ADDRESS", a->address, "the account")->required();
  fr->add_option("--reason", a->reason, "why: recorded and shown with the account")->required();
  common(fr);
  ctx.On(fr, [a](Session& s) -> CliStatus {
    CliStatus st = ReasonArg(a->reason);
    if (!st.ok()) return st;
    AccountId id;
    st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    return Propose(s, Freeze{id, a->reason}, *a);
  });

  CLI::App* uf = propose->add_subcommand("unfreeze", "let a frozen account work again");
  uf->add_option("ADDRESS", a->address, "the account")->required();
  common(uf);
  ctx.On(uf, [a](Session& s) -> CliStatus {
    AccountId id;
    CliStatus st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    return Propose(s, Unfreeze{id}, *a);
  });

  CLI::App* rk = propose->add_subcommand(
      "rekey", "lost phone, lost key: the account signs with a new key; its balance stays");
  rk->add_option("ADDRESS", a->address, "the account")->required();
  rk->add_option("NEW_KEY", a->new_key,
                 "the new key: its address or its public key (64 hex), from 'liard key show'")
      ->required();
  common(rk);
  rk->footer(
      "After the decision the member runs: liard key set-account NEWKEYNAME ADDRESS\n"
      "Example:\n  liard --key board-1 board propose rekey roue1q(old)... roue1q(new)...");
  ctx.On(rk, [a](Session& s) -> CliStatus {
    AccountId id;
    CliStatus st = AccountArg(s, a->address, &id);
    if (!st.ok()) return st;
    PublicKey key;
    std::string bytes;
    if (!(FromHex(a->new_key, &bytes) && key.Assign(bytes))) {
      st = s.ParseAddress(a->new_key, &key);
      if (!st.ok())
        return CliStatus::Usage("NEW_KEY must be an address or a public key in 64 hex: " +
                                st.message());
    }
    st = Session::CheckNewKey(key, "NEW_KEY");
    if (!st.ok()) return st;
    return Propose(s, Rekey{id, key}, *a);
  });

  CLI::App* pa = propose->add_subcommand(
      "pause", "the emergency stop: every payment refused until resumed; reads go on");
  pa->add_option("--reason", a->reason, "why: shown to everyone")->required();
  common(pa);
  ctx.On(pa, [a](Session& s) -> CliStatus {
    CliStatus st = ReasonArg(a->reason);
    if (!st.ok()) return st;
    st = s.Connect();
    if (!st.ok()) return st;
    return Propose(s, Pause{a->reason}, *a);
  });

  CLI::App* re = propose->add_subcommand("resume", "end a pause");
  common(re);
  ctx.On(re, [a](Session& s) -> CliStatus { return Propose(s, Resume{}, *a); });

  CLI::App* th = propose->add_subcommand("set-threshold", "how many approvals decide");
  th->add_option("N", a->threshold, "1 to the board's size")->required();
  common(th);
  ctx.On(th, [a](Session& s) -> CliStatus {
    if (a->threshold == 0) return CliStatus::Usage("N must be at least 1");
    return Propose(s, SetThreshold{a->threshold}, *a);
  });

  CLI::App* nk = propose->add_subcommand(
      "set-node-key", "the node signs its checkpoints with a new key (liard-node rekey-node)");
  nk->add_option("NODE_KEY", a->new_key, "the new node key, 64 hex, as rekey-node prints it")
      ->required();
  common(nk);
  ctx.On(nk, [a](Session& s) -> CliStatus {
    PublicKey key;
    std::string bytes;
    if (!(FromHex(a->new_key, &bytes) && key.Assign(bytes)))
      return CliStatus::Usage(
          "NODE_KEY must be a public key in 64 hex, as `liard-node "
          "rekey-node` prints it");
    return Propose(s, SetNodeKey{key}, *a);
  });

  CLI::App* sr = propose->add_subcommand(
      "set-rules", "change fees, conversion bounds and limits from a TOML file");
  sr->add_option("FILE", a->file, "[rules] as in the genesis, and [[limits]] per kind")->required();
  common(sr);
  sr->footer(
      "The file names only what changes; the rest (and every programme) stays as in force.\n"
      "  [rules]\n  reconversion_fee = \"3/100\"\n  conversion_max = \"500.00\"\n"
      "  [[limits]]\n  kind = \"resident\"\n  max_payment = \"150.00\"\n"
      "  daily_outgoing = \"300.00\"\n  balance_ceiling = \"2000.00\"");
  ctx.On(sr, [a](Session& s) -> CliStatus {
    pb::GovernanceInfo g;
    CliStatus st = Governance(s, &g);
    if (!st.ok()) return st;
    Rules rules;
    Status d = codec::DecodeRules(g.rules(), &rules);
    if (!d.ok()) return CliStatus::Local("the node's rules do not decode: " + d.ToString());
    st = LoadRulesFile(s, a->file, &rules);
    if (!st.ok()) return st;
    return Propose(s, SetRules{rules}, *a);
  });

  CLI::App* sign = board->add_subcommand("sign", "approve a pending proposal");
  sign->add_option("ID", a->proposal, "the proposal id (64 hex), from 'liard board list'")
      ->required();
  sign->add_flag("--yes,-y", a->yes, "do not ask to confirm");
  sign->add_flag("--json", a->json, "print the result as JSON");
  sign->footer("Example:\n  liard --key board-2 board sign 3f1a...e9");
  ctx.On(sign, [a](Session& s) { return BoardSign(s, *a); });

  CLI::App* withdraw = board->add_subcommand(
      "withdraw", "withdraw a pending proposal you made: nobody can approve it any more");
  withdraw->add_option("ID", a->proposal, "the proposal id (64 hex), from 'liard board list'")
      ->required();
  withdraw->add_flag("--yes,-y", a->yes, "do not ask to confirm");
  withdraw->add_flag("--json", a->json, "print the result as JSON");
  withdraw->footer("Example:\n  liard --key board-1 board withdraw 3f1a...e9");
  ctx.On(withdraw, [a](Session& s) { return BoardWithdraw(s, *a); });

  CLI::App* list = board->add_subcommand(
      "list", "the board, its threshold, the pause, the rules and the pending proposals");
  list->add_flag("--json", a->json, "print JSON");
  list->footer("Anyone may read it: the association's governance is public.");
  ctx.On(list, [a](Session& s) { return BoardList(s, a->json); });
}

}  // namespace liard::wallet
