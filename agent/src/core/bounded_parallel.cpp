#include "core/bounded_parallel.hpp"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace tether {

void run_bounded(size_t count, size_t limit, const std::function<void(size_t)>& work) {
  const size_t threads = std::min(count, std::max<size_t>(limit, 1));
  std::atomic<size_t> next{0};
  const auto drain = [&] {
    for (size_t i = next++; i < count; i = next++) work(i);
  };
  // Threads are made per call: a wave's work (downloads, unpacking, health gates) takes
  // milliseconds to seconds, against tens of microseconds to start a thread, and nothing
  // lingers between passes. They inherit the caller's blocked signals (core/agent_signals).
  std::vector<std::thread> helpers;
  helpers.reserve(threads > 0 ? threads - 1 : 0);
  for (size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(drain);
    } catch (const std::system_error&) {
      break;  // no thread to be had (a limit on tasks): the threads there are do the rest
    }
  }
  drain();
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace tether
