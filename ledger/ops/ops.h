// The operation families. Each file of ledger/ops/ holds, for its operations, both the
// preflight (phase 1: the payload's shape, no state) and the apply (phases 2 and 3: checks
// against the state, then the delta), side by side, as rippled's transactors hold
// preflight/preclaim/doApply. Ledger (ledger.cc) drives the phases and dispatches here by the
// payload's type: adding a payload type to Payload without its Preflight and Apply does not
// compile.
//
// Preflight(op, payload): checks that need no state; refusals are the payload's own codes.
// Apply(ctx, payload): the actor was checked (exists, active, signing key, sequence, permitted);
// reads ctx.state, appends postings and records to ctx.delta. On refusal the driver drops the
// whole delta, so an Apply may refuse after it has posted.
#ifndef LIARD_LEDGER_OPS_OPS_H_
#define LIARD_LEDGER_OPS_OPS_H_

#include <string>
#include <string_view>

#include "ledger/money.h"
#include "ledger/operation.h"
#include "ledger/ops/context.h"
#include "ledger/status.h"

namespace liard::ops {

// transfer.cc: payments between members.
Status Preflight(const Operation& op, const Transfer& t);
Status Apply(OpContext& ctx, const Transfer& t);
Status Preflight(const Operation& op, const MultiTransfer& m);
Status Apply(OpContext& ctx, const MultiTransfer& m);

// conversion.cc: euros into units at an exchange office, with a programme's bonus.
Status Preflight(const Operation& op, const Conversion& c);
Status Apply(OpContext& ctx, const Conversion& c);

// notes.cc: paper notes sold for euros, redeemed by merchants.
Status Preflight(const Operation& op, const NoteSale& n);
Status Apply(OpContext& ctx, const NoteSale& n);
Status Preflight(const Operation& op, const NoteRedemption& n);
Status Apply(OpContext& ctx, const NoteRedemption& n);

// reconversion.cc: a merchant's units back into euros, less the fee.
Status Preflight(const Operation& op, const Reconversion& r);
Status Apply(OpContext& ctx, const Reconversion& r);
// The euro side of reconverting `units` already withdrawn from `merchant` or from paper.
Status Reconvert(OpContext& ctx, const AccountId& merchant, int64_t units);

// treasury.cc: the treasurer's records of the bank account.
Status Preflight(const Operation& op, const Deposit& d);
Status Apply(OpContext& ctx, const Deposit& d);
Status Preflight(const Operation& op, const Payout& p);
Status Apply(OpContext& ctx, const Payout& p);
Status Preflight(const Operation& op, const FundProgramme& f);
Status Apply(OpContext& ctx, const FundProgramme& f);
Status Preflight(const Operation& op, const BankEntry& b);
Status Apply(OpContext& ctx, const BankEntry& b);

// accounts.cc: opening accounts, renewing memberships.
Status Preflight(const Operation& op, const OpenAccount& o);
Status Apply(OpContext& ctx, const OpenAccount& o);
Status Preflight(const Operation& op, const RenewMembership& r);
Status Apply(OpContext& ctx, const RenewMembership& r);
// Opens the account, whoever asked (an office's OpenAccount, or a board decision).
Status Open(OpContext& ctx, const OpenAccount& o);
// Version 3: a key an operation installs must be able to verify a signature.
Status CheckAccountKey(const PublicKey& key, std::string_view what);

// board.cc: proposals, approvals, withdrawals, and the decisions they execute.
Status Preflight(const Operation& op, const Propose& p);
Status Apply(OpContext& ctx, const Propose& p);
Status Preflight(const Operation& op, const Approve& a);
Status Apply(OpContext& ctx, const Approve& a);
Status Preflight(const Operation& op, const Withdraw& w);
Status Apply(OpContext& ctx, const Withdraw& w);

// request.cc: payment requests, paid by a transfer that includes one, or cancelled.
// The owner of a request's state in the tally book (0 open, 1 paid, 2 cancelled):
// SHA-256(kRequestDomain || "state" || payee || request id).
Hash RequestStateOwner(const AccountId& payee, const Hash& request_id);
BookKey RequestStateKey(const AccountId& payee, const Hash& request_id);
// The request's own checks without state (ledger, shape, its signature), for Preflight of a
// transfer that includes one.
Status PreflightRequest(const Operation& op, const Transfer& t);
// What paying `t.request` checks and records (signer, payee, amount, expiry, paid once).
Status ApplyRequest(OpContext& ctx, const Transfer& t);
Status Preflight(const Operation& op, const CancelRequest& c);
Status Apply(OpContext& ctx, const CancelRequest& c);

// refund.cc: paying back a payment, linked to it.
Status Preflight(const Operation& op, const Refund& r);
Status Apply(OpContext& ctx, const Refund& r);
// A transfer `t` applied by ctx: records what of it may later be refunded, if anything.
void RecordRefundable(OpContext& ctx, const Transfer& t);
// Version 6 on: `part` of the refundable payment `t` (its earmarked aid) can never be refunded,
// since a refund credits ordinary units: it starts in the payment's refunded tally (slot
// kRefunded), so that what a refund finds left is the ordinary part. Nothing otherwise.
void RecordUnrefundable(OpContext& ctx, const Transfer& t, int64_t part);

// staff.cc: staff keys added and revoked by the account's own key.
Status Preflight(const Operation& op, const AddKey& a);
Status Apply(OpContext& ctx, const AddKey& a);
Status Preflight(const Operation& op, const RevokeKey& r);
Status Apply(OpContext& ctx, const RevokeKey& r);

// card.cc: a shop's public card.
Status Preflight(const Operation& op, const SetCard& c);
Status Apply(OpContext& ctx, const SetCard& c);

// mandate.cc: collections under a mandate the debtor signed, and its revocation.
// The period of `now_ms` a mandate's ceiling counts in: a week (Monday to Sunday, numbered from
// the week of 1970-01-01), a month (202611) or a year (2026), in `zone`.
int64_t MandatePeriodIndex(MandatePeriod period, int64_t now_ms, const TimeZone& zone);
// What a mandate collected in one period: SHA-256(kMandateDomain || "period" || mandate id ||
// period index as 8 bytes big-endian).
Hash MandatePeriodOwner(const Hash& mandate_id, int64_t period_index);
BookKey MandatePeriodKey(const Hash& mandate_id, int64_t period_index);
// A mandate's revocation (1): SHA-256(kMandateDomain || "revoked" || debtor || mandate id).
Hash MandateRevokedOwner(const AccountId& debtor, const Hash& mandate_id);
BookKey MandateRevokedKey(const AccountId& debtor, const Hash& mandate_id);
// The mandate's own checks without state (ledger, shape, its signature).
Status PreflightMandate(const Hash& ledger_id, const SignedMandate& mandate);
Status Preflight(const Operation& op, const Collect& c);
Status Apply(OpContext& ctx, const Collect& c);
Status Preflight(const Operation& op, const RevokeMandate& r);
Status Apply(OpContext& ctx, const RevokeMandate& r);
// aid.cc: earmarked aid, given by a funder, spent at qualifying payees, taken back at expiry.
Status Preflight(const Operation& op, const GrantAid& g);
Status Apply(OpContext& ctx, const GrantAid& g);
Status Preflight(const Operation& op, const ExpireAid& e);
Status Apply(OpContext& ctx, const ExpireAid& e);
// The book account of grant `grant`'s units held by `holder`: owner
// SHA-256(kEarmarkDomain || holder || grant).
Hash EarmarkOwner(const AccountId& holder, const Hash& grant);
BookKey EarmarkKey(const AccountId& holder, const Hash& grant);
// Whether `payee` is where grant `g` may be spent: listed, or its card's category named (ASCII
// letters compared without case).
bool AidQualifies(const HeldGrant& g, const Account& payee);
// The rest of a transfer `t` whose payer holds earmarked aid (ctx.actor.grants not empty), once
// the payee and CheckPayer passed: draws the qualifying aid first, then ordinary units.
Status PayWithAid(OpContext& ctx, const Transfer& t, const Account& payee);

// order.cc: standing orders placed by the payer, executed by the node at due times.
// The local day (days since 1970-01-01) execution `index` (from 0) is due, and the instant
// (00:00 local, `attempt` days later for a retry) in `zone`.
int64_t OrderDueDay(const PlaceOrder& order, uint64_t index);
int64_t OrderDueMs(const PlaceOrder& order, uint64_t index, uint32_t attempt, const TimeZone& zone);
// Whether the order has an execution `index` (within its count and end date).
bool OrderHasExecution(const PlaceOrder& order, uint64_t index);
// The order's tallies (see order.cc's header): the next index + 1 (owner = the order's id), the
// payer's live orders, who placed it, paused, failed tries of the next execution.
BookKey OrderNextKey(const Hash& order_id);
BookKey OrdersLiveKey(const AccountId& payer);
BookKey OrderPayerKey(const AccountId& payer, const Hash& order_id);
BookKey OrderPausedKey(const Hash& order_id);
BookKey OrderTriesKey(const Hash& order_id);
Status Preflight(const Operation& op, const PlaceOrder& o);
Status Apply(OpContext& ctx, const PlaceOrder& o);
Status Preflight(const Operation& op, const SetOrderState& s);
Status Apply(OpContext& ctx, const SetOrderState& s);
Status Preflight(const Operation& op, const ExecuteOrder& e);
Status Apply(OpContext& ctx, const ExecuteOrder& e);  // refuses: see the three below
// The execution's checks against the state: the order is live, this is its next execution and
// try, and it is due.
Status CheckExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id);
// Pays the order's legs into ctx.delta as the payer would (or says why not: paused, frozen,
// short, ...).
Status PayExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id);
// The tallies after the execution (paid or not, `paid`): the next try, the next execution, or
// the order's end.
void RecordExecution(OpContext& ctx, const ExecuteOrder& e, const Hash& order_id,
                     const Status& paid);
// share.cc: the member's choice of association, and the association's share of a conversion.
Status Preflight(const Operation& op, const ChooseAssociation& c);
Status Apply(OpContext& ctx, const ChooseAssociation& c);
// A SetRules decision: every association the share lists exists and is of kShareKinds.
Status CheckShareAssociations(const StateView& state, const AssociationShare& share);
// What the share of one conversion is: units_due = floor(units_at_par × basis points / 10000);
// units_paid is units_due, or 0 with a note saying why it is skipped.
struct ShareQuote {
  AccountId association;  // the member's choice; zero: none
  int64_t units_due = 0;
  int64_t units_paid = 0;
  int64_t euros = 0;  // ceil(units_paid at par): moved from the programme's budget to the fund
  std::string programme;
  std::string note;  // why units_paid < units_due, when it is
};
// `bonus_programme` and `bonus_euros`: what the same conversion's bonus takes from a budget.
Status QuoteShare(const Genesis& genesis, const StateView& state, const Rules& rules,
                  const Account& member, int64_t units_at_par, const std::string& bonus_programme,
                  int64_t bonus_euros, int64_t now_ms, ShareQuote* out);
// Posts the share of `conversion` for `member` (nothing when off or none chosen).
Status ApplyShare(OpContext& ctx, const Account& member, const ConversionQuote& conversion,
                  const std::string& bonus_programme);

// demurrage.cc: the treasurer's monthly demurrage run, and the rule's checks.
Status Preflight(const Operation& op, const ApplyDemurrage& d);
Status Apply(OpContext& ctx, const ApplyDemurrage& d);
// A month's run is accepted from the month's end for this long (7 days): the charge is taken on
// the balance when the run applies, so the run must come soon after the month's end.
inline constexpr int64_t kDemurrageWindowMs = 7LL * 24 * 3600 * 1000;
// The instant month `year_month` (YYYYMM) begins in `zone`, and the instant it ends (the next
// month's first instant).
int64_t MonthStartMs(const TimeZone& zone, uint32_t year_month);
int64_t MonthEndMs(const TimeZone& zone, uint32_t year_month);
// What `rule` charges a balance for one month: floor((balance - threshold) × basis points /
// 10000), 0 at or below the threshold or when off.
int64_t DemurrageCharge(const Demurrage& rule, int64_t balance);
// The holder's tally: the last month (YYYYMM) it was charged; 0 none.
BookKey DemurrageChargedKey(const AccountId& holder);
// A SetRules decision changing demurrage from `before` to `after` at `now_ms`: its receiving
// account is an active association account, and its first month begins after now (the notice).
Status CheckDemurrageDecision(const StateView& state, const Demurrage& before,
                              const Demurrage& after, const TimeZone& zone, int64_t now_ms);

}  // namespace liard::ops

#endif  // LIARD_LEDGER_OPS_OPS_H_
