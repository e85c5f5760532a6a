// VerifyPool: a fixed set of threads, made at start, that checks the signatures of batches.
//
// SubmitBatch used to start std::threads for every large batch: a thread per request, and under
// a thread cap (RLIMIT_NPROC, a cgroup's pids.max) a batch whose threads could not start ended
// the node in std::terminate. The pool's threads exist from start-up on; a request only queues
// work. A batch is cut into chunks, and the workers take one chunk at a time from each batch in
// turn, so that a large batch never starves a small one behind it; the calling thread works on
// its own batch too, so that every batch advances even while the workers serve others.
#ifndef LIARD_NODE_VERIFY_POOL_H_
#define LIARD_NODE_VERIFY_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace liard::node {

class VerifyPool {
 public:
  // Operations per chunk: a few hundred microseconds of Ed25519 verification.
  static constexpr size_t kChunk = 16;

  // `threads` workers (0: one per core, as std::thread::hardware_concurrency says). Throws
  // std::system_error if a thread cannot be made: at start, where the node reports it and exits.
  explicit VerifyPool(int threads);
  ~VerifyPool();  // lets the workers finish the chunk they hold, then joins them
  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()); }

  // Calls fn(begin, end) over [0, n) in chunks of kChunk, on the workers and on the calling
  // thread, and returns once every chunk is done. `fn` must be safe to call concurrently on
  // disjoint ranges. Never creates a thread.
  void ParallelFor(size_t n, const std::function<void(size_t, size_t)>& fn);

  // Items queued and not yet handed to a thread (the metrics' verify queue depth).
  size_t waiting();

 private:
  struct Job;
  void WorkerLoop();
  // Takes the next chunk of some job, round-robin over the jobs queued; false if none.
  bool TakeChunk(std::shared_ptr<Job>* job, size_t* begin, size_t* end);
  static void Finish(Job& job, size_t count);

  std::mutex mu_;
  std::condition_variable work_;
  std::vector<std::shared_ptr<Job>> jobs_;  // jobs with chunks left to hand out
  size_t next_job_ = 0;                     // the round-robin position in jobs_
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_VERIFY_POOL_H_
