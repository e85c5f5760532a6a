// Streams without a thread each: the caps on open streams, the small fixed pool that drives them,
// and the base of the Watch and StreamJournal reactors (gRPC's callback API).
//
// A stream is a grpc::ServerWriteReactor: it writes one message at a time and asks for the next
// only once gRPC is done with the previous one, so a slow client holds at most one message, one
// catch-up page and its bounded watch queue, and never a thread. Three things move it along:
// gRPC (a write done, a cancel), the watch hub (news for it), and a timer (read expiry, the
// periodic re-authorisation). The latter two run it on the pool's threads, made at start.
#ifndef LIARD_NODE_STREAMS_H_
#define LIARD_NODE_STREAMS_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace liard::node {

// The address part of a gRPC peer string: "ipv4:127.0.0.1:5555" -> "127.0.0.1",
// "ipv6:[::1]:5555" -> "[::1]"; anything else (e.g. "unix:/path") as it is.
std::string PeerAddress(std::string_view peer);

// Open streams, in all and per client address. Thread-safe.
class StreamLimits {
 public:
  StreamLimits(int64_t max_total, int64_t max_per_peer)
      : max_total_(max_total), max_per_peer_(max_per_peer) {}
  // Counts a new stream from `peer` (an address, see PeerAddress): OK, or RESOURCE_EXHAUSTED
  // with the sentence to answer if a cap is reached (then nothing is counted).
  grpc::Status Acquire(const std::string& peer);
  void Release(const std::string& peer);
  int64_t open() const;

 private:
  const int64_t max_total_;
  const int64_t max_per_peer_;
  mutable std::mutex mu_;
  int64_t total_ = 0;
  std::unordered_map<std::string, int64_t> per_peer_;
};

// Something the pool runs: Pump() does what is due and returns quickly.
class Pumpable {
 public:
  virtual ~Pumpable() = default;
  virtual void Pump() = 0;

 private:
  friend class StreamPump;
  std::atomic<bool> queued_{false};
};

// A fixed pool of `workers` threads that run Pump() of the streams kicked, and one timer thread
// that kicks every registered stream each `tick`. Made at start: no thread per stream.
class StreamPump {
 public:
  StreamPump(int workers, std::chrono::milliseconds tick);
  ~StreamPump();
  StreamPump(const StreamPump&) = delete;
  StreamPump& operator=(const StreamPump&) = delete;

  // Runs p->Pump() soon on a pool thread; once, however often it is kicked before it runs.
  void Kick(const std::shared_ptr<Pumpable>& p);
  // Kicked every tick until Unregister.
  uint64_t Register(std::weak_ptr<Pumpable> p);
  void Unregister(uint64_t id);
  // Ends the threads (also done by the destructor).
  void Stop();

 private:
  void WorkerLoop();
  void TimerLoop();

  const std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::condition_variable cv_;        // work queued, or stopping
  std::condition_variable timer_cv_;  // stopping
  bool stopping_ = false;
  std::deque<std::shared_ptr<Pumpable>> queue_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::weak_ptr<Pumpable>> registered_;
  std::vector<std::thread> threads_;
};

// The common half of a server-streaming reactor with raw (serialized) messages. Owned by
// itself (self_) from Start until gRPC's OnDone; the pool holds it only while running it.
// Subclasses implement Next(), called with the reactor's lock held, never concurrently.
class StreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer>, public Pumpable {
 public:
  enum class Step { kWrite, kFinish, kIdle };

  StreamReactor(grpc::CallbackServerContext* ctx, StreamPump* pump, StreamLimits* limits,
                std::string peer);
  ~StreamReactor() override;

  // Takes ownership of `self` (this object), registers with the timer, calls Attach() and runs
  // the first step on the calling thread. Returns this, for the method handler to return.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(std::shared_ptr<StreamReactor> self);

  void Pump() final;
  void OnWriteDone(bool ok) final;
  void OnCancel() final;
  void OnDone() final;

 protected:
  // What to do now: kWrite with *out filled, kFinish with *status (trailers already added to
  // ctx()), or kIdle (woken later by Kick or the timer).
  virtual Step Next(grpc::ByteBuffer* out, grpc::Status* status) = 0;
  // Called once from Start, with the lock held, before the first Next (subscribe here).
  virtual void Attach() {}
  // Called once from OnDone (unsubscribe here).
  virtual void Detach() {}
  grpc::CallbackServerContext* ctx() const { return ctx_; }
  // A callback that kicks this stream while it lives: for the watch hub.
  std::function<void()> Waker();

 private:
  grpc::CallbackServerContext* const ctx_;
  StreamPump* const pump_;
  StreamLimits* const limits_;
  const std::string peer_;
  std::mutex mu_;
  bool writing_ = false;
  bool finished_ = false;
  bool cancelled_ = false;
  grpc::ByteBuffer out_;  // the message being written
  uint64_t timer_id_ = 0;
  std::shared_ptr<StreamReactor> self_;
  std::weak_ptr<StreamReactor> weak_;
};

// A reactor that answers `status` at once (a refused or malformed stream request).
grpc::ServerWriteReactor<grpc::ByteBuffer>* FinishedStream(grpc::Status status);

}  // namespace liard::node

#endif  // LIARD_NODE_STREAMS_H_
