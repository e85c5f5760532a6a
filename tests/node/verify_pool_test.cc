// VerifyPool: every index once, from many batches at once; a small batch is not held up by a
// large one; the workers are the ones made at start.
#include "node/verify_pool.h"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace liard::node {
namespace {

using Clock = std::chrono::steady_clock;

TEST_CASE("the verification pool runs every index of every batch exactly once", "[verify-pool]") {
  VerifyPool pool(3);
  REQUIRE(pool.threads() == 3);
  constexpr size_t kBatches = 8;
  const std::vector<size_t> sizes = {0, 1, 15, 16, 17, 64, 1000, 4097};
  std::vector<std::vector<std::atomic<int>>> seen;
  for (size_t b = 0; b < kBatches; ++b) seen.emplace_back(sizes[b]);
  std::atomic<int> bad_chunks{0};
  std::vector<std::future<void>> callers;
  for (size_t b = 0; b < kBatches; ++b) {
    callers.push_back(std::async(std::launch::async, [&, b] {
      pool.ParallelFor(sizes[b], [&](size_t begin, size_t end) {
        // Catch's assertions are for the test's thread: count here, check below.
        if (begin >= end || end - begin > VerifyPool::kChunk) bad_chunks.fetch_add(1);
        for (size_t i = begin; i < end; ++i) seen[b][i].fetch_add(1);
      });
    }));
  }
  for (auto& c : callers) c.get();
  CHECK(bad_chunks.load() == 0);
  for (size_t b = 0; b < kBatches; ++b)
    for (size_t i = 0; i < sizes[b]; ++i) {
      INFO("batch " << b << " index " << i);
      REQUIRE(seen[b][i].load() == 1);
    }
}

TEST_CASE("a small batch finishes while a large one is still being verified", "[verify-pool]") {
  VerifyPool pool(1);
  auto slow = [](size_t begin, size_t end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2) * (end - begin));
  };
  // The large batch: 64 chunks of 16 at 32 ms each, about a second even with two threads on it.
  auto large = std::async(std::launch::async, [&] { pool.ParallelFor(1024, slow); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto start = Clock::now();
  pool.ParallelFor(64, slow);  // 4 chunks
  const auto took = Clock::now() - start;
  CHECK(large.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  CHECK(took < std::chrono::milliseconds(400));
  large.get();
}

TEST_CASE("a pool of 0 threads has one per core", "[verify-pool]") {
  VerifyPool pool(0);
  CHECK(pool.threads() == static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace
}  // namespace liard::node
