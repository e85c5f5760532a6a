// Redaction of receipts for a payee of another account's multi-leg payment or list order.
#include "node/redact.h"

#include <algorithm>
#include <utility>

#include "ledger/governance.h"
#include "ledger/operation.h"
#include "ledger/ops/ops.h"
#include "proto/codec.h"

namespace liard::node {

namespace pb = ::liard::v1;

bool ReadsWholeEntries(const StateView& state, const AccountId& reader) {
  const Account* a = state.FindAccount(reader);
  if (a == nullptr) return false;
  const uint32_t roles = RolesOf(*a, state.governance());
  return (roles & (RoleBit(Role::kTreasurer) | RoleBit(Role::kAuditor))) != 0;
}

namespace {

// A recipient of another's aid sees the aid's terms and its own part, never the other
// recipients (who received food aid is nobody else's business).
bool RedactAid(const AccountId& reader, const Operation& op, pb::Receipt* receipt) {
  pb::Redaction redaction;
  redaction.set_payer(std::string(op.account.view()));
  Hash grant;
  if (const auto* g = std::get_if<GrantAid>(&op.payload)) {
    if (!grant.Assign(receipt->operation_id())) return false;
    GrantAid mine = *g;
    mine.recipients.clear();
    for (const Leg& leg : g->recipients)
      if (leg.to == reader) mine.recipients.push_back(leg);
    redaction.set_leg_count(static_cast<uint32_t>(g->recipients.size()));
    Operation shown = op;
    shown.payload = std::move(mine);
    pb::OperationBody body;
    if (!body.ParseFromString(codec::EncodeOperation(shown))) return false;
    *redaction.mutable_aid() = body.grant_aid();
  } else {
    const auto& e = std::get<ExpireAid>(op.payload);
    grant = e.grant;
    redaction.set_leg_count(static_cast<uint32_t>(e.holders.size()));
    redaction.mutable_aid_expiry()->set_grant(std::string(e.grant.view()));
    redaction.mutable_aid_expiry()->add_holders(std::string(reader.view()));
  }
  const Hash earmark = ops::EarmarkOwner(reader, grant);
  pb::Receipt out;
  out.set_sequence(receipt->sequence());
  out.set_time_ms(receipt->time_ms());
  out.set_prev_hash(receipt->prev_hash());
  out.set_entry_hash(receipt->entry_hash());
  out.set_term(receipt->term());
  for (const pb::Posting& p : receipt->postings())
    if (p.owner() == reader.view() || p.owner() == earmark.view()) *out.add_postings() = p;
  *out.mutable_redacted() = std::move(redaction);
  *receipt = std::move(out);
  return true;
}

// A holder charged by a demurrage run sees the run's month and its own charge, never who else
// was charged or what they held.
bool RedactDemurrage(const AccountId& reader, const ApplyDemurrage& d, const Operation& op,
                     pb::Receipt* receipt) {
  pb::Redaction redaction;
  redaction.set_payer(std::string(op.account.view()));
  redaction.set_leg_count(static_cast<uint32_t>(d.holders.size()));
  redaction.mutable_demurrage()->set_period(d.period);
  redaction.mutable_demurrage()->add_holders(std::string(reader.view()));
  pb::Receipt out;
  out.set_sequence(receipt->sequence());
  out.set_time_ms(receipt->time_ms());
  out.set_prev_hash(receipt->prev_hash());
  out.set_entry_hash(receipt->entry_hash());
  for (const pb::Posting& p : receipt->postings())
    if (p.owner() == reader.view()) *out.add_postings() = p;
  *out.mutable_redacted() = std::move(redaction);
  *receipt = std::move(out);
  return true;
}

}  // namespace

bool RedactFor(const AccountId& reader, pb::Receipt* receipt) {
  Operation op;
  // An entry the node wrote always decodes; one that did not would show nothing to redact.
  if (!codec::DecodeOperation(receipt->operation().body(), &op).ok()) return false;
  if (op.account == reader) return false;
  if (std::holds_alternative<GrantAid>(op.payload) || std::holds_alternative<ExpireAid>(op.payload))
    return RedactAid(reader, op, receipt);
  if (const auto* d = std::get_if<ApplyDemurrage>(&op.payload))
    return RedactDemurrage(reader, *d, op, receipt);
  // A multi-leg payment, or the execution of a standing order that pays a list (its payer is the
  // operation's account): each payee sees its own leg, never the others'.
  const std::vector<Leg>* legs = nullptr;
  const auto* execution = std::get_if<ExecuteOrder>(&op.payload);
  if (const auto* multi = std::get_if<MultiTransfer>(&op.payload)) legs = &multi->legs;
  if (execution != nullptr) legs = &execution->order.legs;
  if (legs == nullptr) return false;
  if (std::all_of(legs->begin(), legs->end(), [&](const Leg& leg) { return leg.to == reader; }))
    return false;
  pb::Redaction redaction;
  if (execution != nullptr) {
    redaction.set_order_id(
        std::string(OperationId(execution->order_ledger, execution->order_body).view()));
    redaction.set_execution(execution->index + 1);
  }
  redaction.set_payer(std::string(op.account.view()));
  redaction.set_leg_count(static_cast<uint32_t>(legs->size()));
  for (const Leg& leg : *legs) {
    if (leg.to != reader) continue;
    pb::Leg* mine = redaction.add_legs();
    mine->set_to(std::string(leg.to.view()));
    mine->set_amount(leg.amount.minor());
    mine->set_memo(leg.memo);
  }
  pb::Receipt out;
  out.set_sequence(receipt->sequence());
  out.set_time_ms(receipt->time_ms());
  out.set_prev_hash(receipt->prev_hash());
  out.set_entry_hash(receipt->entry_hash());
  out.set_term(receipt->term());
  for (const pb::Posting& p : receipt->postings())
    if (p.owner() == reader.view()) *out.add_postings() = p;
  *out.mutable_redacted() = std::move(redaction);
  *receipt = std::move(out);
  return true;
}

}  // namespace liard::node
