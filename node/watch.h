// Watch: per-account subscriptions to committed operations, fed by the applier once a group
// is durable, each drained by one Watch stream. A subscription wakes its stream (a callback) when
// news arrives, so no thread waits on it; StreamJournal followers are woken the same way.
#ifndef LIARD_NODE_WATCH_H_
#define LIARD_NODE_WATCH_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ledger/account.h"
#include "node/store.h"

namespace liard::node {

// A durable operation, shared read-only by every subscriber that receives it.
using CommittedOp = std::shared_ptr<const AppliedOperation>;

// One watcher's queue. Bounded: a client that does not read would otherwise hold the node's
// memory hostage. When it overflows the stream is ended with a status that says where to resume,
// rather than silently skipping receipts. Thread-safe.
class Subscription {
 public:
  enum class State { kOpen, kOverflowed, kClosed };

  // `wake`, if given, is called (outside the subscription's lock, on the publisher's thread) after
  // each Push and on Close: it must be quick (e.g. schedule the stream).
  Subscription(const AccountId& account, size_t capacity, std::function<void()> wake = nullptr)
      : account_(account), capacity_(capacity), wake_(std::move(wake)) {}
  const AccountId& account() const { return account_; }

  void Push(const CommittedOp& op);
  void Close();
  // Waits up to `timeout` for news; appends what is queued to *out and returns the state.
  State Wait(std::chrono::milliseconds timeout, std::vector<CommittedOp>* out);
  // Without waiting: moves the oldest queued operation, if any, to *out and returns the state.
  // What arrived before an overflow or a close is still taken first.
  State TryTake(CommittedOp* out);

 private:
  const AccountId account_;
  const size_t capacity_;
  const std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CommittedOp> queue_;
  State state_ = State::kOpen;
};

// Every subscription, by account. Thread-safe.
class WatchHub {
 public:
  explicit WatchHub(size_t capacity) : capacity_(capacity) {}

  // After CloseAll, returns an already closed subscription. `wake` as Subscription's.
  std::shared_ptr<Subscription> Subscribe(const AccountId& account,
                                          std::function<void()> wake = nullptr);
  void Unsubscribe(const std::shared_ptr<Subscription>& sub);
  // A journal follower: `wake` is called after each published group and on CloseAll (at once if
  // already closed). Returns its id for RemoveFollower.
  uint64_t AddFollower(std::function<void()> wake);
  void RemoveFollower(uint64_t id);
  // Delivers each operation to the subscribers of every account it touched, in order, then
  // wakes the followers.
  void Publish(const std::vector<CommittedOp>& ops);
  // Shutdown: closes every subscription, so their streams end, and wakes every follower.
  void CloseAll();
  bool closed();

 private:
  const size_t capacity_;
  std::mutex mu_;
  bool closed_ = false;
  std::unordered_map<AccountId, std::vector<std::shared_ptr<Subscription>>> subs_;
  uint64_t next_follower_ = 1;
  std::unordered_map<uint64_t, std::function<void()>> followers_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_WATCH_H_
