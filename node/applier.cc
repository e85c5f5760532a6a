// The applier thread: group commit, duplicates, durability before any answer.
#include "node/applier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "ledger/address.h"
#include "ledger/journal.h"
#include "proto/codec.h"

namespace liard::node {
namespace {

// A group is capped so that the exclusive lock (which readers wait on) is held for a bounded
// time; what is left waits for the next group, a few milliseconds later. The cap also keeps
// batches flowing: with 4,096 the applier took eight 500-operation batches at once, their
// callers all waited on it, and the verifying cores sat idle 16 % of the batch benchmark
// (4 % with 1,024; docs/benchmarks.md).
constexpr size_t kMaxGroup = 1024;
// How often the idle thread wakes to see whether a checkpoint is due by time.
constexpr auto kIdleWake = std::chrono::milliseconds(200);

Status ShuttingDown() {
  return Status(Code::kUnavailable, "the node is shutting down; send it again once it is back");
}

}  // namespace

void LogRefused(const Status& status, const Hash* op_id, const AccountId* account,
                std::string_view currency_code) {
  // Prefixes identify an operation and an account in practice without printing whole keys.
  std::string op = op_id ? ToHex(*op_id).substr(0, 16) : "-";
  std::string who = account ? EncodeAddress(currency_code, *account).substr(0, 20) : "-";
  spdlog::info("event=refused code={} name={} op={} account={} reason=\"{}\"",
               static_cast<int>(status.code()), CodeName(status.code()), op, who, status.message());
}

Applier::Applier(const Ledger& ledger, Store* store, MemoryState state, HeadState head,
                 Checkpointer* checkpointer, WatchHub* hub, Clock clock)
    : ledger_(ledger),
      store_(store),
      checkpointer_(checkpointer),
      hub_(hub),
      clock_(std::move(clock)),
      state_(std::move(state)),
      head_(head),
      durable_sequence_(head.sequence) {}

Applier::~Applier() { Stop(); }

void Applier::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Applier::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    MaybeCheckpoint(/*force=*/true);
  }
  {
    std::lock_guard lock(follow_mu_);
    stopped_ = true;
  }
  follow_cv_.notify_all();
}

std::future<SubmitOutcome> Applier::Submit(VerifiedOperation op) {
  std::vector<VerifiedOperation> ops;
  ops.push_back(std::move(op));
  return std::move(SubmitAll(std::move(ops)).front());
}

void Applier::SubmitThen(VerifiedOperation op, Done done) {
  std::vector<Pending> pending;
  pending.push_back(Pending{std::move(op), std::move(done)});
  Enqueue(std::move(pending));
}

std::vector<std::future<SubmitOutcome>> Applier::SubmitAll(std::vector<VerifiedOperation> ops) {
  std::vector<std::future<SubmitOutcome>> futures;
  futures.reserve(ops.size());
  std::vector<Pending> pending;
  pending.reserve(ops.size());
  for (auto& op : ops) {
    auto promise = std::make_shared<std::promise<SubmitOutcome>>();
    futures.push_back(promise->get_future());
    pending.push_back(
        Pending{std::move(op), [promise](SubmitOutcome o) { promise->set_value(std::move(o)); }});
  }
  Enqueue(std::move(pending));
  return futures;
}

void Applier::SubmitAllThen(std::vector<VerifiedOperation> ops, DoneAt done) {
  std::vector<Pending> pending;
  pending.reserve(ops.size());
  for (size_t i = 0; i < ops.size(); ++i)
    pending.push_back(
        Pending{std::move(ops[i]), [done, i](SubmitOutcome o) { done(i, std::move(o)); }});
  Enqueue(std::move(pending));
}

void Applier::Enqueue(std::vector<Pending> pending) {
  std::vector<Pending> refused;
  {
    std::lock_guard lock(queue_mu_);
    for (auto& p : pending) {
      if (stopping_) {
        refused.push_back(std::move(p));
      } else {
        queue_.push_back(std::move(p));
      }
    }
  }
  queue_cv_.notify_one();
  for (auto& p : refused) {
    SubmitOutcome o;
    o.op_id = p.op.id();
    o.status = ShuttingDown();
    p.done(std::move(o));
  }
}

uint64_t Applier::durable_sequence() const {
  std::lock_guard lock(follow_mu_);
  return durable_sequence_;
}

Applier::Stats Applier::stats() const {
  std::lock_guard lock(follow_mu_);
  return stats_;
}

uint64_t Applier::WaitBeyond(uint64_t sequence, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(follow_mu_);
  follow_cv_.wait_for(lock, timeout, [&] { return durable_sequence_ > sequence || stopped_; });
  return durable_sequence_;
}

void Applier::Run() {
  for (;;) {
    std::vector<Pending> group;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_for(lock, kIdleWake, [&] { return !queue_.empty() || stopping_; });
      // Stopping still drains: whatever was accepted into the queue gets its answer.
      if (queue_.empty() && stopping_) return;
      size_t n = std::min(queue_.size(), kMaxGroup);
      group.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!group.empty()) ApplyGroup(group);
    MaybeCheckpoint(/*force=*/false);
  }
}

void Applier::ApplyGroup(std::vector<Pending>& group) {
  std::vector<SubmitOutcome> outcomes(group.size());
  std::vector<AppliedOperation> applied;
  // Op id -> index in `outcomes` of its applied occurrence in this group.
  std::unordered_map<Hash, size_t> applied_here;
  const std::string& code = ledger_.genesis().currency_code;
  std::chrono::steady_clock::duration write_time{};
  {
    std::unique_lock lock(state_mu_, std::defer_lock);
    {
      std::lock_guard turnstile(turnstile_mu_);
      lock.lock();
    }
    HeadState head = head_;
    for (size_t i = 0; i < group.size(); ++i) {
      const VerifiedOperation& v = group[i].op;
      SubmitOutcome& out = outcomes[i];
      out.op_id = v.id();
      // A resend is answered with the first result only if signed by the key that signed the
      // first, which was the account's key when it applied: the op id covers the body alone, and
      // an envelope of the same body signed by another key is not a retry of it. Such an
      // envelope goes on to Apply, which refuses it (WRONG_KEY, or SEQUENCE_USED if its key is
      // the account's now); see docs/protocol.md, "The order of checks".
      if (auto it = applied_here.find(v.id());
          it != applied_here.end() && group[it->second].op.signed_op().key == v.signed_op().key) {
        out = outcomes[it->second];
        out.duplicate = true;
        continue;
      }
      // Every applied operation moved its account's sequence up to its own, and accounts are
      // never removed: an operation whose sequence is beyond its account's cannot have been
      // applied, so only the others need the op-id index (a lookup in a table of random keys).
      const Account* actor = state_.FindAccount(v.op().account);
      const bool maybe_applied = actor != nullptr && v.op().sequence <= actor->sequence;
      uint64_t seq = 0;
      Status found = maybe_applied ? store_->FindOperation(v.id(), &seq)
                                   : Status(Code::kNotFound, "not applied");
      if (found.ok()) {
        JournalEntry entry;
        SignedOperation first;
        Status s = store_->ReadEntry(seq, &entry, &out.entry_hash);
        if (s.ok()) s = codec::DecodeEnvelope(entry.envelope, &first);
        if (!s.ok()) {
          spdlog::error("event=store-read-failed sequence={} error=\"{}\"", seq, s.ToString());
          out.status =
              Status(Code::kInternal, "could not read the earlier result of this operation");
          continue;
        }
        if (first.key == v.signed_op().key) {
          out.sequence = seq;
          out.time_ms = entry.time_ms;
          out.duplicate = true;
          continue;
        }
        out.entry_hash = Hash{};  // not this envelope's entry: Apply decides below
      }
      if (!found.ok() && found.code() != Code::kNotFound) {
        spdlog::error("event=store-read-failed op={} error=\"{}\"", ToHex(v.id()).substr(0, 16),
                      found.ToString());
        out.status = Status(Code::kInternal, "could not check whether this operation was applied");
        continue;
      }
      // The journal's clock never runs backwards, even if the system clock does.
      const int64_t now = std::max(clock_(), head.time_ms);
      Delta delta;
      Status s = ledger_.Apply(state_, v, ApplyContext{now}, &delta);
      if (!s.ok()) {
        LogRefused(s, &out.op_id, &v.op().account, code);
        out.status = std::move(s);
        continue;
      }
      state_.Commit(delta);
      AppliedOperation a;
      a.entry.sequence = head.sequence + 1;
      a.entry.time_ms = now;
      a.entry.prev_hash = head.head_hash;
      a.entry.envelope = codec::EncodeEnvelope(v.signed_op());
      a.entry_hash = EntryHash(a.entry);
      a.op_id = v.id();
      a.touched = TouchedAccounts(v.op(), delta);
      a.delta = std::move(delta);
      head = HeadState{a.entry.sequence, a.entry_hash, now};
      out.sequence = a.entry.sequence;
      out.time_ms = now;
      out.entry_hash = a.entry_hash;
      out.note = a.delta.note;
      applied_here.emplace(v.id(), i);
      applied.push_back(std::move(a));
    }
    if (!applied.empty()) {
      const auto write_start = std::chrono::steady_clock::now();
      Status s = store_->Append(applied, state_);
      write_time = std::chrono::steady_clock::now() - write_start;
      if (!s.ok()) {
        // Memory is now ahead of disk and nothing of this group was acknowledged. Carrying on
        // would answer reads from state that a crash would lose; a restart reloads from disk.
        spdlog::critical(
            "event=append-failed sequence={} error=\"{}\": stopping the node; "
            "restart it to recover from the last durable state",
            applied.front().entry.sequence, s.ToString());
        spdlog::default_logger()->flush();
        std::abort();
      }
      head_ = head;
    }
  }
  {
    std::lock_guard lock(follow_mu_);
    if (!applied.empty()) {
      durable_sequence_ = head_.sequence;  // only this thread writes head_
      stats_.groups++;
      stats_.write_us += std::chrono::duration_cast<std::chrono::microseconds>(write_time).count();
    }
    stats_.operations += group.size();
    stats_.applied += applied.size();
    stats_.largest_group = std::max<uint64_t>(stats_.largest_group, group.size());
  }
  if (!applied.empty()) follow_cv_.notify_all();
  for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(outcomes[i]));
  if (!applied.empty()) {
    std::vector<CommittedOp> committed;
    committed.reserve(applied.size());
    for (auto& a : applied)
      committed.push_back(std::make_shared<const AppliedOperation>(std::move(a)));
    hub_->Publish(committed);
  }
}

void Applier::MaybeCheckpoint(bool force) {
  // Only this thread changes the state, so reading it here needs no lock.
  Status s = checkpointer_->MaybeSign(head_, state_.digest(), state_.governance().node_key,
                                      clock_(), force);
  if (!s.ok()) spdlog::error("event=checkpoint-failed error=\"{}\"", s.ToString());
}

}  // namespace liard::node
