// make_plan over 1,000 services: the pure core's share of every poll that finds a new commit.
#include "bench_state.hpp"
#include "manifest/state_loader.hpp"
#include "plan/planner.hpp"

#include <benchmark/benchmark.h>
#include <stdexcept>

namespace tether::bench {
namespace {

Desired load(size_t services) {
  Diagnostics diagnostics;
  auto desired = load_desired(make_state(services), HostIdentity{"bench-host", {}}, diagnostics);
  if (!desired) throw std::runtime_error("bench state is invalid: " + diagnostics.describe());
  return *desired;
}

void plan_converged(benchmark::State& state) {
  const Desired desired = load(static_cast<size_t>(state.range(0)));
  const Live live = make_live(desired, false);
  for (auto _ : state) {
    Plan plan = make_plan(desired, live);
    if (!plan.actions.empty()) state.SkipWithError("a converged host must need no action");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(plan_converged)->Arg(1000)->Unit(benchmark::kMicrosecond);

void plan_every_service_behind(benchmark::State& state) {
  const Desired desired = load(static_cast<size_t>(state.range(0)));
  const Live live = make_live(desired, true);
  for (auto _ : state) {
    Plan plan = make_plan(desired, live);
    if (plan.actions.size() != desired.services.size())
      state.SkipWithError("every service behind must get one action");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(plan_every_service_behind)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tether::bench
