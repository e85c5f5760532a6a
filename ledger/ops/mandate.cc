// Mandates (prélèvements): the creditor collects from the debtor under a mandate the debtor
// signed, within a ceiling per period, until the debtor revokes it.
//
// A mandate is made and signed off the ledger, like a payment request, and every collection
// carries it whole: an auditor replaying the journal sees, in each collection, the debtor's
// signature that authorised it. The ledger keeps two tallies per mandate, in the tally book:
//   BookKey{kMandateCollected, MandatePeriodOwner(id, period)}: units collected in one period
//   BookKey{kMandateRevoked, MandateRevokedOwner(debtor, id)}: 1 once the debtor revoked it
// The revocation's owner names the debtor as well as the mandate, so that a revocation (signed
// by its own account) only ever blocks that account's own mandates.
#include <string>

#include "ledger/bytes.h"
#include "ledger/domains.h"
#include "ledger/limits.h"
#include "ledger/ops/ops.h"

namespace liard::ops {
namespace {

Status BadMandate(std::string what) { return Status(Code::kBadMandate, std::move(what)); }

// Floor division, so that a day before 1970 falls in its own week.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t MandatePeriodIndex(MandatePeriod period, int64_t now_ms, const TimeZone& zone) {
  switch (period) {
    case MandatePeriod::kWeek:
      // 1970-01-01 was a Thursday: day 4 was the first Monday.
      return FloorDiv(zone.DayOf(now_ms) + 3, 7);
    case MandatePeriod::kMonth:
      return zone.YearMonthOf(now_ms);
    case MandatePeriod::kYear:
      return zone.YearMonthOf(now_ms) / 100;
  }
  return 0;
}

Hash MandatePeriodOwner(const Hash& mandate_id, int64_t period_index) {
  return Sha256({kMandateDomain, "period", mandate_id.view(),
                 Fixed64BE(static_cast<uint64_t>(period_index))});
}

BookKey MandatePeriodKey(const Hash& mandate_id, int64_t period_index) {
  return BookKey{Slot::kMandateCollected, MandatePeriodOwner(mandate_id, period_index)};
}

Hash MandateRevokedOwner(const AccountId& debtor, const Hash& mandate_id) {
  return Sha256({kMandateDomain, "revoked", debtor.view(), mandate_id.view()});
}

BookKey MandateRevokedKey(const AccountId& debtor, const Hash& mandate_id) {
  return BookKey{Slot::kMandateRevoked, MandateRevokedOwner(debtor, mandate_id)};
}

Status PreflightMandate(const Hash& ledger_id, const SignedMandate& sm) {
  const Mandate& m = sm.mandate;
  if (m.ledger_id != ledger_id)
    return BadMandate("the mandate is for another ledger (another currency or a test one)");
  if (!m.ceiling.positive()) return BadMandate("the mandate's ceiling must be above zero");
  if (!IsValidMandatePeriod(static_cast<uint32_t>(m.period)))
    return BadMandate("the mandate's period must be a week, a month or a year");
  if (m.creditor == m.debtor) return BadMandate("a mandate's creditor and debtor are one account");
  if (m.expires_ms < 0) return BadMandate("the mandate's expiry is before 1970");
  if (m.nonce.size() < kMinMandateNonceBytes || m.nonce.size() > kMaxMandateNonceBytes)
    return BadMandate("the mandate's nonce has " + std::to_string(m.nonce.size()) +
                      " bytes; it must have " + std::to_string(kMinMandateNonceBytes) + " to " +
                      std::to_string(kMaxMandateNonceBytes))
        .With("bytes", static_cast<int64_t>(m.nonce.size()));
  if (Status s = CheckMemo(m.memo); !s.ok())
    return BadMandate("the mandate's memo: " + s.message());
  // Last, as the operation's own signature is: it is the costly step.
  if (!Verify(sm.key, MandateSigningMessage(m.ledger_id, sm.body), sm.signature))
    return BadMandate(
        "the mandate's signature does not verify: it was changed after the debtor signed it");
  return Status::Ok();
}

Status Preflight(const Operation& op, const Collect& c) {
  if (!c.amount.positive())
    return Status(Code::kAmountNotPositive, "a collection must be above zero");
  if (Status s = CheckMemo(c.memo); !s.ok()) return s;
  const Mandate& m = c.mandate.mandate;
  if (c.amount.minor() > m.ceiling.minor())
    return Status(Code::kMandateMismatch, "the collection is more than the mandate's ceiling")
        .With("amount_units", c.amount.minor())
        .With("ceiling_units", m.ceiling.minor());
  return PreflightMandate(op.ledger_id, c.mandate);
}

Status Apply(OpContext& ctx, const Collect& c) {
  const SignedMandate& sm = c.mandate;
  const Mandate& m = sm.mandate;
  const int64_t amount = c.amount.minor();
  if (m.creditor != ctx.actor.id)
    return Status(Code::kMandateMismatch,
                  "the mandate lets another account collect; only its creditor may");
  const Account* debtor = nullptr;
  Status s = ctx.Counterparty(m.debtor, kAnyKind, "debtor", &debtor);
  if (!s.ok()) return s;
  // The debtor's own key only: a staff key is the shop's, not the person's consent. A re-keyed
  // account (a lost phone) voids what the old key signed.
  if (debtor->key != sm.key)
    return Status(Code::kMandateSigner,
                  "the mandate is not signed by the debtor account's current key; ask the debtor "
                  "to sign a new one");
  const Hash id = MandateId(m.ledger_id, sm.body);
  if (ctx.state.Balance(MandateRevokedKey(m.debtor, id)) != 0)
    return Status(Code::kMandateRevoked,
                  "the debtor revoked this mandate; nothing more can be collected under it");
  if (m.expires_ms != 0 && ctx.now_ms > m.expires_ms)
    return Status(Code::kMandateExpired, "this mandate has expired; ask the debtor for a new one")
        .With("expires_ms", m.expires_ms)
        .With("now_ms", ctx.now_ms);
  const BookKey period = MandatePeriodKey(id, MandatePeriodIndex(m.period, ctx.now_ms, ctx.zone()));
  const int64_t collected = ctx.state.Balance(period);
  if (amount > m.ceiling.minor() - collected)
    return Status(Code::kMandateCeiling, ctx.Format(collected) + " was collected this " +
                                             std::string(MandatePeriodName(m.period)) +
                                             " under this mandate; " + ctx.Format(amount) +
                                             " more would pass its ceiling of " +
                                             ctx.Format(m.ceiling.minor()))
        .With("collected_units", collected)
        .With("amount_units", amount)
        .With("ceiling_units", m.ceiling.minor());
  // The debtor pays: the rules a payment of theirs meets (membership, largest payment, daily
  // limit) hold for a collection too.
  if (debtor->kind == AccountKind::kResident && debtor->member_until_ms != 0 &&
      ctx.now_ms > debtor->member_until_ms)
    return Status(Code::kMembershipExpired,
                  "the debtor's membership ended; an exchange office can renew it")
        .With("until_ms", debtor->member_until_ms);
  const KindLimits* limits = ctx.rules.LimitsFor(debtor->kind);
  if (limits != nullptr) {
    s = CheckMaxPayment(limits, amount, ctx.units_format());
    if (!s.ok()) return s;
    s = ChargeDailyOutgoing(limits, ctx.state, debtor->id, ctx.now_ms, ctx.zone(), amount,
                            ctx.units_format(), ctx.delta);
    if (!s.ok()) return s;
  }
  const int64_t balance = ctx.state.Balance(BookKey::Member(debtor->id));
  if (balance < amount)
    return Status(Code::kInsufficientFunds, "the debtor's balance is " + ctx.Format(balance) +
                                                ", less than " + ctx.Format(amount))
        .With("balance_units", balance)
        .With("amount_units", amount);
  ctx.Post(BookKey::Member(debtor->id), -amount);
  ctx.Post(BookKey::Member(ctx.actor.id), amount);
  ctx.Post(period, amount);
  return Status::Ok();
}

Status Preflight(const Operation&, const RevokeMandate&) { return Status::Ok(); }

Status Apply(OpContext& ctx, const RevokeMandate& r) {
  const BookKey key = MandateRevokedKey(ctx.actor.id, r.mandate_id);
  if (ctx.state.Balance(key) != 0)
    return Status(Code::kMandateRevoked, "this mandate was revoked already");
  ctx.Post(key, 1);
  return Status::Ok();
}

}  // namespace liard::ops
