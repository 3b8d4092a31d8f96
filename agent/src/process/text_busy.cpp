#include "process/text_busy.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

namespace tether {

int retry_text_busy(const std::function<int()>& start) {
  constexpr std::chrono::milliseconds k_longest_pause{50};
  constexpr int k_attempts = 25;  // 1 + 2 + ... + 32 + 50 * 19 ms: about a second
  std::chrono::milliseconds pause{1};
  int rc = start();
  for (int attempt = 1; rc == ETXTBSY && attempt < k_attempts; ++attempt) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, k_longest_pause);
    rc = start();
  }
  return rc;
}

}  // namespace tether
