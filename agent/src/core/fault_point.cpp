#include "core/fault_point.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <signal.h>
#include <string>
#include <unistd.h>

namespace tether::fault {

void die() {
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);  // not reached: SIGKILL cannot be caught
}

#if TETHER_FAULT_INJECTION

namespace {

/// The armed point, parsed once: the environment does not change while the agent runs.
struct Armed {
  std::string name;
  long nth = 1;
};

Armed armed() {
  Armed a;
  const char* env = std::getenv("TETHER_FAULT");
  if (env == nullptr) return a;
  a.name = env;
  if (const size_t colon = a.name.find(':'); colon != std::string::npos) {
    a.nth = std::strtol(a.name.c_str() + colon + 1, nullptr, 10);
    a.name.resize(colon);
  }
  return a;
}

std::map<std::string, long long, std::less<>> parse_limits() {
  std::map<std::string, long long, std::less<>> limits;
  const char* env = std::getenv("TETHER_TEST_LIMITS");
  const std::string text = env != nullptr ? env : "";
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    if (const size_t eq = item.find('='); eq != std::string::npos)
      limits[item.substr(0, eq)] = std::strtoll(item.c_str() + eq + 1, nullptr, 10);
    start = end + 1;
  }
  return limits;
}

}  // namespace

bool hit(std::string_view name) {
  // Test-only process state: the count must hold across calls, from any thread.
  static const Armed a = armed();
  static std::mutex mutex;
  static long hits = 0;
  if (a.name.empty() || name != a.name) return false;
  std::lock_guard lock(mutex);
  return ++hits == a.nth;
}

long long limit(std::string_view name, long long production) {
  static const auto limits = parse_limits();
  const auto it = limits.find(name);
  return it == limits.end() ? production : it->second;
}

bool enabled() { return true; }

#else

bool hit(std::string_view) { return false; }
long long limit(std::string_view, long long production) { return production; }
bool enabled() { return false; }

#endif

}  // namespace tether::fault
