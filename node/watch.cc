// Watch subscriptions: bounded queues and their fan-out.
#include "node/watch.h"

#include <algorithm>

namespace liard::node {

void Subscription::Push(const CommittedOp& op) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kOpen) return;
    if (queue_.size() >= capacity_) {
      state_ = State::kOverflowed;
    } else {
      queue_.push_back(op);
    }
  }
  cv_.notify_one();
  if (wake_) wake_();
}

void Subscription::Close() {
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kOpen) state_ = State::kClosed;
  }
  cv_.notify_one();
  if (wake_) wake_();
}

Subscription::State Subscription::TryTake(CommittedOp* out) {
  std::lock_guard lock(mu_);
  if (!queue_.empty()) {
    *out = std::move(queue_.front());
    queue_.pop_front();
    return State::kOpen;
  }
  return state_;
}

Subscription::State Subscription::Wait(std::chrono::milliseconds timeout,
                                       std::vector<CommittedOp>* out) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || state_ != State::kOpen; });
  // What arrived before an overflow or a close is still delivered.
  while (!queue_.empty()) {
    out->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return state_;
}

std::shared_ptr<Subscription> WatchHub::Subscribe(const AccountId& account,
                                                  std::function<void()> wake) {
  auto sub = std::make_shared<Subscription>(account, capacity_, std::move(wake));
  std::lock_guard lock(mu_);
  if (closed_) {
    sub->Close();
  } else {
    subs_[account].push_back(sub);
  }
  return sub;
}

void WatchHub::Unsubscribe(const std::shared_ptr<Subscription>& sub) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(sub->account());
  if (it == subs_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), sub), v.end());
  if (v.empty()) subs_.erase(it);
}

uint64_t WatchHub::AddFollower(std::function<void()> wake) {
  std::unique_lock lock(mu_);
  const uint64_t id = next_follower_++;
  if (closed_) {
    lock.unlock();
    wake();
    return id;
  }
  followers_.emplace(id, std::move(wake));
  return id;
}

void WatchHub::RemoveFollower(uint64_t id) {
  std::lock_guard lock(mu_);
  followers_.erase(id);
}

bool WatchHub::closed() {
  std::lock_guard lock(mu_);
  return closed_;
}

void WatchHub::Publish(const std::vector<CommittedOp>& ops) {
  std::lock_guard lock(mu_);
  for (const auto& [id, wake] : followers_) wake();
  if (subs_.empty()) return;
  for (const CommittedOp& op : ops) {
    for (const AccountId& account : op->touched) {
      auto it = subs_.find(account);
      if (it == subs_.end()) continue;
      for (const auto& sub : it->second) sub->Push(op);
    }
  }
}

void WatchHub::CloseAll() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& [account, v] : subs_)
    for (auto& sub : v) sub->Close();
  subs_.clear();
  for (const auto& [id, wake] : followers_) wake();
  followers_.clear();
}

}  // namespace liard::node
