// The switch itself: a new symlink under a temp name rename(2)d over `current`, on the disk the
// benchmark runs from (TMPDIR, default /tmp).
#include "apply/current_link.hpp"

#include <benchmark/benchmark.h>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace tether::bench {
namespace {

void switch_current_link(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  const fs::path root = fs::path(tmp != nullptr ? tmp : "/tmp") /
                        ("tether-switch-bench-" + std::to_string(::getpid()));
  const Layout layout{root};
  fs::create_directories(layout.release_dir("web", "1.0.0-a"));
  fs::create_directories(layout.release_dir("web", "1.0.1-b"));
  bool flip = false;
  for (auto _ : state) {
    flip = !flip;
    if (Status switched = switch_current(layout, "web", flip ? "1.0.1-b" : "1.0.0-a"); !switched)
      state.SkipWithError(switched.error().describe().c_str());
  }
  std::error_code ignored;
  fs::remove_all(root, ignored);
}
BENCHMARK(switch_current_link)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tether::bench
