// Stream caps, the stream pool and the reactor base (see streams.h).
#include "node/streams.h"

#include <spdlog/spdlog.h>

namespace liard::node {

std::string PeerAddress(std::string_view peer) {
  if (peer.rfind("ipv4:", 0) != 0 && peer.rfind("ipv6:", 0) != 0) return std::string(peer);
  std::string_view rest = peer.substr(5);
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) return std::string(rest);
  return std::string(rest.substr(0, colon));
}

grpc::Status StreamLimits::Acquire(const std::string& peer) {
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) {
    spdlog::warn("event=stream-refused reason=total open={} max_streams={} peer={}", total_,
                 max_total_, peer);
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "the node has as many open streams as it allows (max_streams = " +
                            std::to_string(max_total_) +
                            "); close a stream or try again in a moment");
  }
  int64_t& mine = per_peer_[peer];
  if (mine >= max_per_peer_) {
    if (mine == 0) per_peer_.erase(peer);
    spdlog::warn("event=stream-refused reason=peer open={} max_streams_per_peer={} peer={}", mine,
                 max_per_peer_, peer);
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "this address has as many open streams as the node allows per address "
                        "(max_streams_per_peer = " +
                            std::to_string(max_per_peer_) + "); close one of them first");
  }
  ++mine;
  ++total_;
  return grpc::Status::OK;
}

void StreamLimits::Release(const std::string& peer) {
  std::lock_guard lock(mu_);
  auto it = per_peer_.find(peer);
  if (it != per_peer_.end() && --it->second <= 0) per_peer_.erase(it);
  --total_;
}

int64_t StreamLimits::open() const {
  std::lock_guard lock(mu_);
  return total_;
}

StreamPump::StreamPump(int workers, std::chrono::milliseconds tick) : tick_(tick) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { TimerLoop(); });
}

StreamPump::~StreamPump() { Stop(); }

void StreamPump::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  timer_cv_.notify_all();
  for (auto& t : threads_) t.join();
  std::lock_guard lock(mu_);
  queue_.clear();
  registered_.clear();
}

void StreamPump::Kick(const std::shared_ptr<Pumpable>& p) {
  if (p->queued_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    queue_.push_back(p);
  }
  cv_.notify_one();
}

uint64_t StreamPump::Register(std::weak_ptr<Pumpable> p) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  registered_.emplace(id, std::move(p));
  return id;
}

void StreamPump::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  registered_.erase(id);
}

void StreamPump::WorkerLoop() {
  for (;;) {
    std::shared_ptr<Pumpable> p;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      p = std::move(queue_.front());
      queue_.pop_front();
    }
    p->queued_ = false;
    p->Pump();
  }
}

void StreamPump::TimerLoop() {
  std::vector<std::shared_ptr<Pumpable>> due;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      timer_cv_.wait_for(lock, tick_, [&] { return stopping_; });
      if (stopping_) return;
      due.reserve(registered_.size());
      for (const auto& [id, weak] : registered_)
        if (auto p = weak.lock()) due.push_back(std::move(p));
    }
    for (const auto& p : due) Kick(p);
    due.clear();
  }
}

StreamReactor::StreamReactor(grpc::CallbackServerContext* ctx, StreamPump* pump,
                             StreamLimits* limits, std::string peer)
    : ctx_(ctx), pump_(pump), limits_(limits), peer_(std::move(peer)) {}

StreamReactor::~StreamReactor() = default;

grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamReactor::Start(
    std::shared_ptr<StreamReactor> self) {
  self_ = std::move(self);
  weak_ = self_;
  {
    // Under the lock: the hub may wake the stream (on a pool thread) as soon as it subscribes.
    std::lock_guard lock(mu_);
    Attach();
  }
  timer_id_ = pump_->Register(std::weak_ptr<Pumpable>(self_));
  Pump();
  return this;
}

std::function<void()> StreamReactor::Waker() {
  return [weak = weak_, pump = pump_] {
    if (auto p = weak.lock()) pump->Kick(p);
  };
}

void StreamReactor::Pump() {
  std::unique_lock lock(mu_);
  if (writing_ || finished_) return;
  grpc::Status status;
  Step step = Step::kFinish;
  if (cancelled_ || ctx_->IsCancelled()) {
    status = grpc::Status::CANCELLED;
  } else {
    step = Next(&out_, &status);
  }
  if (step == Step::kIdle) return;
  if (step == Step::kWrite) {
    writing_ = true;
    lock.unlock();
    StartWrite(&out_);
    return;
  }
  finished_ = true;
  lock.unlock();
  Finish(status);
}

void StreamReactor::OnWriteDone(bool ok) {
  {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) cancelled_ = true;
  }
  // The next message at once, on gRPC's thread: a page read at most.
  Pump();
}

void StreamReactor::OnCancel() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  Pump();
}

void StreamReactor::OnDone() {
  pump_->Unregister(timer_id_);
  Detach();
  limits_->Release(peer_);
  // The pool may still hold this object for a moment; it then finds it finished.
  std::shared_ptr<StreamReactor> self = std::move(self_);
}

namespace {

class Finished final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit Finished(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(grpc::Status status) {
  return new Finished(std::move(status));
}

}  // namespace liard::node
