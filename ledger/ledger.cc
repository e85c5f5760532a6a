// The ledger's rules: preflight, preclaim and apply for each operation.
#include "ledger/ledger.h"

#include <string>

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
  Applier(const Genesis& genesis, const StateView& state, const Account& actor, Delta* delta)
      : genesis_(genesis), state_(state), actor_(actor), delta_(delta) {}

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

  const Genesis& genesis_;
  const StateView& state_;
  const Account& actor_;
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
  if (genesis_.opening_fund.positive()) {
    d.postings.push_back({BookKey::System(Slot::kFund), genesis_.opening_fund.minor()});
    d.postings.push_back({BookKey::System(Slot::kEuroExternal), -genesis_.opening_fund.minor()});
  }
  Status s = CheckInvariants(empty, d);
  if (!s.ok()) return s;
  *delta = std::move(d);
  return Status::Ok();
}

Status Ledger::Preflight(SignedOperation signed_op, VerifiedOperation* out) const {
  const Operation& op = signed_op.op;
  if (op.ledger_id != id_)
    return Status(Code::kWrongLedger, "the operation names ledger " +
                                          ToHex(op.ledger_id).substr(0, 16) + "…, this is " +
                                          ToHex(id_).substr(0, 16) + "…");
  if (op.sequence == 0) return Status(Code::kBadSequence, "sequence numbers start at 1");
  Status s = std::visit([&](const auto& p) { return PreflightPayload(op, p); }, op.payload);
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
  delta->Clear();
  const Operation& op = verified.op();
  if (op.not_after_ms != 0 && ctx.now_ms > op.not_after_ms)
    return Status(Code::kExpired, "the operation was valid until " +
                                      std::to_string(op.not_after_ms) + " ms, it is now " +
                                      std::to_string(ctx.now_ms));
  const Account* actor = state.FindAccount(op.account);
  if (actor == nullptr) return Status(Code::kUnknownAccount, "the acting account does not exist");
  if (actor->key != verified.signed_op().key)
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
  Status s = std::visit(Applier(genesis_, state, *actor, &d), op.payload);
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
