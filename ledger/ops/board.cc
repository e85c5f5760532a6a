// The board: a member proposes a decision (Propose), others approve it (Approve) or its
// proposer withdraws it (Withdraw); once approvals reach the threshold the decision executes —
// OpenAccount, GrantRole, RevokeRole, SetRules, Freeze, Unfreeze, Rekey, Pause, Resume,
// SetThreshold, SetNodeKey, SetNodeKeys. Each decision's shape check and its Execute are below.
#include <algorithm>
#include <string>

#include "ledger/crypto.h"
#include "ledger/governance.h"
#include "ledger/ops/ops.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

// ---- Decisions: shape (phase 1) ----

Status CheckReason(std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxReasonBytes || !IsPrintableUtf8(reason))
    return Status(Code::kBadDecision, "a reason is 1 to 256 bytes of printable UTF-8");
  return Status::Ok();
}

Status CheckRole(Role role) {
  if (!IsGrantableRole(static_cast<uint32_t>(role)))
    return Status(Code::kBadRole,
                  "only the treasurer, board-member and auditor roles are "
                  "granted or revoked; the others come with an account's kind");
  return Status::Ok();
}

Status PreflightDecision(const Operation& op, const Decision& decision) {
  struct V {
    const Operation& op;
    Status operator()(const OpenAccount& o) const { return Preflight(op, o); }
    Status operator()(const GrantRole& g) const { return CheckRole(g.role); }
    Status operator()(const RevokeRole& g) const { return CheckRole(g.role); }
    Status operator()(const SetRules& r) const {
      Status s = ValidateRules(r.rules);
      return s.ok() ? s : Status(Code::kBadRules, s.message());
    }
    Status operator()(const Freeze& f) const { return CheckReason(f.reason); }
    Status operator()(const Unfreeze&) const { return Status::Ok(); }
    Status operator()(const Rekey& k) const {
      if (k.new_key.IsZero()) return Status(Code::kBadAccountId, "the new key is all zeros");
      return Status::Ok();
    }
    Status operator()(const Pause& p) const { return CheckReason(p.reason); }
    Status operator()(const Resume&) const { return Status::Ok(); }
    Status operator()(const SetThreshold& t) const {
      if (t.threshold < 1) return Status(Code::kBadDecision, "a threshold is at least 1");
      return Status::Ok();
    }
    Status operator()(const SetNodeKey& k) const {
      if (!IsValidPublicKey(k.node_key))
        return Status(Code::kBadDecision, "the node key is not a valid Ed25519 public key");
      return Status::Ok();
    }
    Status operator()(const SetNodeKeys& k) const {
      const auto& keys = k.node_keys;
      if (keys.empty() || keys.size() > kMaxNodeKeys)
        return Status(Code::kBadDecision, "a set of node keys has 1 to " +
                                              std::to_string(kMaxNodeKeys) + " keys, not " +
                                              std::to_string(keys.size()))
            .With("keys", static_cast<int64_t>(keys.size()));
      for (size_t i = 0; i < keys.size(); ++i) {
        if (!IsValidPublicKey(keys[i]))
          return Status(Code::kBadDecision,
                        "node key " + std::to_string(i + 1) + " is not a valid Ed25519 public key");
        for (size_t j = 0; j < i; ++j)
          if (keys[j] == keys[i])
            return Status(Code::kBadDecision, "node key " + std::to_string(i + 1) +
                                                  " is named twice (also key " +
                                                  std::to_string(j + 1) + ")");
      }
      return Status::Ok();
    }
  };
  return std::visit(V{op}, decision);
}

// ---- Decisions: execution (phase 3, or phase 2 as a dry run) ----

// The board members of `g` who can sign (their accounts active, as the delta has them so far),
// `except` left out.
size_t ActiveSigners(const OpContext& ctx, const Governance& g, const AccountId* except = nullptr) {
  size_t n = 0;
  for (const auto& m : g.board) {
    Account b;
    if ((except == nullptr || m != *except) && ctx.Target(m, &b).ok() &&
        b.status == AccountStatus::kActive)
      ++n;
  }
  return n;
}

// Version 3: a member the board removes or freezes loses its pending proposals (withdrawn ones
// too, freeing their places) and its approvals of the others': approvals are counted when a
// decision is made, and the board no longer trusts this member's.
void DropProposalsOf(OpContext& ctx, Governance* g, const AccountId& id) {
  const size_t proposals =
      std::erase_if(g->pending, [&](const Proposal& p) { return p.proposer == id; });
  size_t approvals = 0;
  for (Proposal& p : g->pending) approvals += std::erase(p.approvals, id);
  if (proposals + approvals > 0)
    ctx.delta->note = "dropped the member's " + std::to_string(proposals) +
                      " pending proposals and " + std::to_string(approvals) + " approvals";
}

Status Execute(OpContext& ctx, const OpenAccount& o, Governance*) { return Open(ctx, o); }

Status Execute(OpContext& ctx, const GrantRole& d, Governance* g) {
  Account a;
  Status s = ctx.Target(d.account, &a);
  if (!s.ok()) return s;
  if (d.role == Role::kBoardMember) {
    if (!g->IsBoardMember(a.id)) {
      g->board.push_back(a.id);
      std::sort(g->board.begin(), g->board.end());
    }
    return Status::Ok();
  }
  a.roles |= RoleBit(d.role);
  ctx.Write(std::move(a));
  return Status::Ok();
}

Status Execute(OpContext& ctx, const RevokeRole& d, Governance* g) {
  Account a;
  Status s = ctx.Target(d.account, &a);
  if (!s.ok()) return s;
  if (d.role == Role::kBoardMember) {
    std::erase(g->board, a.id);
    if (g->board.size() < g->threshold)
      return Status(Code::kBoardTooSmall,
                    "the board would have " + std::to_string(g->board.size()) +
                        " members, fewer than the threshold of " + std::to_string(g->threshold))
          .With("members", static_cast<int64_t>(g->board.size()))
          .With("threshold", static_cast<int64_t>(g->threshold));
    if (BoardGuarded(ctx.genesis)) {
      const size_t signers = ActiveSigners(ctx, *g);
      if (signers < g->threshold)
        return Status(Code::kBoardTooSmall,
                      "the board would have " + std::to_string(signers) +
                          " active members (frozen and closed ones cannot sign), fewer than "
                          "the threshold of " +
                          std::to_string(g->threshold))
            .With("signers", static_cast<int64_t>(signers))
            .With("threshold", static_cast<int64_t>(g->threshold));
      DropProposalsOf(ctx, g, a.id);
    }
    return Status::Ok();
  }
  a.roles &= ~RoleBit(d.role);
  ctx.Write(std::move(a));
  return Status::Ok();
}

Status Execute(OpContext& ctx, const SetRules& d, Governance* g) {
  if (!OfficeConversionsGuarded(ctx.genesis) && HasOfficeConversionRules(d.rules))
    return Status(Code::kBadRules,
                  "conversion member_kinds and office_cash_ceiling need a version 3 genesis");
  for (const Programme& old : g->rules.programmes) {
    if (d.rules.FindProgramme(old.name) != nullptr) continue;
    if (ctx.state.Balance(BookKey{Slot::kSponsorBudget, ProgrammeId(old.name)}) != 0)
      return Status(Code::kBadRules, "programme '" + old.name +
                                         "' still has budget: end it (ends_ms) instead of "
                                         "dropping it");
  }
  if (d.rules.share != g->rules.share) {
    Status s = CheckShareAssociations(ctx.state, d.rules.share);
    if (!s.ok()) return s;
  }
  if (Status s = CheckDemurrageDecision(ctx.state, g->rules.demurrage, d.rules.demurrage,
                                        ctx.zone(), ctx.now_ms);
      !s.ok())
    return s;
  g->rules = d.rules;
  return Status::Ok();
}

Status Execute(OpContext& ctx, const Freeze& d, Governance* g) {
  Account a;
  Status s = ctx.Target(d.account, &a);
  if (!s.ok()) return s;
  if (a.status == AccountStatus::kClosed)
    return Status(Code::kDestinationClosed, "the account is closed");
  // A frozen board member cannot sign: never leave fewer signers than the threshold, or
  // nobody could ever unfreeze them.
  if (g->IsBoardMember(a.id) && a.status == AccountStatus::kActive) {
    const size_t signers = ActiveSigners(ctx, *g, &a.id);
    if (signers < g->threshold)
      return Status(Code::kBoardTooSmall, "freezing this board member would leave " +
                                              std::to_string(signers) +
                                              " who can sign, fewer than the threshold of " +
                                              std::to_string(g->threshold))
          .With("signers", static_cast<int64_t>(signers))
          .With("threshold", static_cast<int64_t>(g->threshold));
  }
  if (BoardGuarded(ctx.genesis) && g->IsBoardMember(a.id)) DropProposalsOf(ctx, g, a.id);
  a.status = AccountStatus::kFrozen;
  a.freeze_reason = d.reason;
  ctx.Write(std::move(a));
  return Status::Ok();
}

Status Execute(OpContext& ctx, const Unfreeze& d, Governance*) {
  Account a;
  Status s = ctx.Target(d.account, &a);
  if (!s.ok()) return s;
  if (a.status == AccountStatus::kClosed)
    return Status(Code::kDestinationClosed, "the account is closed");
  a.status = AccountStatus::kActive;
  a.freeze_reason.clear();
  ctx.Write(std::move(a));
  return Status::Ok();
}

Status Execute(OpContext& ctx, const Rekey& d, Governance*) {
  Account a;
  Status s = ctx.Target(d.account, &a);
  if (!s.ok()) return s;
  if (a.key == d.new_key)
    return Status(Code::kBadDecision, "the account signs with this key already");
  if (!IsValidPublicKey(d.new_key))
    return Status(Code::kBadDecision, "the new key is not a valid Ed25519 public key");
  // A staff key (active or revoked) signs within a scope, or never again: re-keying to it would
  // give a till the owner's powers, or bring a revoked key back. No such key existed before
  // staff keys, so no older journal changes meaning.
  if (const StaffKey* staff = a.FindStaffKey(d.new_key))
    return Status(Code::kKeyInUse, "the new key is the account's staff key '" + staff->label +
                                       "': a re-key needs a key of its own");
  a.key = d.new_key;
  ctx.Write(std::move(a));
  return Status::Ok();
}

Status Execute(OpContext&, const Pause& d, Governance* g) {
  g->paused = true;
  g->pause_reason = d.reason;
  return Status::Ok();
}

Status Execute(OpContext&, const Resume&, Governance* g) {
  g->paused = false;
  g->pause_reason.clear();
  return Status::Ok();
}

Status Execute(OpContext& ctx, const SetThreshold& d, Governance* g) {
  if (d.threshold > g->board.size())
    return Status(Code::kBoardTooSmall, "a threshold of " + std::to_string(d.threshold) +
                                            " is more than the " + std::to_string(g->board.size()) +
                                            " board members")
        .With("threshold", static_cast<int64_t>(d.threshold))
        .With("members", static_cast<int64_t>(g->board.size()));
  if (BoardGuarded(ctx.genesis) && d.threshold > ActiveSigners(ctx, *g))
    return Status(Code::kBoardTooSmall, "a threshold of " + std::to_string(d.threshold) +
                                            " is more than the " +
                                            std::to_string(ActiveSigners(ctx, *g)) +
                                            " active board members (frozen and closed ones "
                                            "cannot sign)")
        .With("threshold", static_cast<int64_t>(d.threshold))
        .With("signers", static_cast<int64_t>(ActiveSigners(ctx, *g)));
  g->threshold = d.threshold;
  return Status::Ok();
}

Status Execute(OpContext&, const SetNodeKey& d, Governance* g) {
  if (g->node_key == d.node_key && g->more_node_keys.empty())
    return Status(Code::kBadDecision, "the ledger names this node key already");
  g->node_key = d.node_key;
  g->more_node_keys.clear();  // the set becomes this one key
  return Status::Ok();
}

Status Execute(OpContext&, const SetNodeKeys& d, Governance* g) {
  if (g->NodeKeys() == d.node_keys)
    return Status(Code::kBadDecision, "the ledger names these node keys already, in this order");
  g->node_key = d.node_keys.front();
  g->more_node_keys.assign(d.node_keys.begin() + 1, d.node_keys.end());
  return Status::Ok();
}

Status ExecuteDecision(OpContext& ctx, const Decision& decision, Governance* g) {
  return std::visit([&](const auto& d) { return Execute(ctx, d, g); }, decision);
}

// ---- Proposals ----

// The governance record with expired proposals dropped.
Governance Pruned(const OpContext& ctx) {
  Governance g = ctx.state.governance();
  std::erase_if(g.pending, [&](const Proposal& p) { return ctx.now_ms > p.expires_ms; });
  return g;
}

// The decision's checks against the state as it is now, its effects discarded: the same
// Execute that applies it once decided, so that each check has one definition.
Status DryRun(OpContext& ctx, const Decision& decision) {
  Delta scratch;
  Delta* kept = ctx.delta;
  ctx.delta = &scratch;
  Governance g = Pruned(ctx);
  Status s = ExecuteDecision(ctx, decision, &g);
  ctx.delta = kept;
  return s;
}

// Applies `proposal`'s decision if its approvals by current board members reach the
// threshold; otherwise keeps it pending. Either way writes the governance record.
Status Decide(OpContext& ctx, Governance g, Proposal proposal) {
  Delta* delta = ctx.delta;
  size_t approvals = 0;
  for (const auto& who : proposal.approvals) approvals += g.IsBoardMember(who) ? 1 : 0;
  if (approvals < g.threshold) {
    delta->note = "proposal " + ToHex(proposal.id).substr(0, 16) + " (" +
                  std::string(DecisionName(proposal.decision)) + "): " + std::to_string(approvals) +
                  " of " + std::to_string(g.threshold) + " approvals";
    // A new proposal goes last; an approved one keeps its place: oldest first.
    auto it = std::find_if(g.pending.begin(), g.pending.end(),
                           [&](const Proposal& x) { return x.id == proposal.id; });
    const size_t own = static_cast<size_t>(
        std::count_if(g.pending.begin(), g.pending.end(),
                      [&](const Proposal& x) { return x.proposer == proposal.proposer; }));
    if (it != g.pending.end()) {
      *it = std::move(proposal);
    } else if (BoardGuarded(ctx.genesis) && own >= ProposalCapPerMember(g)) {
      delta->note.clear();
      return Status(Code::kProposerCapReached,
                    "this board member has " + std::to_string(own) +
                        " proposals pending, its own cap (the 64 places shared by " +
                        std::to_string(g.board.size()) +
                        " members); withdraw one or let it expire first")
          .With("pending", static_cast<int64_t>(own))
          .With("members", static_cast<int64_t>(g.board.size()));
    } else if (g.pending.size() >= kMaxPendingProposals) {
      delta->note.clear();
      return Status(Code::kTooManyProposals,
                    std::to_string(g.pending.size()) + " proposals are pending already")
          .With("pending", static_cast<int64_t>(g.pending.size()));
    } else {
      g.pending.push_back(std::move(proposal));
    }
    delta->governance = std::move(g);
    return Status::Ok();
  }
  std::erase_if(g.pending, [&](const Proposal& x) { return x.id == proposal.id; });
  Status s = ExecuteDecision(ctx, proposal.decision, &g);
  if (!s.ok()) return s;
  delta->note = "decided " + std::string(DecisionName(proposal.decision)) + " with " +
                std::to_string(approvals) + " of " + std::to_string(g.threshold) + " approvals" +
                (delta->note.empty() ? "" : ": " + delta->note);
  delta->governance = std::move(g);
  return Status::Ok();
}

}  // namespace

Status Preflight(const Operation& op, const Propose& p) {
  if (p.expires_ms <= 0) return Status(Code::kBadDecision, "a proposal needs an expiry (Unix ms)");
  return PreflightDecision(op, p.decision);
}

Status Apply(OpContext& ctx, const Propose& p) {
  if (p.expires_ms <= ctx.now_ms || p.expires_ms > ctx.now_ms + kMaxProposalLifetimeMs)
    return Status(Code::kBadDecision, "a proposal must expire after now and within 30 days");
  Proposal proposal{ctx.op_id, ctx.actor.id, p.decision, p.expires_ms, {ctx.actor.id}};
  if (ProposalsCheckedWhenMade(ctx.genesis)) {
    // A decision that could not apply now is refused now, not at its last approval.
    Status s = DryRun(ctx, p.decision);
    if (!s.ok()) return s;
  }
  return Decide(ctx, Pruned(ctx), std::move(proposal));
}

Status Preflight(const Operation&, const Approve&) { return Status::Ok(); }

Status Apply(OpContext& ctx, const Approve& a) {
  const Proposal* found = ctx.state.governance().FindProposal(a.proposal);
  if (found == nullptr)
    return Status(Code::kUnknownProposal, "no pending proposal " + ToHex(a.proposal).substr(0, 16) +
                                              "… (never made, already decided, or expired)");
  if (ctx.now_ms > found->expires_ms)
    return Status(Code::kProposalExpired,
                  "the proposal expired at " + std::to_string(found->expires_ms) + " ms")
        .With("expired_ms", found->expires_ms);
  if (found->withdrawn())
    return Status(Code::kProposalWithdrawn, "its proposer withdrew the proposal");
  for (const auto& who : found->approvals)
    if (who == ctx.actor.id)
      return Status(Code::kAlreadyApproved, "this board member approved the proposal already");
  Proposal proposal = *found;
  proposal.approvals.push_back(ctx.actor.id);
  return Decide(ctx, Pruned(ctx), std::move(proposal));
}

Status Preflight(const Operation&, const Withdraw&) { return Status::Ok(); }

Status Apply(OpContext& ctx, const Withdraw& w) {
  const Proposal* found = ctx.state.governance().FindProposal(w.proposal);
  if (found == nullptr || ctx.now_ms > found->expires_ms)
    return Status(Code::kUnknownProposal, "no pending proposal " + ToHex(w.proposal).substr(0, 16) +
                                              "… (never made, already decided, or expired)");
  if (found->withdrawn())
    return Status(Code::kProposalWithdrawn, "the proposal was withdrawn already");
  if (found->proposer != ctx.actor.id)
    return Status(Code::kNotProposer, "only the board member who proposed it may withdraw it");
  Governance g = Pruned(ctx);
  for (Proposal& p : g.pending)
    if (p.id == w.proposal) p.approvals.clear();  // kept until it expires: see Withdraw
  ctx.delta->note = "proposal " + ToHex(w.proposal).substr(0, 16) + " (" +
                    std::string(DecisionName(found->decision)) + ") withdrawn";
  ctx.delta->governance = std::move(g);
  return Status::Ok();
}

}  // namespace liard::ops
