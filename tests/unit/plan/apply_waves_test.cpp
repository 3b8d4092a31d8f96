// Table-driven tests of the dependency waves a plan's actions are carried out in.
#include "plan/apply_waves.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tether::apply_waves_test {
namespace {

/// "name:dep1,dep2" -> the service `name` depending on dep1 and dep2.
Desired desired_of(const std::vector<std::string>& specs) {
  Desired desired;
  for (const std::string& spec : specs) {
    const size_t colon = spec.find(':');
    DesiredService service;
    service.service.name = spec.substr(0, colon);
    if (colon != std::string::npos) {
      std::string deps = spec.substr(colon + 1);
      for (size_t start = 0; start < deps.size();) {
        const size_t comma = std::min(deps.find(',', start), deps.size());
        service.service.depends_on.push_back(deps.substr(start, comma - start));
        start = comma + 1;
      }
    }
    desired.services[service.service.name] = service;
  }
  return desired;
}

Plan plan_of(const std::vector<std::string>& services) {
  Plan plan;
  for (const std::string& name : services) {
    ServiceAction action;
    action.service = name;
    plan.actions.push_back(action);
  }
  return plan;
}

/// The waves as service names: "a b | c".
std::string waves_text(const Plan& plan, const Desired& desired) {
  std::string text;
  for (const std::vector<size_t>& wave : apply_waves(plan, desired)) {
    if (!text.empty()) text += " | ";
    for (size_t i = 0; i < wave.size(); ++i)
      text += (i == 0 ? "" : " ") + plan.actions[wave[i]].service;
  }
  return text;
}

struct WaveCase {
  const char* name;
  std::vector<std::string> desired;  ///< "name:deps"
  std::vector<std::string> actions;  ///< in the plan's (dependency) order
  const char* waves;
};

void PrintTo(const WaveCase& c, std::ostream* os) { *os << c.name; }

class ApplyWaves : public ::testing::TestWithParam<WaveCase> {};

TEST_P(ApplyWaves, PutsEachActionAfterTheActionsOfWhatItDependsOn) {
  const WaveCase& c = GetParam();
  EXPECT_EQ(waves_text(plan_of(c.actions), desired_of(c.desired)), c.waves);
}

INSTANTIATE_TEST_SUITE_P(
    Cases,
    ApplyWaves,
    ::testing::Values(
        WaveCase{"nothing_to_do", {"a", "b"}, {}, ""},
        WaveCase{"independent_services_go_together", {"a", "b", "c"}, {"a", "b", "c"}, "a b c"},
        WaveCase{"a_chain_goes_one_by_one",
                 {"db", "api:db", "web:api"},
                 {"db", "api", "web"},
                 "db | api | web"},
        WaveCase{"a_diamond_joins_after_both_sides",
                 {"db", "cache", "api:db,cache", "web:api", "worker:db"},
                 {"cache", "db", "api", "worker", "web"},
                 "cache db | api worker | web"},
        // api has nothing to do, but web still must wait for db's action through it.
        WaveCase{"through_a_service_without_an_action",
                 {"db", "api:db", "web:api"},
                 {"db", "web"},
                 "db | web"},
        // db has nothing to do: api does not wait for anything.
        WaveCase{"a_dependency_without_an_action_does_not_hold",
                 {"db", "api:db", "web"},
                 {"api", "web"},
                 "api web"},
        WaveCase{"a_dependency_outside_this_host_is_ignored",
                 {"api:elsewhere", "web:api"},
                 {"api", "web"},
                 "api | web"},
        WaveCase{"each_wave_keeps_the_plan_order",
                 {"z", "y", "x:z", "w:y"},
                 {"y", "z", "w", "x"},
                 "y z | w x"}),
    [](const ::testing::TestParamInfo<WaveCase>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace tether::apply_waves_test
