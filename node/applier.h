// Applier: the node's single writer. Verified operations queue up from every gRPC thread; one
// thread applies whatever is queued, in order, through the core, makes the group durable with
// one fsynced write, and only then answers the callers and tells the watchers.
#ifndef LIARD_NODE_APPLIER_H_
#define LIARD_NODE_APPLIER_H_

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/replay.h"
#include "ledger/status.h"
#include "node/checkpointer.h"
#include "node/store.h"
#include "node/watch.h"

namespace liard::node {

class Scheduler;
class SyncWait;

// How a submitted operation ended, as its caller is answered.
struct SubmitOutcome {
  Status status;  // ok: applied (now or before); else why it was refused
  Hash op_id;
  uint64_t sequence = 0;  // journal sequence; 0 if refused
  int64_t time_ms = 0;
  Hash entry_hash;
  bool duplicate = false;  // applied before: this is that first result
  std::string note;        // the core's note for the submitter (Delta::note); not kept on disk
};

// One structured log line for a refused operation. `op_id` and `account` may be null when the
// envelope could not even be decoded.
void LogRefused(const Status& status, const Hash* op_id, const AccountId* account,
                std::string_view currency_code);

// The applier's guard on time and disk (docs/operator.md, "The clock" and "When the disk is
// full"). Defaults are the config's.
struct ApplierOptions {
  // A wall clock that moved against the monotonic clock by more than this (either way) since
  // the applier last trusted it, or that is behind the journal's last entry by more than this
  // at start-up, is not trusted: writes stop until it is back.
  int64_t clock_tolerance_ms = 300'000;
  // At start-up, a wall clock further than this past the journal's last entry is not trusted
  // (a forward jump across a restart) unless `trust_clock`.
  int64_t clock_max_gap_ms = 31LL * 86'400'000;
  // `liard-node run --trust-clock`: the operator vouches for the clock at start-up; neither
  // start-up check applies (the jump check does, from then on).
  bool trust_clock = false;
  // Monotonic time in ms; CLOCK_BOOTTIME (which counts suspend) if empty. Injectable for tests.
  std::function<int64_t()> monotonic;
  // Asked before each group is written: not ok (the disk is nearly full) is handled as a
  // failed write, before RocksDB is asked, since Debian's RocksDB aborts on an assertion when a
  // synced write fails for want of space. None if empty.
  std::function<Status()> disk_check;
  // Standing orders: the index whose due executions the applier applies, at each wake, as a
  // group of their own (node/scheduler.h). None if null. Must outlive the applier.
  Scheduler* scheduler = nullptr;
  // Synchronous standbys: each group's answers are handed to it once the group is durable, and
  // given when enough standbys hold it (node/sync_wait.h). Answered at once if null. Must
  // outlive the applier.
  SyncWait* sync = nullptr;
};

// Thread-safety: Submit*, Read, WaitBeyond and durable_sequence may be called from any thread;
// Start and Stop from the owner's.
class Applier {
 public:
  using Clock = std::function<int64_t()>;  // Unix time in ms; injectable for tests

  // `state` and `head` are what Store::Load returned. The ledger, store, checkpointer and hub
  // must outlive the applier.
  Applier(const Ledger& ledger, Store* store, MemoryState state, HeadState head,
          Checkpointer* checkpointer, WatchHub* hub, Clock clock, ApplierOptions options = {});
  ~Applier();

  void Start();
  // A standby with [leadership] promoted to primary: its synchronous standbys from now on
  // (ApplierOptions::sync). Before Start only.
  void SetSync(SyncWait* sync) { sync_ = sync; }
  // Applies everything already queued, then stops the thread and signs a final checkpoint.
  // Later submits are answered kUnavailable.
  void Stop();

  std::future<SubmitOutcome> Submit(VerifiedOperation op);
  // Queues one operation; `done` is called once with its outcome, on the applier's thread once
  // the outcome is durable (or at once, on the caller's, if the applier is stopping). `done`
  // must be quick and must not call back into the applier.
  using Done = std::function<void(SubmitOutcome)>;
  void SubmitThen(VerifiedOperation op, Done done);
  // Queues all of them at once, so they apply in this order, one after the other.
  std::vector<std::future<SubmitOutcome>> SubmitAll(std::vector<VerifiedOperation> ops);
  // Same, answering by callback as SubmitThen does: `done(i, outcome)` once for each ops[i].
  using DoneAt = std::function<void(size_t, SubmitOutcome)>;
  void SubmitAllThen(std::vector<VerifiedOperation> ops, DoneAt done);

  // Runs f(const MemoryState&, const HeadState&) under the shared lock. The state and head it
  // sees are durable: the applier holds the lock exclusively from a group's first apply until
  // the group is on disk.
  template <typename F>
  auto Read(F&& f) const {
    std::shared_lock lock(state_mu_, std::defer_lock);
    {
      // Readers pass the turnstile the applier holds while it waits for the lock: without it a
      // steady flow of readers could keep the (reader-preferring) shared_mutex from the writer.
      std::lock_guard turnstile(turnstile_mu_);
      lock.lock();
    }
    return f(static_cast<const MemoryState&>(state_), static_cast<const HeadState&>(head_));
  }

  // Whether the applier writes: false while its clock is not trusted or after a write to the
  // disk failed. `listener(writable)` is called at once with the current value, then on each
  // change, on the applier's thread (quick; must not call back into the applier). Pass an empty
  // function to stop the calls; once this returns, no call is running.
  bool writable() const;
  // True once a write to the disk failed (writes stay stopped until a restart).
  bool disk_failed() const { return disk_failed_; }
  void SetWritableListener(std::function<void(bool)> listener);

  // Leadership (node/leader.h). The term written into every new entry of a version 7 ledger
  // (EntriesCarryTerm): at first the head entry's (1 for an empty journal); a leader that won a
  // newer term sets it before it lifts the fence. Never lowered. 0 for older ledgers.
  void SetTerm(uint64_t term);
  uint64_t term() const { return term_.load(); }
  // The write fence: once the monotonic clock (ApplierOptions::monotonic) passes
  // `until_mono_ms`, no group is applied and no write is acknowledged (UNAVAILABLE; a group
  // already written when it passes is answered as of unknown outcome) until the fence is
  // moved again. A leader moves it to its local lease deadline after each renewal; INT64_MAX
  // (the default) is no fence, INT64_MIN stops writes at once. Any thread.
  void SetFence(int64_t until_mono_ms);
  bool fenced() const;

  // The sequence of the last durable entry.
  uint64_t durable_sequence() const;

  // How the applier has grouped its work since Start: how many synced writes it made and how
  // many operations they carried. Logged when the node stops; a mean group near 1 under load
  // means each operation pays its own fsync.
  struct Stats {
    uint64_t groups = 0;      // synced writes of the journal
    uint64_t operations = 0;  // operations handled: applied, refused or answered as duplicates
    uint64_t applied = 0;
    uint64_t largest_group = 0;
    uint64_t write_us = 0;  // time spent in Store::Append (memtables, WAL, fsync)
  };
  Stats stats() const;
  // Waits until an entry beyond `sequence` is durable, `timeout` passes or the applier stops;
  // returns the durable sequence then.
  uint64_t WaitBeyond(uint64_t sequence, std::chrono::milliseconds timeout) const;

  // A standby's only write (node/follower.h; defined in node/replication.cc): entries of the
  // primary's journal, decoded and signature-checked (PreparedEntry), applied in order through
  // the core at their own recorded time. Each must follow the head (sequence, prev_hash), hash
  // to its claimed hash and not go back in time, and the core must accept it; then the group is
  // made durable with one fsynced Store::Append, the head moves and watchers are told. Called
  // by one thread, on an applier that was never Start()ed (a standby has no other writer).
  // kCorruption naming the first entry that fails (nothing of the group is kept, in memory or
  // on disk); the store's error if the write fails (the state is reloaded from the store).
  // `digests`, if not null, receives the state digest after each entry of the group.
  [[nodiscard]] Status AppendReplicated(std::vector<PreparedEntry>* entries,
                                        std::vector<Hash>* digests);

 private:
  struct Pending {
    VerifiedOperation op;
    Done done;
  };

  void Enqueue(std::vector<Pending> pending);
  void Run();
  void ApplyGroup(std::vector<Pending>& group, int64_t now_ms);
  void RefuseGroup(std::vector<Pending>& group, const Status& status);
  // Hands a durable group's answers to options_.sync (node/sync_wait.h).
  void HoldForStandbys(std::vector<Pending>& group, std::vector<SubmitOutcome>& outcomes,
                       const std::vector<AppliedOperation>& applied);
  void MaybeCheckpoint(bool force);
  // Applies the standing orders' executions due at `now_ms` (node/scheduler.h), if any.
  void RunDueOrders(int64_t now_ms);
  // Reads both clocks and decides whether the wall clock is trusted; logs and tells the
  // listener when that changes. Returns the wall clock's time. Applier thread only.
  int64_t CheckClock();
  // After a failed Append: the working state reloaded from the store, writes stopped.
  void StopWritesAfterDiskFailure(const Status& error, uint64_t first_sequence);
  void NotifyWritable();

  const Ledger& ledger_;
  Store* const store_;
  Checkpointer* const checkpointer_;
  WatchHub* const hub_;
  const Clock clock_;
  const ApplierOptions options_;
  SyncWait* sync_;  // options_.sync, or SetSync's; read by the applier thread only

  // The clock guard (applier thread only, except the atomics). Until the clock is first
  // trusted, it is checked against the journal; from then on against the monotonic clock from
  // the last time it was trusted (the anchor).
  bool anchored_ = false;
  int64_t anchor_wall_ms_ = 0;
  int64_t anchor_mono_ms_ = 0;
  std::atomic<bool> clock_untrusted_{false};
  std::atomic<bool> disk_failed_{false};
  std::atomic<uint64_t> term_{0};
  std::atomic<int64_t> fence_until_mono_ms_{INT64_MAX};

  mutable std::mutex listener_mu_;
  std::function<void(bool)> listener_;  // under listener_mu_
  bool told_writable_ = true;           // under listener_mu_: the last value the listener got

  // The working state and the head, both durable whenever the lock is free.
  mutable std::mutex turnstile_mu_;
  mutable std::shared_mutex state_mu_;
  MemoryState state_;
  HeadState head_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;  // under queue_mu_

  mutable std::mutex follow_mu_;
  mutable std::condition_variable follow_cv_;
  uint64_t durable_sequence_ = 0;  // under follow_mu_
  bool stopped_ = false;           // under follow_mu_
  Stats stats_;                    // under follow_mu_

  std::thread thread_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_APPLIER_H_
