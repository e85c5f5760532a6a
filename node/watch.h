// Watch: per-account subscriptions to committed operations, fed by the applier once a group
// is durable, each drained by one Watch stream.
#ifndef LIARD_NODE_WATCH_H_
#define LIARD_NODE_WATCH_H_

#include <chrono>
#include <condition_variable>
#include <deque>
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

  Subscription(const AccountId& account, size_t capacity)
      : account_(account), capacity_(capacity) {}
  const AccountId& account() const { return account_; }

  void Push(const CommittedOp& op);
  void Close();
  // Waits up to `timeout` for news; appends what is queued to *out and returns the state.
  State Wait(std::chrono::milliseconds timeout, std::vector<CommittedOp>* out);

 private:
  const AccountId account_;
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CommittedOp> queue_;
  State state_ = State::kOpen;
};

// Every subscription, by account. Thread-safe.
class WatchHub {
 public:
  explicit WatchHub(size_t capacity) : capacity_(capacity) {}

  // After CloseAll, returns an already closed subscription.
  std::shared_ptr<Subscription> Subscribe(const AccountId& account);
  void Unsubscribe(const std::shared_ptr<Subscription>& sub);
  // Delivers each operation to the subscribers of every account it touched, in order.
  void Publish(const std::vector<CommittedOp>& ops);
  // Shutdown: closes every subscription, so their streams end.
  void CloseAll();

 private:
  const size_t capacity_;
  std::mutex mu_;
  bool closed_ = false;
  std::unordered_map<AccountId, std::vector<std::shared_ptr<Subscription>>> subs_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_WATCH_H_
