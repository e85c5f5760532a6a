// The verification pool: fixed workers, chunks handed out round-robin over the queued batches.
#include "node/verify_pool.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>

namespace liard::node {

struct VerifyPool::Job {
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t n = 0;
  size_t next = 0;  // the first index not handed out yet (guarded by the pool's mu_)
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable finished;
};

VerifyPool::VerifyPool(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers_.reserve(threads);
  try {
    for (int i = 0; i < threads; ++i) {
      workers_.emplace_back([this] { WorkerLoop(); });
      // Named, so that an operator (and a test) sees the pool in `top -H` and /proc/PID/task.
      pthread_setname_np(workers_.back().native_handle(), "liard-verify");
    }
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_.notify_all();
    for (std::thread& t : workers_) t.join();
    throw;
  }
}

VerifyPool::~VerifyPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread& t : workers_) t.join();
}

size_t VerifyPool::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t total = 0;
  for (const auto& job : jobs_) total += job->n - job->next;
  return total;
}

bool VerifyPool::TakeChunk(std::shared_ptr<Job>* job, size_t* begin, size_t* end) {
  // Called with mu_ held.
  while (!jobs_.empty()) {
    if (next_job_ >= jobs_.size()) next_job_ = 0;
    std::shared_ptr<Job>& j = jobs_[next_job_];
    if (j->next >= j->n) {
      jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(next_job_));
      continue;
    }
    *begin = j->next;
    *end = std::min(j->n, j->next + kChunk);
    j->next = *end;
    *job = j;
    if (j->next >= j->n) {
      jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(next_job_));
    } else {
      ++next_job_;
    }
    return true;
  }
  return false;
}

void VerifyPool::Finish(Job& job, size_t count) {
  if (job.done.fetch_add(count) + count == job.n) {
    std::lock_guard<std::mutex> lock(job.mu);
    job.finished.notify_all();
  }
}

void VerifyPool::WorkerLoop() {
  for (;;) {
    std::shared_ptr<Job> job;
    size_t begin = 0, end = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_.wait(lock, [&] { return stopping_ || TakeChunk(&job, &begin, &end); });
      if (!job) return;  // stopping, and nothing taken
    }
    (*job->fn)(begin, end);
    Finish(*job, end - begin);
  }
}

void VerifyPool::ParallelFor(size_t n, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  if (n <= kChunk || workers_.empty()) {
    fn(0, n);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->n = n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(job);
  }
  work_.notify_all();
  // The caller works on its own batch only: it advances even when the workers serve others.
  for (;;) {
    size_t begin = 0, end = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (job->next >= job->n) break;
      begin = job->next;
      end = std::min(job->n, job->next + kChunk);
      job->next = end;
    }
    fn(begin, end);
    Finish(*job, end - begin);
  }
  std::unique_lock<std::mutex> lock(job->mu);
  job->finished.wait(lock, [&] { return job->done.load() == job->n; });
}

}  // namespace liard::node
