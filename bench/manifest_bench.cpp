// Parsing and validating a 1,000-service state repo: what a poll pays once per new commit.
#include "bench_state.hpp"
#include "manifest/state_loader.hpp"

#include <benchmark/benchmark.h>

namespace tether::bench {
namespace {

void load_state_repo(benchmark::State& state) {
  const StateSnapshot snapshot = make_state(static_cast<size_t>(state.range(0)));
  const HostIdentity host{"bench-host", {{"role", "web"}}};
  for (auto _ : state) {
    Diagnostics diagnostics;
    auto desired = load_desired(snapshot, host, diagnostics);
    if (!desired || desired->services.size() != snapshot.files.size() / 2)
      state.SkipWithError("the bench state repo must load every service");
    benchmark::DoNotOptimize(desired);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(load_state_repo)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tether::bench
