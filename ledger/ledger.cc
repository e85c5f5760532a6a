// The ledger's driver: the three phases of an operation — its shape (preflight, no state),
// its signature, then its checks against the state and its delta (apply) and every invariant
// on the state the delta would leave. Each operation family's own checks and effects live
// together in ledger/ops/ (ops.h); this file dispatches to them by the payload's type.
#include "ledger/ledger.h"

#include <algorithm>
#include <string>

#include "ledger/check.h"
#include "ledger/money.h"
#include "ledger/ops/ops.h"
#include "ledger/permissions.h"
#include "ledger/text.h"

namespace liard {
namespace {

// The keys a payload would install, checked (version 3) at preflight, before any state.
Status CheckInstalledKeys(const Payload& payload) {
  const Decision* d = nullptr;
  if (const auto* o = std::get_if<OpenAccount>(&payload))
    return ops::CheckAccountKey(o->id, "the new account's id");
  if (const auto* p = std::get_if<Propose>(&payload)) d = &p->decision;
  if (d == nullptr) return Status::Ok();
  if (const auto* o = std::get_if<OpenAccount>(d))
    return ops::CheckAccountKey(o->id, "the new account's id");
  if (const auto* k = std::get_if<Rekey>(d)) return ops::CheckAccountKey(k->new_key, "the new key");
  return Status::Ok();
}

// Postcondition of every delta the ledger yields, before the invariants judge the state it
// leaves: each book's postings sum to zero. The BooksBalanced invariant refuses an unbalanced
// delta as a Status; reaching this check unbalanced means an invariant was dropped or skipped.
void CheckBalancedPerBook(const Delta& delta) {
  __int128 units = 0, euro = 0;
  for (const auto& p : delta.postings) {
    if (BookOf(p.key.slot) == Book::kUnits) units += p.amount;
    if (BookOf(p.key.slot) == Book::kEuro) euro += p.amount;
  }
  LIARD_CHECK(units == 0 && euro == 0);
}

// Postcondition of Apply and Simulate: a refusal leaves the caller's delta empty, so that a
// caller who commits it anyway changes nothing.
void CheckRefusalLeftNothing(const Status& s, const Delta& delta) {
  LIARD_CHECK(s.ok() || (delta.accounts.empty() && delta.postings.empty() &&
                         !delta.governance.has_value() && delta.note.empty()));
}

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
  CheckBalancedPerBook(d);
  *delta = std::move(d);
  return Status::Ok();
}

Status Ledger::CheckShape(const Operation& op) const {
  if (op.ledger_id != id_)
    return Status(Code::kWrongLedger, "the operation names ledger " +
                                          ToHex(op.ledger_id).substr(0, 16) + "…, this is " +
                                          ToHex(id_).substr(0, 16) + "…");
  if (op.sequence == 0) return Status(Code::kBadSequence, "sequence numbers start at 1");
  Status s = std::visit([&](const auto& p) { return ops::Preflight(op, p); }, op.payload);
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
  Status s =
      ApplyChecked(state, verified.op(), verified.signed_op().key, verified.id(), ctx, delta);
  CheckRefusalLeftNothing(s, *delta);
  return s;
}

Status Ledger::Simulate(const StateView& state, const Operation& op, const PublicKey& key,
                        const ApplyContext& ctx, Delta* delta) const {
  delta->Clear();
  Status s = CheckShape(op);
  if (!s.ok()) return s;
  // A simulated proposal has no id yet: it is known only once the body is signed.
  s = ApplyChecked(state, op, key, Hash{}, ctx, delta);
  CheckRefusalLeftNothing(s, *delta);
  return s;
}

Status Ledger::ApplyChecked(const StateView& state, const Operation& op, const PublicKey& key,
                            const Hash& op_id, const ApplyContext& ctx, Delta* delta) const {
  delta->Clear();
  if (op.not_after_ms != 0 && ctx.now_ms > op.not_after_ms)
    return Status(Code::kExpired, "the operation was valid until " +
                                      std::to_string(op.not_after_ms) + " ms, it is now " +
                                      std::to_string(ctx.now_ms))
        .With("valid_until_ms", op.not_after_ms)
        .With("now_ms", ctx.now_ms);
  if (op.type() == OpType::kExecuteOrder) return ApplyExecution(state, op, key, ctx, delta);
  const Account* actor = state.FindAccount(op.account);
  if (actor == nullptr) return Status(Code::kUnknownAccount, "the acting account does not exist");
  // The account's own key, or one of its staff keys (checked against its scope below).
  const StaffKey* staff = nullptr;
  if (actor->key != key) {
    staff = actor->FindStaffKey(key);
    if (staff == nullptr)
      return Status(Code::kWrongKey, "the operation is not signed with the account's current key");
    if (!staff->active())
      return Status(Code::kKeyRevoked, "the staff key '" + staff->label + "' was revoked")
          .With("revoked_ms", staff->revoked_ms);
  }
  if (actor->status == AccountStatus::kFrozen)
    return Status(Code::kAccountFrozen,
                  "the account is frozen" +
                      (actor->freeze_reason.empty() ? "" : ": " + actor->freeze_reason));
  if (actor->status == AccountStatus::kClosed)
    return Status(Code::kAccountClosed, "the account is closed");
  if (op.sequence <= actor->sequence)
    return Status(Code::kSequenceUsed, "sequence " + std::to_string(op.sequence) +
                                           " was used already; the next is " +
                                           std::to_string(actor->sequence + 1))
        .With("got", static_cast<int64_t>(op.sequence))
        .With("expected", static_cast<int64_t>(actor->sequence + 1));
  if (op.sequence > actor->sequence + 1)
    return Status(Code::kSequenceGap, "sequence " + std::to_string(op.sequence) +
                                          " skips ahead; the next is " +
                                          std::to_string(actor->sequence + 1))
        .With("got", static_cast<int64_t>(op.sequence))
        .With("expected", static_cast<int64_t>(actor->sequence + 1));
  LIARD_CHECK(op.sequence == actor->sequence + 1);  // the operation follows the actor's last
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
  if (staff != nullptr && !StaffMayPerform(staff->scope, op.type()))
    return Status(Code::kKeyScope, "a staff key of scope " + std::string(ScopeName(staff->scope)) +
                                       " may not " + std::string(OpTypeName(op.type())));
  Delta d;
  ops::OpContext op_ctx{genesis_,   state, governance.rules, *actor, roles, op_id,
                        ctx.now_ms, staff, ctx.journal,      &d};
  Status s = std::visit([&](const auto& p) { return ops::Apply(op_ctx, p); }, op.payload);
  if (!s.ok()) return s;
  LIARD_CHECK(op_ctx.delta == &d);  // a dry run put the delta back
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
  CheckBalancedPerBook(d);
  *delta = std::move(d);
  return Status::Ok();
}

Status Ledger::ApplyExecution(const StateView& state, const Operation& op, const PublicKey& key,
                              const ApplyContext& ctx, Delta* delta) const {
  const auto& e = std::get<ExecuteOrder>(op.payload);
  const Governance& governance = state.governance();
  if (!governance.NamesNodeKey(key))
    return Status(Code::kWrongKey,
                  "a standing order's execution must be signed by a node key the ledger names");
  if (governance.paused)
    return Status(Code::kPaused, "the board has paused all operations: " + governance.pause_reason);
  const Account* payer = state.FindAccount(op.account);
  if (payer == nullptr) return Status(Code::kUnknownAccount, "the order's payer does not exist");
  const Hash order_id = OperationId(id_, e.order_body);
  Delta pay;
  ops::OpContext op_ctx{
      genesis_, state,      governance.rules, *payer,      RolesOf(*payer, governance),
      order_id, ctx.now_ms, nullptr,          ctx.journal, &pay};
  Status s = ops::CheckExecution(op_ctx, e, order_id);
  if (!s.ok()) return s;
  // What paying it now gives, invariants included (a payee's balance ceiling).
  Status paid = ops::PayExecution(op_ctx, e, order_id);
  if (paid.ok()) paid = CheckInvariants(state, pay);
  Delta d;
  if (e.failed == 0) {
    if (!paid.ok()) return paid;  // the node records it as refused, with this code
    d = std::move(pay);
  } else if (paid.ok() || static_cast<uint32_t>(paid.code()) != e.failed) {
    return Status(Code::kOrderOutcome,
                  "the execution records " + std::string(CodeName(static_cast<Code>(e.failed))) +
                      ", but paying it now gives " +
                      (paid.ok() ? std::string("no refusal") : std::string(CodeName(paid.code()))))
        .With("recorded", e.failed)
        .With("derived", static_cast<int64_t>(paid.code()));
  }
  op_ctx.delta = &d;
  ops::RecordExecution(op_ctx, e, order_id, paid);
  s = CheckInvariants(state, d);
  if (!s.ok()) return s;
  CheckBalancedPerBook(d);
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
