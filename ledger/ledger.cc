// The ledger's rules: preflight, preclaim and apply for each operation.
#include "ledger/ledger.h"

#include <string>

#include "ledger/money.h"
#include "ledger/permissions.h"

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
  return Status::Ok();
}

// Phases 2 and 3 of each payload: `actor` is the acting account, already checked to exist,
// be active, hold the signing key and have the right sequence.
class Applier {
 public:
  Applier(const Genesis& genesis, const StateView& state, const Account& actor, int64_t now_ms,
          Delta* delta)
      : genesis_(genesis), state_(state), actor_(actor), now_ms_(now_ms), delta_(delta) {}

  Status operator()(const Transfer& t) {
    const Account* to = state_.FindAccount(t.to);
    if (to == nullptr)
      return Status(Code::kUnknownDestination, "the account to be paid does not exist");
    if (to->status == AccountStatus::kFrozen)
      return Status(Code::kDestinationFrozen, "the account to be paid is frozen");
    if (to->status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the account to be paid is closed");
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
    for (size_t i = 0; i < m.legs.size(); ++i) {
      const Leg& leg = m.legs[i];
      const Account* to = state_.FindAccount(leg.to);
      Status s;
      if (to == nullptr)
        s = Status(Code::kUnknownDestination, "the account to be paid does not exist");
      else if (to->status == AccountStatus::kFrozen)
        s = Status(Code::kDestinationFrozen, "the account to be paid is frozen");
      else if (to->status == AccountStatus::kClosed)
        s = Status(Code::kDestinationClosed, "the account to be paid is closed");
      if (!s.ok())
        return Status(s.code(), "leg " + std::to_string(i + 1) + ": " + s.message(),
                      static_cast<uint32_t>(i + 1));
      total += leg.amount.minor();  // preflight bounded the sum
      Post(BookKey::Member(leg.to), leg.amount.minor());
    }
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
    ConversionQuote q;
    s = QuoteConversion(genesis_, state_, *member, c.euros.minor(), c.programme, now_ms_, &q);
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
    if (genesis_.rules.FindProgramme(f.programme) == nullptr)
      return Status(Code::kUnknownProgramme, "no bonus programme is named '" + f.programme + "'");
    Post(BookKey{Slot::kSponsorBudget, ProgrammeId(f.programme)}, f.euros.minor());
    Post(BookKey::System(Slot::kEuroExternal), -f.euros.minor());
    return Status::Ok();
  }

  Status operator()(const OpenAccount& o) {
    if (!MayOpen(actor_.kind, o.kind))
      return Status(Code::kNotPermitted,
                    "an account of kind " + std::string(KindName(actor_.kind)) +
                        " may not open a " + std::string(KindName(o.kind)) + " account");
    if (state_.FindAccount(o.id) != nullptr)
      return Status(Code::kAccountExists, "an account with this id exists already");
    Account opened;
    opened.id = o.id;
    opened.key = o.id;
    opened.kind = o.kind;
    opened.name = o.name;
    delta_->accounts.push_back(std::move(opened));
    return Status::Ok();
  }

 private:
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
    if (must_be_active && a->status == AccountStatus::kFrozen)
      return Status(Code::kDestinationFrozen, "the " + std::string(role) + " account is frozen");
    if (must_be_active && a->status == AccountStatus::kClosed)
      return Status(Code::kDestinationClosed, "the " + std::string(role) + " account is closed");
    *out = a;
    return Status::Ok();
  }

  // The euro side of a reconversion of `units` already withdrawn from `merchant` or paper.
  Status Reconvert(const AccountId& merchant, int64_t units) {
    ReconversionQuote q;
    Status s = QuoteReconversion(genesis_, units, &q);
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
  const Account& actor_;
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
  return std::visit([&](const auto& p) { return PreflightPayload(op, p); }, op.payload);
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
  return ApplyChecked(state, verified.op(), verified.signed_op().key, ctx, delta);
}

Status Ledger::Simulate(const StateView& state, const Operation& op, const PublicKey& key,
                        const ApplyContext& ctx, Delta* delta) const {
  delta->Clear();
  Status s = CheckShape(op);
  if (!s.ok()) return s;
  return ApplyChecked(state, op, key, ctx, delta);
}

Status Ledger::ApplyChecked(const StateView& state, const Operation& op, const PublicKey& key,
                            const ApplyContext& ctx, Delta* delta) const {
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
    return Status(Code::kAccountFrozen, "the account is frozen");
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
  if (!MayPerform(actor->kind, op.type()))
    return Status(Code::kNotPermitted, "an account of kind " + std::string(KindName(actor->kind)) +
                                           " may not " + std::string(OpTypeName(op.type())));
  Delta d;
  Account updated = *actor;
  updated.sequence = op.sequence;
  Status s = std::visit(Applier(genesis_, state, *actor, ctx.now_ms, &d), op.payload);
  if (!s.ok()) return s;
  d.accounts.push_back(std::move(updated));
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
