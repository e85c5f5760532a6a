// The standing orders' scheduler: which execution is next for each live order, when it falls
// due, and the signed ExecuteOrder the applier applies then.
#include "node/scheduler.h"

#include <spdlog/spdlog.h>

#include "ledger/ops/ops.h"
#include "proto/codec.h"

namespace liard::node {
namespace {

// A refusal of paying an execution's legs (short balance, a frozen payee, a paused order, ...),
// which the execution records; not one of the execution itself (not due, run already, the
// ledger paused, the node key), which no execution can be made of now.
bool IsPaymentRefusal(Code code) {
  switch (code) {
    case Code::kOrderNotDue:
    case Code::kOrderDone:
    case Code::kOrderEnded:
    case Code::kOrderUnknown:
    case Code::kOrderOutcome:
    case Code::kPaused:
    case Code::kWrongKey:
    case Code::kUnknownAccount:
      return false;
    default:
      return GroupOf(code) == CodeGroup::kRefused || GroupOf(code) == CodeGroup::kInvariant;
  }
}

}  // namespace

Status Scheduler::Rebuild(const MemoryState& state, const Store& store) {
  orders_.clear();
  queue_.clear();
  if (state.totals()[static_cast<size_t>(Slot::kOrdersLive)] == 0) return Status::Ok();
  for (const Bytes<32>& id : state.OwnersIn(Slot::kOrderNext)) {
    uint64_t sequence = 0;
    Status s = store.FindOperation(id, &sequence);
    JournalEntry entry;
    Hash entry_hash;
    SignedOperation placed;
    if (s.ok()) s = store.ReadEntry(sequence, &entry, &entry_hash);
    if (s.ok()) s = codec::DecodeEnvelope(entry.envelope, &placed);
    if (s.ok() && !std::holds_alternative<PlaceOrder>(placed.op.payload))
      s = Status(Code::kCorruption, "the operation is not a PlaceOrder");
    if (!s.ok())
      return Status(Code::kCorruption, "the live standing order " + ToHex(id).substr(0, 16) +
                                           " could not be read from the journal: " + s.ToString());
    Add(id, placed.op.account, std::move(placed.body),
        std::get<PlaceOrder>(std::move(placed.op.payload)), state);
  }
  return Status::Ok();
}

void Scheduler::Add(const Hash& id, const AccountId& payer, std::string body, PlaceOrder order,
                    const MemoryState& state) {
  Entry& e = orders_[id];
  e.payer = payer;
  e.body = std::move(body);
  e.order = std::move(order);
  Refresh(id, state);
}

void Scheduler::Requeue(const Hash& id, int64_t due_ms) {
  auto it = orders_.find(id);
  if (it == orders_.end()) return;
  queue_.erase({it->second.due_ms, id});
  it->second.due_ms = due_ms;
  queue_.insert({due_ms, id});
}

void Scheduler::Refresh(const Hash& id, const MemoryState& state) {
  auto it = orders_.find(id);
  if (it == orders_.end()) return;
  const int64_t next1 = state.Balance(ops::OrderNextKey(id));
  if (next1 == 0) {
    queue_.erase({it->second.due_ms, id});
    orders_.erase(it);
    return;
  }
  Entry& e = it->second;
  e.index = static_cast<uint64_t>(next1 - 1);
  e.attempt = static_cast<uint32_t>(state.Balance(ops::OrderTriesKey(id)));
  Requeue(id, ops::OrderDueMs(e.order, e.index, e.attempt, zone_));
}

void Scheduler::Observe(const VerifiedOperation& v, const MemoryState& state) {
  const Payload& p = v.op().payload;
  if (const auto* o = std::get_if<PlaceOrder>(&p)) {
    Add(v.id(), v.op().account, v.signed_op().body, *o, state);
  } else if (const auto* s = std::get_if<SetOrderState>(&p)) {
    Refresh(s->order, state);
  } else if (const auto* e = std::get_if<ExecuteOrder>(&p)) {
    Refresh(OperationId(ledger_.id(), e->order_body), state);
  }
}

std::optional<int64_t> Scheduler::next_due_ms() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first;
}

std::vector<VerifiedOperation> Scheduler::Due(const MemoryState& state, int64_t now_ms,
                                              const KeyPair& key, const JournalView* journal) {
  std::vector<VerifiedOperation> out;
  if (queue_.empty() || queue_.begin()->first > now_ms) return out;
  const std::optional<PublicKey>& named = state.governance().node_key;
  if (!state.governance().NamesNodeKey(key.public_key())) {
    if (warned_key_ != named) {
      warned_key_ = named;
      spdlog::warn(
          "event=orders-held message=\"standing orders fall due but this node does not hold the "
          "node key the ledger names: no execution is made until it does\"");
    }
    return out;
  }
  std::vector<std::pair<Hash, int64_t>> held;
  for (auto it = queue_.begin(); it != queue_.end() && it->first <= now_ms;) {
    if (out.size() >= kMaxExecutionsPerTick) break;
    const Hash id = it->second;
    ++it;
    const Entry& e = orders_.at(id);
    Operation op;
    op.ledger_id = ledger_.id();
    op.account = e.payer;
    op.sequence = e.index + 1;
    ExecuteOrder x;
    x.order_body = e.body;
    x.index = static_cast<uint32_t>(e.index);
    x.attempt = e.attempt;
    x.order_ledger = ledger_.id();
    x.payer = e.payer;
    x.order = e.order;
    op.payload = x;
    Delta delta;
    const ApplyContext ctx{now_ms, journal};
    Status s = ledger_.Simulate(state, op, key.public_key(), ctx, &delta);
    if (!s.ok() && IsPaymentRefusal(s.code())) {
      // Paying it now is refused: the execution records that refusal instead.
      std::get<ExecuteOrder>(op.payload).failed = static_cast<uint32_t>(s.code());
      s = ledger_.Simulate(state, op, key.public_key(), ctx, &delta);
    }
    if (!s.ok()) {
      spdlog::warn("event=order-held order={} index={} code={} reason=\"{}\"",
                   ToHex(id).substr(0, 16), e.index, CodeName(s.code()), s.message());
      held.emplace_back(id, now_ms + kExecutionHoldMs);
      continue;
    }
    VerifiedOperation v;
    Status pre = ledger_.Preflight(codec::SignOperation(op, ledger_.id(), key), &v);
    if (!pre.ok()) {
      spdlog::error("event=order-sign-failed order={} reason=\"{}\"", ToHex(id).substr(0, 16),
                    pre.ToString());
      held.emplace_back(id, now_ms + kExecutionHoldMs);
      continue;
    }
    // Left due: applied, it is refreshed (Observe); refused when applied after another
    // execution of the same group changed what it pays from (a payee of one order paying
    // another), it is judged again at the next tick, on the state the group left.
    out.push_back(std::move(v));
  }
  for (const auto& [id, until] : held) Requeue(id, until);
  return out;
}

}  // namespace liard::node
