// The apply context: what applying one operation (phases 2 and 3) reads — the genesis, the
// state, the rules in force, the acting account and its roles, the operation's id, the time —
// the delta it writes, and the helpers every operation family shares (posting, payer and
// payee checks, a counterparty, a fee, the accounts a decision changes). See ops.h.
#ifndef LIARD_LEDGER_OPS_CONTEXT_H_
#define LIARD_LEDGER_OPS_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/genesis.h"
#include "ledger/limits.h"
#include "ledger/rules.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard::ops {

// What CheckPayer checks of a payment's total: a single payment (a transfer) is held to the
// largest single payment too; a multi-transfer's legs were each held to it already.
enum class PaymentShape { kSingle, kLegs };

// Whether a counterparty must be active (it receives units) or may be frozen or closed (an
// office's cash is deposited, a merchant's claim paid out, whatever its status).
enum class Standing { kMustBeActive, kAnyStatus };

// A KindBit mask that lets a counterparty be of any kind.
inline constexpr uint32_t kAnyKind = 0;

// Made by Ledger for one operation whose actor was checked to exist, be active, hold the
// signing key, have the right sequence and be permitted the operation.
struct OpContext {
  const Genesis& genesis;
  const StateView& state;
  const Rules& rules;  // state.governance().rules: the rules in force
  const Account& actor;
  const uint32_t roles;  // RolesOf(actor, governance)
  const Hash& op_id;     // names a proposal the operation makes (zero when simulated)
  const int64_t now_ms;
  const StaffKey* staff;       // the staff key that signed, active; nullptr: the account's own key
  const JournalView* journal;  // ApplyContext::journal: nullptr when none is known
  Delta* delta;                // what the operation does, so far

  // Amounts as refusals and notes write them.
  UnitsFormat units_format() const {
    return UnitsFormat{static_cast<int>(genesis.decimals), genesis.currency_code};
  }
  std::string Format(int64_t minor) const { return units_format()(minor); }
  // The zone the currency counts its days and months in (CurrencyZone).
  TimeZone zone() const { return CurrencyZone(genesis); }

  void Post(const BookKey& key, int64_t amount) { delta->postings.push_back({key, amount}); }

  // A member account that can be paid now. A refusal names nothing private of the payee (its
  // freeze reason is the board's word to the payee, not to every payer).
  Status Payee(const Account* to) const;

  // What the actor paying `total` must satisfy besides the balance: a current membership, the
  // daily limit (posting the day's tally) and, for a single payment, the largest one.
  Status CheckPayer(int64_t total, PaymentShape shape);

  // Finds an account the operation names: `kinds` (a KindBit mask, kAnyKind) is what the
  // operation needs, `role` how refusals name it.
  Status Counterparty(const AccountId& id, uint32_t kinds, std::string_view role,
                      const Account** out, Standing standing = Standing::kMustBeActive) const;

  // A membership fee paid in euros: the association's income.
  void RecordFee(int64_t fee);

  // Version 3 on: the office's cash not yet deposited, with `euros` more, stays within the
  // rules' ceiling (0: none). Its own cash only: the office may read it.
  Status CheckOfficeCash(int64_t euros) const;

  // An account a decision changes: its record as this delta has it so far.
  Status Target(const AccountId& id, Account* out) const;
  // Puts `a` in the delta, replacing the record of the same id if the delta has one.
  void Write(Account a);
};

// Shape checks (phase 1) several families share.
Status CheckPositive(Amount a, std::string_view what);
// A memo: at most kMaxMemoBytes of printable UTF-8 (a transfer's, a leg's, a refund's).
Status CheckMemo(std::string_view memo);

}  // namespace liard::ops

#endif  // LIARD_LEDGER_OPS_CONTEXT_H_
