// The ledger's rules: preflight, preclaim and apply for each operation.
#include "ledger/ledger.h"

#include <algorithm>
#include <string>

#include "ledger/money.h"
#include "ledger/permissions.h"
#include "ledger/text.h"

namespace liard {
namespace {

Status CheckMemo(std::string_view memo) {
  if (memo.size() > kMaxMemoBytes)
    return Status(Code::kMemoTooLong, "the memo has " + std::to_string(memo.size()) +
                                          " bytes; at most " + std::to_string(kMaxMemoBytes));
  if (!IsPrintableUtf8(memo))
    return Status(Code::kMemoNotText, "the memo is not valid UTF-8 text or has control characters");
  return Status::Ok();
}

// Phase 1 checks of each payload.
Status PreflightPayload(const Operation& op, const Transfer& t) {
  if (!t.amount.positive())
    return Status(Code::kAmountNotPositive, "a transfer must be above zero");
  if (t.to == op.account) return Status(Code::kTransferToSelf, "an account cannot pay itself");
  return CheckMemo(t.memo);
}

Status Positive(Amount a, std::string_view what) {
  if (!a.positive())
    return Status(Code::kAmountNotPositive, "the " + std::string(what) + " must be above zero");
  return Status::Ok();
}

Status CheckReference(std::string_view ref) {
  if (ref.size() > kMaxReferenceBytes || !IsPrintableUtf8(ref))
    return Status(Code::kBadReference, "a bank reference is at most 64 bytes of printable UTF-8");
  return Status::Ok();
}

Status PreflightPayload(const Operation&, const Conversion& c) {
  if (!c.programme.empty() && !IsValidProgrammeName(c.programme))
    return Status(Code::kBadProgrammeName, "a programme name is 1 to 32 of a-z, 0-9 and '-'");
  return Positive(c.euros, "euro amount");
}
Status PreflightPayload(const Operation&, const NoteSale& n) {
  return Positive(n.euros, "euro amount");
}
Status PreflightPayload(const Operation&, const NoteRedemption& n) {
  return Positive(n.units, "amount of notes");
}
Status PreflightPayload(const Operation&, const Reconversion& r) {
  return Positive(r.units, "amount");
}
Status PreflightPayload(const Operation&, const Deposit& d) {
  Status s = Positive(d.euros, "euro amount");
  return s.ok() ? CheckReference(d.reference) : s;
}
Status PreflightPayload(const Operation&, const Payout& p) {
  Status s = Positive(p.euros, "euro amount");
  return s.ok() ? CheckReference(p.reference) : s;
}
Status PreflightPayload(const Operation&, const FundProgramme& f) {
  if (!IsValidProgrammeName(f.programme))
    return Status(Code::kBadProgrammeName, "a programme name is 1 to 32 of a-z, 0-9 and '-'");
  Status s = Positive(f.euros, "euro amount");
  return s.ok() ? CheckReference(f.reference) : s;
}

Status PreflightPayload(const Operation& op, const MultiTransfer& m) {
  if (m.legs.empty() || m.legs.size() > kMaxLegs)
    return Status(Code::kBadLegCount, "a payment has 1 to " + std::to_string(kMaxLegs) +
                                          " legs, not " + std::to_string(m.legs.size()));
  __int128 total = 0;
  for (size_t i = 0; i < m.legs.size(); ++i) {
    Status s = PreflightPayload(op, Transfer{m.legs[i].to, m.legs[i].amount, m.legs[i].memo});
    if (!s.ok())
      return Status(s.code(), "leg " + std::to_string(i + 1) + ": " + s.message(),
                    static_cast<uint32_t>(i + 1));
    total += m.legs[i].amount.minor();
  }
  if (total > INT64_MAX)
    return Status(Code::kAmountTooLarge, "the legs add up past the largest amount");
  return Status::Ok();
}

Status PreflightPayload(const Operation&, const OpenAccount& o) {
  if (!IsValidKind(static_cast<uint32_t>(o.kind)))
    return Status(Code::kBadKind,
                  "unknown account kind " + std::to_string(static_cast<int>(o.kind)));
  if (!IsValidName(o.name))
    return Status(Code::kBadName, "an account name must be 1 to 64 bytes of printable UTF-8");
  if (o.member_until_ms < 0)
    return Status(Code::kInvalidArgument, "a membership cannot end before 1970");
  if (o.fee.negative())
    return Status(Code::kAmountNotPositive, "a membership fee cannot be negative");
  return Status::Ok();
}

Status PreflightPayload(const Operation&, const RenewMembership& r) {
  if (r.until_ms <= 0)
    return Status(Code::kInvalidArgument, "a renewal needs the date the membership runs until");
  if (r.fee.negative())
    return Status(Code::kAmountNotPositive, "a membership fee cannot be negative");
  return Status::Ok();
}

// Version 3: a key an operation installs (an account's id, a re-key's new key) must be able to
// verify a signature, or money paid to the account could never leave it.
Status CheckAccountKey(const PublicKey& key, std::string_view what) {
  if (!IsValidPublicKey(key))
    return Status(Code::kBadAccountId,
                  std::string(what) +
                      " is not a valid Ed25519 public key (the identity, all zeros or a "
                      "small-order point can never sign)");
  return Status::Ok();
}

// The keys a payload would install, checked (version 3) at preflight, before any state.
Status CheckInstalledKeys(const Payload& payload) {
  const Decision* d = nullptr;
  if (const auto* o = std::get_if<OpenAccount>(&payload))
    return CheckAccountKey(o->id, "the new account's id");
  if (const auto* p = std::get_if<Propose>(&payload)) d = &p->decision;
  if (d == nullptr) return Status::Ok();
  if (const auto* o = std::get_if<OpenAccount>(d))
    return CheckAccountKey(o->id, "the new account's id");
  if (const auto* k = std::get_if<Rekey>(d)) return CheckAccountKey(k->new_key, "the new key");
  return Status::Ok();
}

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

Status PreflightDecision(const Operation& op, const Decision& d) {
  struct V {
    const Operation& op;
    Status operator()(const OpenAccount& o) const { return PreflightPayload(op, o); }
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
  };
  return std::visit(V{op}, d);
}

Status PreflightPayload(const Operation& op, const Propose& p) {
  if (p.expires_ms <= 0) return Status(Code::kBadDecision, "a proposal needs an expiry (Unix ms)");
  return PreflightDecision(op, p.decision);
}

Status PreflightPayload(const Operation&, const Approve&) { return Status::Ok(); }
Status PreflightPayload(const Operation&, const Withdraw&) { return Status::Ok(); }

// Phases 2 and 3 of each payload: `actor` is the acting account, already checked to exist,
// be active, hold the signing key and have the right sequence.
class Applier {
 public:
  Applier(const Genesis& genesis, const StateView& state, const Account& actor, uint32_t roles,
          const Hash& op_id, int64_t now_ms, Delta* delta)
      : genesis_(genesis),
        state_(state),
        rules_(state.governance().rules),
        actor_(actor),
        roles_(roles),
        op_id_(op_id),
        now_ms_(now_ms),
        delta_(delta) {}

  Status operator()(const Transfer& t) {
    Status s = Payee(state_.FindAccount(t.to));
    if (!s.ok()) return s;
    s = CheckPayer(t.amount.minor(), 1);
    if (!s.ok()) return s;
    int64_t balance = state_.Balance(BookKey::Member(actor_.id));
    if (balance < t.amount.minor())
      return Status(Code::kInsufficientFunds, "the balance is " + Format(balance) + ", less than " +
                                                  Format(t.amount.minor()));
    delta_->postings.push_back({BookKey::Member(actor_.id), -t.amount.minor()});
    delta_->postings.push_back({BookKey::Member(t.to), t.amount.minor()});
    return Status::Ok();
  }

  Status operator()(const MultiTransfer& m) {
    int64_t total = 0;
    const KindLimits* limits = rules_.LimitsFor(actor_.kind);
    for (size_t i = 0; i < m.legs.size(); ++i) {
      const Leg& leg = m.legs[i];
      Status s = Payee(state_.FindAccount(leg.to));
      if (s.ok() && limits != nullptr && limits->max_payment > 0 &&
          leg.amount.minor() > limits->max_payment)
        s = Status(Code::kAboveMaximum,
                   "the largest single payment is " + Format(limits->max_payment));
      if (!s.ok())
        return Status(s.code(), "leg " + std::to_string(i + 1) + ": " + s.message(),
                      static_cast<uint32_t>(i + 1));
      total += leg.amount.minor();  // preflight bounded the sum
      Post(BookKey::Member(leg.to), leg.amount.minor());
    }
    Status s = CheckPayer(total, 0);
    if (!s.ok()) return s;
    int64_t balance = state_.Balance(BookKey::Member(actor_.id));
    if (balance < total)
      return Status(Code::kInsufficientFunds,
                    "the balance is " + Format(balance) + ", less than the " +
                        std::to_string(m.legs.size()) + " legs' total of " + Format(total));
    Post(BookKey::Member(actor_.id), -total);
    delta_->note = "paid " + Format(total) + " to " + std::to_string(m.legs.size()) + " accounts";
    return Status::Ok();
  }

  Status operator()(const Conversion& c) {
    const Account* member = nullptr;
    Status s = Counterparty(c.member, 0, "member", &member);
    if (!s.ok()) return s;
    if (OfficeConversionsGuarded(genesis_)) {
      s = CheckConvertible(*member);
      if (!s.ok()) return s;
    }
    ConversionQuote q;
    s = QuoteConversion(genesis_, state_, *member, c.euros.minor(), c.programme, now_ms_, &q);
    if (!s.ok()) return s;
    s = CheckOfficeCash(q.euros);
    if (!s.ok()) return s;
    // Euro book: the euros are at the office until banked. Units book: issued to the member.
    Post(BookKey{Slot::kOfficeCash, actor_.id}, q.euros);
    Post(BookKey::System(Slot::kEuroExternal), -q.euros);
    Post(BookKey::Member(member->id), q.units());
    Post(BookKey::System(Slot::kIssuance), -q.units());
    if (q.bonus_paid > 0) {
      // The sponsor's budget backs the bonus in the fund, in the same operation.
      const Hash pid = ProgrammeId(c.programme);
      Post(BookKey{Slot::kSponsorBudget, pid}, -q.bonus_euros);
      Post(BookKey::System(Slot::kFund), q.bonus_euros);
      Post(BonusTallyKey(pid, member->id, now_ms_), q.bonus_paid);
    }
    delta_->note = "converted " + Euros(q.euros) + " into " + Format(q.units()) + " (bonus " +
                   Format(q.bonus_paid) + ")";
    if (!q.note.empty()) delta_->note += ": " + q.note;
    return Status::Ok();
  }

  Status operator()(const NoteSale& n) {
    int64_t units;
    Status s = EurosToUnits(genesis_, n.euros.minor(), Rounding::kDown, &units);
    if (!s.ok()) return s;
    if (units <= 0)
      return Status(Code::kBelowMinimum, Euros(n.euros.minor()) + " buys no note at par");
    s = CheckOfficeCash(n.euros.minor());
    if (!s.ok()) return s;
    Post(BookKey{Slot::kOfficeCash, actor_.id}, n.euros.minor());
    Post(BookKey::System(Slot::kEuroExternal), -n.euros.minor());
    Post(BookKey::System(Slot::kPaper), units);
    Post(BookKey::System(Slot::kIssuance), -units);
    return Status::Ok();
  }

  Status operator()(const NoteRedemption& n) {
    const Account* merchant = nullptr;
    Status s = Counterparty(n.merchant, KindBit(AccountKind::kMerchant), "merchant", &merchant);
    if (!s.ok()) return s;
    int64_t paper = state_.Balance(BookKey::System(Slot::kPaper));
    if (paper < n.units.minor())
      return Status(Code::kInsufficientFunds,
                    "only " + Format(paper) + " of paper notes are in circulation");
    Post(BookKey::System(Slot::kPaper), -n.units.minor());
    return Reconvert(merchant->id, n.units.minor());
  }

  Status operator()(const Reconversion& r) {
    int64_t balance = state_.Balance(BookKey::Member(actor_.id));
    if (balance < r.units.minor())
      return Status(Code::kInsufficientFunds,
                    "the balance is " + Format(balance) + ", less than " + Format(r.units.minor()));
    Post(BookKey::Member(actor_.id), -r.units.minor());
    return Reconvert(actor_.id, r.units.minor());
  }

  Status operator()(const Deposit& d) {
    const Account* office = nullptr;
    Status s = Counterparty(d.office, KindBit(AccountKind::kExchangeOffice), "exchange office",
                            &office, /*must_be_active=*/false);
    if (!s.ok()) return s;
    BookKey cash{Slot::kOfficeCash, office->id};
    int64_t held = state_.Balance(cash);
    if (held < d.euros.minor())
      return Status(Code::kInsufficientFunds, "the office holds only " + Euros(held) +
                                                  " awaiting deposit, not " +
                                                  Euros(d.euros.minor()));
    Post(cash, -d.euros.minor());
    Post(BookKey::System(Slot::kFund), d.euros.minor());
    return Status::Ok();
  }

  Status operator()(const Payout& p) {
    const Account* merchant = nullptr;
    Status s = Counterparty(p.merchant, KindBit(AccountKind::kMerchant), "merchant", &merchant,
                            /*must_be_active=*/false);
    if (!s.ok()) return s;
    BookKey owed{Slot::kOwedToMerchant, merchant->id};
    int64_t due = state_.Balance(owed);
    if (due < p.euros.minor())
      return Status(Code::kInsufficientFunds,
                    "the merchant is owed only " + Euros(due) + ", not " + Euros(p.euros.minor()));
    Post(owed, -p.euros.minor());
    Post(BookKey::System(Slot::kEuroExternal), p.euros.minor());
    return Status::Ok();
  }

  Status operator()(const FundProgramme& f) {
    if (rules_.FindProgramme(f.programme) == nullptr)
      return Status(Code::kUnknownProgramme, "no bonus programme is named '" + f.programme + "'");
    Post(BookKey{Slot::kSponsorBudget, ProgrammeId(f.programme)}, f.euros.minor());
    Post(BookKey::System(Slot::kEuroExternal), -f.euros.minor());
    return Status::Ok();
  }

  Status operator()(const OpenAccount& o) {
    if (!MayOpen(roles_, o.kind))
      return Status(Code::kNotPermitted,
                    "an exchange office or treasurer opens residents' accounts only; a " +
                        std::string(KindName(o.kind)) + " account is opened by a board decision");
    return Open(o);
  }

  Status operator()(const RenewMembership& r) {
    const Account* member = nullptr;
    Status s = Counterparty(r.member, 0, "member", &member, /*must_be_active=*/false);
    if (!s.ok()) return s;
    if (member->status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the member's account is closed");
    // Version 3: a membership for life (0) stays one; a renewal would give it an end.
    if (BoardGuarded(genesis_) && member->member_until_ms == 0)
      return Status(Code::kInvalidArgument,
                    "the membership has no end (member for life): a renewal would give it one");
    if (r.until_ms <= now_ms_ || r.until_ms <= member->member_until_ms)
      return Status(Code::kInvalidArgument,
                    "a renewal must run past both today and the membership's current end");
    Account renewed = *member;
    renewed.member_until_ms = r.until_ms;
    delta_->accounts.push_back(std::move(renewed));
    RecordFee(r.fee.minor());
    delta_->note = "membership renewed";
    return Status::Ok();
  }

  Status operator()(const Propose& p) {
    if (p.expires_ms <= now_ms_ || p.expires_ms > now_ms_ + kMaxProposalLifetimeMs)
      return Status(Code::kBadDecision, "a proposal must expire after now and within 30 days");
    Proposal proposal{op_id_, actor_.id, p.decision, p.expires_ms, {actor_.id}};
    if (ProposalsCheckedWhenMade(genesis_)) {
      // A decision that could not apply now is refused now, not at its last approval.
      Status s = DryRun(p.decision);
      if (!s.ok()) return s;
    }
    return Decide(Pruned(), std::move(proposal));
  }

  Status operator()(const Approve& a) {
    const Proposal* found = state_.governance().FindProposal(a.proposal);
    if (found == nullptr)
      return Status(Code::kUnknownProposal, "no pending proposal " +
                                                ToHex(a.proposal).substr(0, 16) +
                                                "… (never made, already decided, or expired)");
    if (now_ms_ > found->expires_ms)
      return Status(Code::kProposalExpired,
                    "the proposal expired at " + std::to_string(found->expires_ms) + " ms");
    if (found->withdrawn())
      return Status(Code::kProposalWithdrawn, "its proposer withdrew the proposal");
    for (const auto& who : found->approvals)
      if (who == actor_.id)
        return Status(Code::kAlreadyApproved, "this board member approved the proposal already");
    Proposal proposal = *found;
    proposal.approvals.push_back(actor_.id);
    return Decide(Pruned(), std::move(proposal));
  }

  Status operator()(const Withdraw& w) {
    const Proposal* found = state_.governance().FindProposal(w.proposal);
    if (found == nullptr || now_ms_ > found->expires_ms)
      return Status(Code::kUnknownProposal, "no pending proposal " +
                                                ToHex(w.proposal).substr(0, 16) +
                                                "… (never made, already decided, or expired)");
    if (found->withdrawn())
      return Status(Code::kProposalWithdrawn, "the proposal was withdrawn already");
    if (found->proposer != actor_.id)
      return Status(Code::kNotProposer, "only the board member who proposed it may withdraw it");
    Governance g = Pruned();
    for (Proposal& p : g.pending)
      if (p.id == w.proposal) p.approvals.clear();  // kept until it expires: see Withdraw
    delta_->note = "proposal " + ToHex(w.proposal).substr(0, 16) + " (" +
                   std::string(DecisionName(found->decision)) + ") withdrawn";
    delta_->governance = std::move(g);
    return Status::Ok();
  }

 private:
  // A member account that can be paid now. A refusal names nothing private of the payee (its
  // freeze reason is the board's word to the payee, not to every payer).
  Status Payee(const Account* to) const {
    if (to == nullptr)
      return Status(Code::kUnknownDestination, "the account to be paid does not exist");
    if (to->status == AccountStatus::kFrozen)
      return Status(Code::kDestinationFrozen, "the account to be paid is frozen");
    if (to->status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the account to be paid is closed");
    return Status::Ok();
  }

  // What a payer of `total` must satisfy besides the balance: a current membership, the daily
  // limit (posting the day's tally) and, for a single payment (`single` = 1), the largest one.
  Status CheckPayer(int64_t total, int single) {
    if (actor_.kind == AccountKind::kResident && actor_.member_until_ms != 0 &&
        now_ms_ > actor_.member_until_ms)
      return Status(Code::kMembershipExpired,
                    "the membership ended; an exchange office can renew it");
    const KindLimits* l = rules_.LimitsFor(actor_.kind);
    if (l == nullptr) return Status::Ok();
    if (single && l->max_payment > 0 && total > l->max_payment)
      return Status(Code::kAboveMaximum, "the largest single payment is " + Format(l->max_payment));
    if (l->daily_outgoing > 0) {
      BookKey tally = DailyOutTallyKey(actor_.id, now_ms_);
      int64_t spent = state_.Balance(tally);
      if (total > l->daily_outgoing - spent)
        return Status(Code::kDailyLimit, "today's payments would reach " +
                                             Format(spent + std::min(total, INT64_MAX - spent)) +
                                             ", above the daily limit of " +
                                             Format(l->daily_outgoing));
      Post(tally, total);
    }
    return Status::Ok();
  }

  // A membership fee paid in euros: the association's income.
  void RecordFee(int64_t fee) {
    if (fee <= 0) return;
    Post(BookKey::System(Slot::kIncome), fee);
    Post(BookKey::System(Slot::kEuroExternal), -fee);
  }

  Status Open(const OpenAccount& o) {
    if (AccountKeysChecked(genesis_)) {
      Status s = CheckAccountKey(o.id, "the new account's id");
      if (!s.ok()) return s;
    }
    if (state_.FindAccount(o.id) != nullptr)
      return Status(Code::kAccountExists, "an account with this id exists already");
    if (NamesChecked(genesis_)) {
      Status s = NameFree(o.kind, o.name);
      if (!s.ok()) return s;
    }
    Account opened;
    opened.id = o.id;
    opened.key = o.id;
    opened.kind = o.kind;
    opened.name = o.name;
    opened.member_until_ms = o.member_until_ms;
    delta_->accounts.push_back(std::move(opened));
    RecordFee(o.fee.minor());
    return Status::Ok();
  }

  // No account may take a name that looks like a merchant's, an office's, a municipality's or
  // the association's; none of those may take any account's name (see IsGuardedNameKind).
  Status NameFree(AccountKind kind, const std::string& name) const {
    for (const AccountId& id : state_.AccountsNamedLike(NameSkeleton(name))) {
      const Account* other = state_.FindAccount(id);
      if (other != nullptr && (IsGuardedNameKind(kind) || IsGuardedNameKind(other->kind)))
        return Status(Code::kNameTaken, "the name '" + name + "' looks like that of the " +
                                            std::string(KindName(other->kind)) + " '" +
                                            other->name + "'");
    }
    return Status::Ok();
  }

  // The governance record with expired proposals dropped.
  Governance Pruned() const {
    Governance g = state_.governance();
    std::erase_if(g.pending, [&](const Proposal& p) { return now_ms_ > p.expires_ms; });
    return g;
  }

  // The decision's checks against the state as it is now, its effects discarded: the same
  // Execute that applies it once decided, so that each check has one definition.
  Status DryRun(const Decision& decision) {
    Delta scratch;
    Delta* kept = delta_;
    delta_ = &scratch;
    Governance g = Pruned();
    Status s = std::visit([&](const auto& d) { return Execute(d, &g); }, decision);
    delta_ = kept;
    return s;
  }

  // Applies `proposal`'s decision if its approvals by current board members reach the
  // threshold; otherwise keeps it pending. Either way writes the governance record.
  Status Decide(Governance g, Proposal proposal) {
    size_t approvals = 0;
    for (const auto& who : proposal.approvals) approvals += g.IsBoardMember(who) ? 1 : 0;
    if (approvals < g.threshold) {
      delta_->note = "proposal " + ToHex(proposal.id).substr(0, 16) + " (" +
                     std::string(DecisionName(proposal.decision)) +
                     "): " + std::to_string(approvals) + " of " + std::to_string(g.threshold) +
                     " approvals";
      // A new proposal goes last; an approved one keeps its place: oldest first.
      auto it = std::find_if(g.pending.begin(), g.pending.end(),
                             [&](const Proposal& x) { return x.id == proposal.id; });
      const size_t own = static_cast<size_t>(
          std::count_if(g.pending.begin(), g.pending.end(),
                        [&](const Proposal& x) { return x.proposer == proposal.proposer; }));
      if (it != g.pending.end()) {
        *it = std::move(proposal);
      } else if (BoardGuarded(genesis_) && own >= ProposalCapPerMember(g)) {
        delta_->note.clear();
        return Status(Code::kProposerCapReached,
                      "this board member has " + std::to_string(own) +
                          " proposals pending, its own cap (the 64 places shared by " +
                          std::to_string(g.board.size()) +
                          " members); withdraw one or let it expire first");
      } else if (g.pending.size() >= kMaxPendingProposals) {
        delta_->note.clear();
        return Status(Code::kTooManyProposals,
                      std::to_string(g.pending.size()) + " proposals are pending already");
      } else {
        g.pending.push_back(std::move(proposal));
      }
      delta_->governance = std::move(g);
      return Status::Ok();
    }
    std::erase_if(g.pending, [&](const Proposal& x) { return x.id == proposal.id; });
    Status s = std::visit([&](const auto& d) { return Execute(d, &g); }, proposal.decision);
    if (!s.ok()) return s;
    delta_->note = "decided " + std::string(DecisionName(proposal.decision)) + " with " +
                   std::to_string(approvals) + " of " + std::to_string(g.threshold) + " approvals" +
                   (delta_->note.empty() ? "" : ": " + delta_->note);
    delta_->governance = std::move(g);
    return Status::Ok();
  }

  // An account a decision changes: its record as this delta has it so far.
  Status Target(const AccountId& id, Account* out) const {
    for (const auto& a : delta_->accounts)
      if (a.id == id) {
        *out = a;
        return Status::Ok();
      }
    const Account* a = state_.FindAccount(id);
    if (a == nullptr) return Status(Code::kUnknownDestination, "the account named does not exist");
    *out = *a;
    return Status::Ok();
  }
  void Write(Account a) {
    for (auto& x : delta_->accounts)
      if (x.id == a.id) {
        x = std::move(a);
        return;
      }
    delta_->accounts.push_back(std::move(a));
  }

  // The board members of `g` who can sign (their accounts active, as this delta has them so
  // far), `except` left out.
  size_t ActiveSigners(const Governance& g, const AccountId* except = nullptr) const {
    size_t n = 0;
    for (const auto& m : g.board) {
      Account b;
      if ((except == nullptr || m != *except) && Target(m, &b).ok() &&
          b.status == AccountStatus::kActive)
        ++n;
    }
    return n;
  }

  // Version 3: a member the board removes or freezes loses its pending proposals (withdrawn
  // ones too, freeing their places) and its approvals of the others': approvals are counted
  // when a decision is made, and the board no longer trusts this member's.
  void DropProposalsOf(Governance* g, const AccountId& id) {
    const size_t proposals =
        std::erase_if(g->pending, [&](const Proposal& p) { return p.proposer == id; });
    size_t approvals = 0;
    for (Proposal& p : g->pending) approvals += std::erase(p.approvals, id);
    if (proposals + approvals > 0)
      delta_->note = "dropped the member's " + std::to_string(proposals) +
                     " pending proposals and " + std::to_string(approvals) + " approvals";
  }

  Status Execute(const OpenAccount& o, Governance*) { return Open(o); }
  Status Execute(const GrantRole& d, Governance* g) {
    Account a;
    Status s = Target(d.account, &a);
    if (!s.ok()) return s;
    if (d.role == Role::kBoardMember) {
      if (!g->IsBoardMember(a.id)) {
        g->board.push_back(a.id);
        std::sort(g->board.begin(), g->board.end());
      }
      return Status::Ok();
    }
    a.roles |= RoleBit(d.role);
    Write(std::move(a));
    return Status::Ok();
  }
  Status Execute(const RevokeRole& d, Governance* g) {
    Account a;
    Status s = Target(d.account, &a);
    if (!s.ok()) return s;
    if (d.role == Role::kBoardMember) {
      std::erase(g->board, a.id);
      if (g->board.size() < g->threshold)
        return Status(Code::kBoardTooSmall,
                      "the board would have " + std::to_string(g->board.size()) +
                          " members, fewer than the threshold of " + std::to_string(g->threshold));
      if (BoardGuarded(genesis_)) {
        const size_t signers = ActiveSigners(*g);
        if (signers < g->threshold)
          return Status(Code::kBoardTooSmall,
                        "the board would have " + std::to_string(signers) +
                            " active members (frozen and closed ones cannot sign), fewer than "
                            "the threshold of " +
                            std::to_string(g->threshold));
        DropProposalsOf(g, a.id);
      }
      return Status::Ok();
    }
    a.roles &= ~RoleBit(d.role);
    Write(std::move(a));
    return Status::Ok();
  }
  Status Execute(const SetRules& d, Governance* g) {
    if (!OfficeConversionsGuarded(genesis_) && HasOfficeConversionRules(d.rules))
      return Status(Code::kBadRules,
                    "conversion member_kinds and office_cash_ceiling need a version 3 genesis");
    for (const Programme& old : g->rules.programmes) {
      if (d.rules.FindProgramme(old.name) != nullptr) continue;
      if (state_.Balance(BookKey{Slot::kSponsorBudget, ProgrammeId(old.name)}) != 0)
        return Status(Code::kBadRules, "programme '" + old.name +
                                           "' still has budget: end it (ends_ms) instead of "
                                           "dropping it");
    }
    g->rules = d.rules;
    return Status::Ok();
  }
  Status Execute(const Freeze& d, Governance* g) {
    Account a;
    Status s = Target(d.account, &a);
    if (!s.ok()) return s;
    if (a.status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the account is closed");
    // A frozen board member cannot sign: never leave fewer signers than the threshold, or
    // nobody could ever unfreeze them.
    if (g->IsBoardMember(a.id) && a.status == AccountStatus::kActive) {
      const size_t signers = ActiveSigners(*g, &a.id);
      if (signers < g->threshold)
        return Status(Code::kBoardTooSmall, "freezing this board member would leave " +
                                                std::to_string(signers) +
                                                " who can sign, fewer than the threshold of " +
                                                std::to_string(g->threshold));
    }
    if (BoardGuarded(genesis_) && g->IsBoardMember(a.id)) DropProposalsOf(g, a.id);
    a.status = AccountStatus::kFrozen;
    a.freeze_reason = d.reason;
    Write(std::move(a));
    return Status::Ok();
  }
  Status Execute(const Unfreeze& d, Governance*) {
    Account a;
    Status s = Target(d.account, &a);
    if (!s.ok()) return s;
    if (a.status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the account is closed");
    a.status = AccountStatus::kActive;
    a.freeze_reason.clear();
    Write(std::move(a));
    return Status::Ok();
  }
  Status Execute(const Rekey& d, Governance*) {
    Account a;
    Status s = Target(d.account, &a);
    if (!s.ok()) return s;
    if (a.key == d.new_key)
      return Status(Code::kBadDecision, "the account signs with this key already");
    if (!IsValidPublicKey(d.new_key))
      return Status(Code::kBadDecision, "the new key is not a valid Ed25519 public key");
    a.key = d.new_key;
    Write(std::move(a));
    return Status::Ok();
  }
  Status Execute(const Pause& d, Governance* g) {
    g->paused = true;
    g->pause_reason = d.reason;
    return Status::Ok();
  }
  Status Execute(const Resume&, Governance* g) {
    g->paused = false;
    g->pause_reason.clear();
    return Status::Ok();
  }
  Status Execute(const SetThreshold& d, Governance* g) {
    if (d.threshold > g->board.size())
      return Status(Code::kBoardTooSmall, "a threshold of " + std::to_string(d.threshold) +
                                              " is more than the " +
                                              std::to_string(g->board.size()) + " board members");
    if (BoardGuarded(genesis_) && d.threshold > ActiveSigners(*g))
      return Status(Code::kBoardTooSmall, "a threshold of " + std::to_string(d.threshold) +
                                              " is more than the " +
                                              std::to_string(ActiveSigners(*g)) +
                                              " active board members (frozen and closed ones "
                                              "cannot sign)");
    g->threshold = d.threshold;
    return Status::Ok();
  }
  Status Execute(const SetNodeKey& d, Governance* g) {
    if (g->node_key == d.node_key)
      return Status(Code::kBadDecision, "the ledger names this node key already");
    g->node_key = d.node_key;
    return Status::Ok();
  }

  std::string Format(int64_t minor) const {
    return FormatAmount(Amount(minor), static_cast<int>(genesis_.decimals), genesis_.currency_code);
  }
  static std::string Euros(int64_t cents) { return FormatAmount(Amount(cents), 2, "EUR"); }

  void Post(const BookKey& key, int64_t amount) { delta_->postings.push_back({key, amount}); }

  // Finds an account the operation names. `kinds` (a KindBit mask, 0: any) is what the
  // operation needs; `must_be_active` for accounts that receive units.
  Status Counterparty(const AccountId& id, uint32_t kinds, std::string_view role,
                      const Account** out, bool must_be_active = true) const {
    const Account* a = state_.FindAccount(id);
    if (a == nullptr)
      return Status(Code::kUnknownDestination,
                    "the " + std::string(role) + " account does not exist");
    if (kinds != 0 && (kinds & KindBit(a->kind)) == 0)
      return Status(Code::kWrongAccountKind, "the account named is a " +
                                                 std::string(KindName(a->kind)) + ", not a " +
                                                 std::string(role));
    // The board's reason is for the account's holder and its readers, not for the signer.
    if (must_be_active && a->status == AccountStatus::kFrozen)
      return Status(Code::kDestinationFrozen, "the " + std::string(role) + " account is frozen");
    if (must_be_active && a->status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the " + std::string(role) + " account is closed");
    *out = a;
    return Status::Ok();
  }

  // Version 3 on: an office converts for members of the kinds the rules allow, never for
  // itself. Board members and treasurers convert like anyone of their kind: the ceiling below
  // bounds what any conversion without cash can cost, whoever it is for.
  Status CheckConvertible(const Account& member) const {
    if (member.id == actor_.id)
      return Status(Code::kNotConvertible, "an exchange office cannot convert for itself");
    const uint32_t kinds = rules_.conversion.member_kinds != 0 ? rules_.conversion.member_kinds
                                                               : kDefaultConvertibleKinds;
    if ((kinds & KindBit(member.kind)) == 0)
      return Status(Code::kNotConvertible, "the rules do not let an office convert for a " +
                                               std::string(KindName(member.kind)) + " account");
    return Status::Ok();
  }

  // Version 3 on: the office's cash not yet deposited, with `euros` more, stays within the
  // rules' ceiling (0: none). Its own cash only: the office may read it.
  Status CheckOfficeCash(int64_t euros) const {
    const int64_t ceiling = rules_.conversion.office_cash_ceiling;
    if (!OfficeConversionsGuarded(genesis_) || ceiling == 0) return Status::Ok();
    const int64_t held = state_.Balance(BookKey{Slot::kOfficeCash, actor_.id});
    if (euros > ceiling - held)
      return Status(Code::kOfficeCashCeiling,
                    "the office holds " + Euros(held) + " not yet deposited; " + Euros(euros) +
                        " more would pass the ceiling of " + Euros(ceiling) +
                        ": the treasurer must record a deposit first");
    return Status::Ok();
  }

  // The euro side of a reconversion of `units` already withdrawn from `merchant` or paper.
  Status Reconvert(const AccountId& merchant, int64_t units) {
    ReconversionQuote q;
    Status s = QuoteReconversion(genesis_, rules_, units, &q);
    if (!s.ok()) return s;
    Post(BookKey::System(Slot::kIssuance), units);
    Post(BookKey::System(Slot::kFund), -q.euros);
    Post(BookKey{Slot::kOwedToMerchant, merchant}, q.owed);
    Post(BookKey::System(Slot::kIncome), q.fee);
    delta_->note =
        "reconverted " + Format(units) + ": " + Euros(q.owed) + " owed, fee " + Euros(q.fee);
    return Status::Ok();
  }

  const Genesis& genesis_;
  const StateView& state_;
  const Rules& rules_;
  const Account& actor_;
  const uint32_t roles_;
  const Hash& op_id_;
  int64_t now_ms_;
  Delta* delta_;
};

}  // namespace

Ledger::Ledger(Genesis genesis, Hash id)
    : genesis_(std::move(genesis)), id_(id), invariants_(MakeInvariants(genesis_)) {}

Status Ledger::Create(const Genesis& genesis, std::string_view genesis_bytes,
                      std::unique_ptr<Ledger>* out) {
  Status s = ValidateGenesis(genesis);
  if (!s.ok()) return s;
  if (NamesChecked(genesis)) {
    s = CheckTextRulesVersion();
    if (!s.ok()) return s;
  }
  out->reset(new Ledger(genesis, LedgerIdOf(genesis_bytes)));
  return Status::Ok();
}

Status Ledger::GenesisDelta(const StateView& empty, Delta* delta) const {
  delta->Clear();
  Delta d;
  __int128 circulation = 0;
  for (const auto& ga : genesis_.accounts) {
    Account a;
    a.id = ga.id;
    a.key = ga.id;
    a.kind = ga.kind;
    a.name = ga.name;
    d.accounts.push_back(a);
    if (ga.opening_balance.positive()) {
      d.postings.push_back({BookKey::Member(ga.id), ga.opening_balance.minor()});
      circulation += ga.opening_balance.minor();
    }
  }
  if (circulation > INT64_MAX)
    return Status(Code::kBalanceOverflow, "the opening balances add up past the largest amount");
  if (circulation > 0)
    d.postings.push_back({BookKey::System(Slot::kIssuance), -static_cast<int64_t>(circulation)});
  for (const auto& p : genesis_.rules.programmes) {
    if (p.opening_budget > 0) {
      d.postings.push_back({BookKey{Slot::kSponsorBudget, ProgrammeId(p.name)}, p.opening_budget});
      d.postings.push_back({BookKey::System(Slot::kEuroExternal), -p.opening_budget});
    }
  }
  if (genesis_.opening_fund.positive()) {
    d.postings.push_back({BookKey::System(Slot::kFund), genesis_.opening_fund.minor()});
    d.postings.push_back({BookKey::System(Slot::kEuroExternal), -genesis_.opening_fund.minor()});
  }
  // The board: its members sign proposals and approvals as accounts (for their sequence
  // numbers); a board key that is not a genesis account gets an account of its own.
  Governance g;
  g.rules = genesis_.rules;
  g.threshold = genesis_.board_threshold;
  g.node_key = genesis_.node_key;
  for (size_t i = 0; i < genesis_.board_keys.size(); ++i) {
    const PublicKey& key = genesis_.board_keys[i];
    g.board.push_back(key);
    bool listed = false;
    for (const auto& a : d.accounts) listed |= a.id == key;
    if (listed) continue;
    Account a;
    a.id = key;
    a.key = key;
    a.kind = AccountKind::kResident;
    a.name = "Board member " + std::to_string(i + 1);
    d.accounts.push_back(std::move(a));
  }
  std::sort(g.board.begin(), g.board.end());
  d.governance = std::move(g);
  Status s = CheckInvariants(empty, d);
  if (!s.ok()) return s;
  *delta = std::move(d);
  return Status::Ok();
}

Status Ledger::CheckShape(const Operation& op) const {
  if (op.ledger_id != id_)
    return Status(Code::kWrongLedger, "the operation names ledger " +
                                          ToHex(op.ledger_id).substr(0, 16) + "…, this is " +
                                          ToHex(id_).substr(0, 16) + "…");
  if (op.sequence == 0) return Status(Code::kBadSequence, "sequence numbers start at 1");
  Status s = std::visit([&](const auto& p) { return PreflightPayload(op, p); }, op.payload);
  if (s.ok() && AccountKeysChecked(genesis_)) s = CheckInstalledKeys(op.payload);
  if (s.ok() && NamesChecked(genesis_)) s = CheckOperationText(op);
  return s;
}

Status Ledger::Preflight(SignedOperation signed_op, VerifiedOperation* out) const {
  Status s = CheckShape(signed_op.op);
  if (!s.ok()) return s;
  // Last, as it is the costly check.
  if (!Verify(signed_op.key, SigningMessage(id_, signed_op.body), signed_op.signature))
    return Status(Code::kBadSignature, "the signature does not match the body and public key");
  out->id_ = OperationId(id_, signed_op.body);
  out->signed_ = std::move(signed_op);
  return Status::Ok();
}

Status Ledger::Apply(const StateView& state, const VerifiedOperation& verified,
                     const ApplyContext& ctx, Delta* delta) const {
  return ApplyChecked(state, verified.op(), verified.signed_op().key, verified.id(), ctx, delta);
}

Status Ledger::Simulate(const StateView& state, const Operation& op, const PublicKey& key,
                        const ApplyContext& ctx, Delta* delta) const {
  delta->Clear();
  Status s = CheckShape(op);
  if (!s.ok()) return s;
  // A simulated proposal has no id yet: it is known only once the body is signed.
  return ApplyChecked(state, op, key, Hash{}, ctx, delta);
}

Status Ledger::ApplyChecked(const StateView& state, const Operation& op, const PublicKey& key,
                            const Hash& op_id, const ApplyContext& ctx, Delta* delta) const {
  delta->Clear();
  if (op.not_after_ms != 0 && ctx.now_ms > op.not_after_ms)
    return Status(Code::kExpired, "the operation was valid until " +
                                      std::to_string(op.not_after_ms) + " ms, it is now " +
                                      std::to_string(ctx.now_ms));
  const Account* actor = state.FindAccount(op.account);
  if (actor == nullptr) return Status(Code::kUnknownAccount, "the acting account does not exist");
  if (actor->key != key)
    return Status(Code::kWrongKey, "the operation is not signed with the account's current key");
  if (actor->status == AccountStatus::kFrozen)
    return Status(Code::kAccountFrozen,
                  "the account is frozen" +
                      (actor->freeze_reason.empty() ? "" : ": " + actor->freeze_reason));
  if (actor->status == AccountStatus::kClosed)
    return Status(Code::kAccountClosed, "the account is closed");
  if (op.sequence <= actor->sequence)
    return Status(Code::kSequenceUsed, "sequence " + std::to_string(op.sequence) +
                                           " was used already; the next is " +
                                           std::to_string(actor->sequence + 1));
  if (op.sequence > actor->sequence + 1)
    return Status(Code::kSequenceGap, "sequence " + std::to_string(op.sequence) +
                                          " skips ahead; the next is " +
                                          std::to_string(actor->sequence + 1));
  const Governance& governance = state.governance();
  const bool board_op = op.type() == OpType::kPropose || op.type() == OpType::kApprove ||
                        op.type() == OpType::kWithdraw;
  if (governance.paused && !board_op)
    return Status(Code::kPaused, "the board has paused all operations: " + governance.pause_reason);
  const uint32_t roles = RolesOf(*actor, governance);
  if (!MayPerform(roles, op.type()))
    return Status(Code::kNotPermitted, "a " + std::string(KindName(actor->kind)) + " account" +
                                           (actor->roles != 0 ? " with its granted roles" : "") +
                                           " may not " + std::string(OpTypeName(op.type())));
  Delta d;
  Status s = std::visit(Applier(genesis_, state, *actor, roles, op_id, ctx.now_ms, &d), op.payload);
  if (!s.ok()) return s;
  // The actor's new sequence, on its record as the operation left it (a decision may have
  // changed the actor's own account).
  bool written = false;
  for (auto& a : d.accounts)
    if (a.id == actor->id) {
      a.sequence = op.sequence;
      written = true;
    }
  if (!written) {
    Account updated = *actor;
    updated.sequence = op.sequence;
    d.accounts.push_back(std::move(updated));
  }
  s = CheckInvariants(state, d);
  if (!s.ok()) return s;
  *delta = std::move(d);
  return Status::Ok();
}

Status Ledger::CheckInvariants(const StateView& state, const Delta& delta) const {
  Effects effects;
  Status s = ComputeEffects(state, delta, &effects);
  if (!s.ok()) return s;
  for (const auto& inv : invariants_) {
    s = inv->Check(state, delta, effects);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace liard
