// Ledger: the deterministic state machine. Given a state and a signed operation it checks the
// operation in phases and yields a delta of balanced postings, or a rejection code.
#ifndef LIARD_LEDGER_LEDGER_H_
#define LIARD_LEDGER_LEDGER_H_

#include <memory>
#include <string>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/invariants.h"
#include "ledger/operation.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

// An operation whose signature, ledger id and shape were checked (phase 1). Only
// Ledger::Preflight makes one, so Apply cannot be handed an unverified operation.
class VerifiedOperation {
 public:
  VerifiedOperation() = default;
  const SignedOperation& signed_op() const { return signed_; }
  const Operation& op() const { return signed_.op; }
  const Hash& id() const { return id_; }

 private:
  friend class Ledger;
  SignedOperation signed_;
  Hash id_;
};

// What the core needs from outside the state: the time, which the node stamps on each journal
// entry so that a replay sees the same clock.
struct ApplyContext {
  int64_t now_ms = 0;  // Unix time in milliseconds
  // The journal before this operation, for the rules that name an earlier operation (a version 6
  // refund). nullptr: none known, and a version 6 refund is refused (NOT_REFUNDABLE); every
  // caller whose operations are journaled (the node, a replay) passes one.
  const JournalView* journal = nullptr;
};

// Thread-safety: const methods may be called concurrently (Preflight on many threads); Apply
// reads only the StateView it is given.
class Ledger {
 public:
  // Builds the ledger of a validated genesis; `genesis_bytes` are the bytes whose hash is the id.
  [[nodiscard]] static Status Create(const Genesis& genesis, std::string_view genesis_bytes,
                                     std::unique_ptr<Ledger>* out);

  const Hash& id() const { return id_; }
  const Genesis& genesis() const { return genesis_; }

  // The delta that creates the genesis state (opening accounts, balances and fund) from an
  // empty state. Invariants are checked on it.
  [[nodiscard]] Status GenesisDelta(const StateView& empty, Delta* delta) const;

  // Phase 1, without state: ledger id, shape, signature. The costly step (an Ed25519 verify):
  // run it on many threads. Consumes `op`.
  [[nodiscard]] Status Preflight(SignedOperation op, VerifiedOperation* out) const;

  // Phase 2 (read-only checks against the state) and phase 3 (the delta), then every invariant
  // on the state the delta would leave. On success fills *delta (cleared first); on refusal
  // *delta is empty and the caller changes nothing.
  [[nodiscard]] Status Apply(const StateView& state, const VerifiedOperation& op,
                             const ApplyContext& ctx, Delta* delta) const;

  // What Apply would do with `op` if `key` had signed it, without a signature: every other
  // check, the delta and its note. For previews (a municipality's batch, an office's quote).
  // Changes nothing; a delta it returns must never be committed.
  [[nodiscard]] Status Simulate(const StateView& state, const Operation& op, const PublicKey& key,
                                const ApplyContext& ctx, Delta* delta) const;

  // Runs every invariant on a delta; Apply and GenesisDelta call it.
  [[nodiscard]] Status CheckInvariants(const StateView& state, const Delta& delta) const;

 private:
  Ledger(Genesis genesis, Hash id);
  // Phase 1 without the signature: ledger id, sequence, payload shape.
  Status CheckShape(const Operation& op) const;
  // Phases 2 and 3 and the invariants, for an operation whose shape was checked.
  // `op_id` names a proposal the operation makes (zero when simulated).
  Status ApplyChecked(const StateView& state, const Operation& op, const PublicKey& key,
                      const Hash& op_id, const ApplyContext& ctx, Delta* delta) const;

  // An ExecuteOrder (ApplyChecked's branch): signed by the node key the ledger names for the
  // order's payer, without the payer's sequence; its outcome (paid, or the refusal the
  // execution records) is re-derived here, invariants included.
  Status ApplyExecution(const StateView& state, const Operation& op, const PublicKey& key,
                        const ApplyContext& ctx, Delta* delta) const;

  Genesis genesis_;
  Hash id_;
  std::vector<std::unique_ptr<Invariant>> invariants_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_LEDGER_H_
