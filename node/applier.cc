// The applier thread: group commit, duplicates, durability before any answer.
#include "node/applier.h"
#include "node/order_index.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/journal.h"
#include "node/answers.h"
#include "node/log_text.h"
#include "node/metrics.h"
#include "node/scheduler.h"
#include "node/store_journal.h"
#include "node/sync_wait.h"
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

Status ShuttingDown() { return Status(Code::kUnavailable, answers::kShuttingDown); }

Status ClockUntrusted() { return Status(Code::kUnavailable, answers::kClockUntrusted); }

Status Fenced() { return Status(Code::kUnavailable, answers::kFenced); }

Status FencedDuringWrite() { return Status(Code::kUnavailable, answers::kFencedDuringWrite); }

Status DiskFailed() { return Status(Code::kUnavailable, answers::kDiskFailed); }

// The clock the wall clock is compared with while running: CLOCK_BOOTTIME, monotonic and,
// unlike CLOCK_MONOTONIC (steady_clock), counting the time the machine was suspended, so that a
// laptop or server resuming from sleep is not taken for a clock jump.
int64_t MonotonicMs() {
  timespec ts{};
  if (::clock_gettime(CLOCK_BOOTTIME, &ts) != 0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace

void LogRefused(const Status& status, const Hash* op_id, const AccountId* account,
                std::string_view currency_code) {
  // Prefixes identify an operation and an account in practice without printing whole keys.
  std::string op = op_id ? ToHex(*op_id).substr(0, 16) : "-";
  std::string who = account ? EncodeAddress(currency_code, *account).substr(0, 20) : "-";
  CountRefused(status.code());
  if (!AllowRefusalLine()) return;
  spdlog::info("event=refused code={} name={} op={} account={} reason=\"{}\"",
               static_cast<int>(status.code()), CodeName(status.code()), op, who,
               LogText(status.message(), kLogReasonBytes));
}

Applier::Applier(const Ledger& ledger, Store* store, MemoryState state, HeadState head,
                 Checkpointer* checkpointer, WatchHub* hub, Clock clock, ApplierOptions options)
    : ledger_(ledger),
      store_(store),
      checkpointer_(checkpointer),
      hub_(hub),
      clock_(std::move(clock)),
      options_(std::move(options)),
      sync_(options_.sync),
      state_(std::move(state)),
      head_(head),
      durable_sequence_(head.sequence) {
  if (EntriesCarryTerm(ledger_.genesis())) term_ = std::max<uint64_t>(head.term, 1);
}

void Applier::SetTerm(uint64_t term) {
  if (!EntriesCarryTerm(ledger_.genesis())) return;
  uint64_t now = term_.load();
  while (term > now && !term_.compare_exchange_weak(now, term)) {
  }
}

void Applier::SetFence(int64_t until_mono_ms) {
  fence_until_mono_ms_.store(until_mono_ms);
  queue_cv_.notify_one();  // the writable listener hears of it at the next wake
}

bool Applier::fenced() const {
  const int64_t until = fence_until_mono_ms_.load();
  if (until == INT64_MAX) return false;
  const int64_t mono = options_.monotonic ? options_.monotonic() : MonotonicMs();
  return mono >= until;
}

Applier::~Applier() { Stop(); }

void Applier::Start() {
  // Checked before the thread starts, so that a node that starts with a wrong clock is
  // NOT_SERVING from its first answer.
  CheckClock();
  thread_ = std::thread([this] { Run(); });
}

bool Applier::writable() const { return !clock_untrusted_ && !disk_failed_ && !fenced(); }

void Applier::SetWritableListener(std::function<void(bool)> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
  told_writable_ = writable();
  if (listener_) listener_(told_writable_);
}

void Applier::NotifyWritable() {
  std::lock_guard lock(listener_mu_);
  const bool w = writable();
  if (w == told_writable_) return;
  told_writable_ = w;
  if (listener_) listener_(w);
}

int64_t Applier::CheckClock() {
  const int64_t wall = clock_();
  const int64_t mono = options_.monotonic ? options_.monotonic() : MonotonicMs();
  const int64_t tolerance = options_.clock_tolerance_ms;
  const char* reason = nullptr;
  int64_t reference = 0;  // what the clock was compared with
  if (!anchored_) {
    // Before any entry the genesis's creation time is the only time the ledger knows: a clock
    // behind it is wrong, but a ledger created long before its first start is normal.
    reference = head_.sequence == 0 ? ledger_.genesis().created_at_ms : head_.time_ms;
    if (!options_.trust_clock && wall < reference - tolerance) {
      reason = "behind-journal";
    } else if (!options_.trust_clock && head_.sequence > 0 &&
               wall > reference + options_.clock_max_gap_ms) {
      reason = "past-max-gap";
    }
  } else {
    reference = anchor_wall_ms_ + (mono - anchor_mono_ms_);
    if (wall < reference - tolerance || wall > reference + tolerance) reason = "jumped";
  }
  if (reason == nullptr) {
    anchored_ = true;
    anchor_wall_ms_ = wall;
    anchor_mono_ms_ = mono;
    if (clock_untrusted_.exchange(false)) {
      spdlog::warn(
          "event=clock-trusted clock_ms={} message=\"the clock is back within {} s of "
          "the expected time; writes resume\"",
          wall, tolerance / 1000);
      NotifyWritable();
    }
  } else if (!clock_untrusted_.exchange(true)) {
    spdlog::critical(
        "event=clock-untrusted reason={} clock_ms={} expected_ms={} journal_ms={} "
        "tolerance_s={} max_gap_days={} message=\"the wall clock is not trusted: writes are "
        "refused (UNAVAILABLE) and health is NOT_SERVING until it is back; reads go on; see "
        "docs/operator.md, The clock\"",
        reason, wall, reference, head_.time_ms, tolerance / 1000,
        options_.clock_max_gap_ms / 86'400'000);
    spdlog::default_logger()->flush();
    NotifyWritable();
  }
  return wall;
}

void Applier::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    if (writable()) MaybeCheckpoint(/*force=*/true);
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
  Status why;
  {
    std::lock_guard lock(queue_mu_);
    // Writes that cannot be kept are answered at once rather than queued: a node whose disk
    // failed, or whose clock is not trusted, answers a flood without holding it.
    if (stopping_) {
      why = ShuttingDown();
    } else if (disk_failed_) {
      why = DiskFailed();
    } else if (clock_untrusted_) {
      why = ClockUntrusted();
    }
    for (auto& p : pending) {
      if (!why.ok()) {
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
    o.status = why;
    p.done(std::move(o));
  }
}

void Applier::RefuseGroup(std::vector<Pending>& group, const Status& status) {
  {
    std::lock_guard lock(follow_mu_);
    stats_.operations += group.size();
  }
  for (auto& p : group) {
    SubmitOutcome o;
    o.op_id = p.op.id();
    o.status = status;
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
    // The clock is read once per group, after the group was taken: an entry never carries a
    // time the guard did not check.
    const int64_t now = CheckClock();
    NotifyWritable();  // the fence moves with the monotonic clock, not on an event
    if (!group.empty()) {
      if (disk_failed_) {
        RefuseGroup(group, DiskFailed());
      } else if (clock_untrusted_) {
        RefuseGroup(group, ClockUntrusted());
      } else if (fenced()) {
        RefuseGroup(group, Fenced());
      } else {
        ApplyGroup(group, now);
      }
    }
    if (options_.scheduler != nullptr && writable() && !disk_failed_) RunDueOrders(now);
    // A checkpoint signs a time too, and is written to the disk.
    if (writable() && (!options_.disk_check || options_.disk_check().ok()))
      MaybeCheckpoint(/*force=*/false);
  }
}

void Applier::ApplyGroup(std::vector<Pending>& group, int64_t now_ms) {
  std::vector<SubmitOutcome> outcomes(group.size());
  std::vector<AppliedOperation> applied;
  // Op id -> index in `outcomes` of its applied occurrence in this group.
  std::unordered_map<Hash, size_t> applied_here;
  // What the core reads of the journal (a version 6 refund finds its payment): this group's
  // applied operations, not in the store yet, then the store.
  const StoreJournal journal(*store_, [&](const Hash& id) -> const Operation* {
    auto it = applied_here.find(id);
    return it == applied_here.end() ? nullptr : &group[it->second].op.op();
  });
  const std::string& code = ledger_.genesis().currency_code;
  std::chrono::steady_clock::duration write_time{};
  {
    std::unique_lock lock(state_mu_, std::defer_lock);
    {
      std::lock_guard turnstile(turnstile_mu_);
      lock.lock();
    }
    HeadState head = head_;
    const uint64_t term = term_.load();
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
      const int64_t now = std::max(now_ms, head.time_ms);
      Delta delta;
      Status s = ledger_.Apply(state_, v, ApplyContext{now, &journal}, &delta);
      if (!s.ok()) {
        LogRefused(s, &out.op_id, &v.op().account, code);
        out.status = std::move(s);
        continue;
      }
      state_.Commit(delta);
      AppliedOperation a;
      HashedEntry next =
          NextEntry(head.sequence, head.head_hash, now, codec::EncodeEnvelope(v.signed_op()), term);
      a.entry = std::move(next.entry);
      a.entry_hash = next.hash;
      a.op_id = v.id();
      a.touched = TouchedAccounts(v.op(), delta);
      a.indexed = OrderIndexIds(ledger_.id(), v.op(), v.id());
      a.delta = std::move(delta);
      head = HeadState{a.entry.sequence, a.entry_hash, now, term};
      out.sequence = a.entry.sequence;
      out.time_ms = now;
      out.entry_hash = a.entry_hash;
      out.note = a.delta.note;
      applied_here.emplace(v.id(), i);
      applied.push_back(std::move(a));
    }
    if (!applied.empty()) {
      // The group follows the durable head, link by link, and its clock never runs backwards.
      LIARD_CHECK(applied.front().entry.sequence == head_.sequence + 1);
      LIARD_CHECK(applied.front().entry.prev_hash == head_.head_hash);
      LIARD_CHECK(applied.front().entry.time_ms >= head_.time_ms);
      const auto write_start = std::chrono::steady_clock::now();
      Status s = options_.disk_check ? options_.disk_check() : Status();
      if (s.ok()) s = store_->Append(applied, state_);
      write_time = std::chrono::steady_clock::now() - write_start;
      if (!s.ok()) {
        // Memory is now ahead of disk and nothing of this group was acknowledged: the state is
        // reloaded from the store (what is durable), every caller of the group is told to send
        // again, and writes stop until a restart. Reads go on, from the durable state.
        StopWritesAfterDiskFailure(s, applied.front().entry.sequence);
        for (auto& out : outcomes) {
          const Hash id = out.op_id;
          out = SubmitOutcome{};
          out.op_id = id;
          out.status = DiskFailed();
        }
        applied.clear();
      } else {
        head_ = head;
        // Durable here, but the leadership may have lapsed while it was written: a primary
        // acknowledges nothing after its local deadline (a deposed one sets such entries aside
        // when it rejoins, node/leader.h).
        if (fenced())
          for (auto& out : outcomes)
            if (out.status.ok()) {
              const Hash id = out.op_id;
              out = SubmitOutcome{};
              out.op_id = id;
              out.status = FencedDuringWrite();
            }
        if (options_.scheduler != nullptr)
          for (const auto& [id, i] : applied_here) options_.scheduler->Observe(group[i].op, state_);
      }
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
  if (sync_ != nullptr) {
    HoldForStandbys(group, outcomes, applied);
  } else {
    for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(outcomes[i]));
  }
  if (!applied.empty())
    ObserveGroup(group.size(),
                 std::chrono::duration_cast<std::chrono::microseconds>(write_time).count());
  if (!applied.empty()) {
    std::vector<CommittedOp> committed;
    committed.reserve(applied.size());
    for (auto& a : applied)
      committed.push_back(std::make_shared<const AppliedOperation>(std::move(a)));
    hub_->Publish(committed);
  }
}

void Applier::StopWritesAfterDiskFailure(const Status& error, uint64_t first_sequence) {
  // Called with state_mu_ held exclusively.
  MemoryState durable(StateDigestRuleOf(ledger_.genesis()));
  HeadState head;
  Status loaded = store_->Load(&durable, &head);
  if (!loaded.ok()) {
    // Neither memory nor the store can be served: only a restart recovers.
    spdlog::critical(
        "event=append-failed sequence={} error=\"{}\" reload_error=\"{}\" message=\"the "
        "node could not write to its disk nor reload its state: stopping; free space and "
        "restart it\"",
        first_sequence, LogText(error.ToString(), kLogReasonBytes),
        LogText(loaded.ToString(), kLogReasonBytes));
    spdlog::default_logger()->flush();
    std::abort();
  }
  state_ = std::move(durable);
  head_ = head;
  disk_failed_ = true;
  spdlog::critical(
      "event=append-failed sequence={} durable_sequence={} error=\"{}\" message=\"the node "
      "could not write to its disk: writes are refused (UNAVAILABLE) and health is NOT_SERVING; "
      "reads go on from the durable state; free space, then restart the node\"",
      first_sequence, head.sequence, LogText(error.ToString(), kLogReasonBytes));
  spdlog::default_logger()->flush();
  NotifyWritable();
}

void Applier::RunDueOrders(int64_t now_ms) {
  // Only this thread changes the state, so reading it here needs no lock. The journal's clock
  // never runs backwards: the executions are judged at the time their entries will carry.
  const int64_t now = std::max(now_ms, head_.time_ms);
  const StoreJournal journal(*store_);
  std::vector<VerifiedOperation> due =
      options_.scheduler->Due(state_, now, checkpointer_->key_pair(), &journal);
  if (due.empty()) return;
  std::vector<Pending> group;
  group.reserve(due.size());
  for (auto& v : due) group.push_back(Pending{std::move(v), [](SubmitOutcome) {}});
  ApplyGroup(group, now);
}

void Applier::MaybeCheckpoint(bool force) {
  // Only this thread changes the state, so reading it here needs no lock.
  Status s = checkpointer_->MaybeSign(head_, state_.digest(), state_.governance(), clock_(), force);
  if (!s.ok()) spdlog::error("event=checkpoint-failed error=\"{}\"", s.ToString());
}

}  // namespace liard::node

namespace liard::node {

void Applier::HoldForStandbys(std::vector<Pending>& group, std::vector<SubmitOutcome>& outcomes,
                              const std::vector<AppliedOperation>& applied) {
  // The group's answers wait for the standbys' copies on SyncWait's thread, while this thread
  // goes on with the next group (only this thread writes head_).
  std::vector<Hash> hashes;
  hashes.reserve(applied.size());
  for (const auto& a : applied) hashes.push_back(a.entry_hash);
  std::vector<Done> dones;
  dones.reserve(group.size());
  for (auto& p : group) dones.push_back(std::move(p.done));
  sync_->Hold(applied.empty() ? 0 : applied.front().entry.sequence, std::move(hashes),
              head_.sequence, std::move(dones), std::move(outcomes));
}

}  // namespace liard::node
