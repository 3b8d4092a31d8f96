#include "core/bounded_parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace tether::bounded_parallel_test {
namespace {

/// Counts the calls in progress and the most ever at once; each call waits until `release`
/// lets it go or until `gather` calls are in progress together (whichever comes first), so
/// that the threads that can overlap do, without any sleep.
struct Overlap {
  explicit Overlap(size_t gather) : m_gather(gather) {}

  void call() {
    std::unique_lock lock(m_mutex);
    ++m_now;
    m_most = std::max(m_most, m_now);
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return m_now >= m_gather || m_released; });
    m_released = true;  // once gathered, the rest run through
    m_changed.notify_all();
    --m_now;
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  size_t m_gather;
  size_t m_now = 0;
  size_t m_most = 0;
  bool m_released = false;
};

TEST(RunBounded, CallsEveryItemOnce) {
  std::mutex mutex;
  std::multiset<size_t> seen;
  run_bounded(50, 4, [&](size_t i) {
    const std::lock_guard lock(mutex);
    seen.insert(i);
  });
  ASSERT_EQ(seen.size(), 50u);
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
}

TEST(RunBounded, RunsUpToTheLimitAtOnceAndNeverMore) {
  // 3 threads may run: the first 3 calls gather, so the most at once is exactly 3.
  Overlap overlap(3);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  run_bounded(12, 3, [&](size_t) {
    {
      const std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    overlap.call();
  });
  EXPECT_EQ(overlap.m_most, 3u);
  EXPECT_EQ(threads.size(), 3u);
}

TEST(RunBounded, ALimitOfOneRunsInOrderOnTheCallersThread) {
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<size_t> order;
  bool elsewhere = false;
  run_bounded(5, 1, [&](size_t i) {
    order.push_back(i);
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(elsewhere);
}

TEST(RunBounded, NothingToDoAndALimitOfZero) {
  int calls = 0;
  run_bounded(0, 8, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  run_bounded(2, 0, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace tether::bounded_parallel_test
