// spec.dependsOn: parsing, and the per-host checks load_desired() makes (unknown, cycle).
#include "manifest/dependency_check.hpp"

#include "manifest/documents.hpp"
#include "manifest/state_loader.hpp"

#include <gtest/gtest.h>

namespace tether::dependency_check_test {
namespace {

std::string dependent_service_yaml(const std::string& name, const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  release:\n    version: \"1.0.0\"\n    commit: " + std::string(40, 'a') +
         "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
         "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, 'c') +
         "\n  run:\n    exec:\n      command: [bin/app]\n" + extra;
}

const HostIdentity k_dependency_host{"web-01", {{"role", "web"}}};

struct LoadCase {
  const char* name;
  std::map<std::string, std::string> files;
  std::string expected;  ///< the diagnostics, one per line; "" = accepted
};

TEST(DependencyCheck, RefusesCyclesAndDependenciesThisHostDoesNotRun) {
  const std::vector<LoadCase> cases = {
      {"a chain is fine",
       {{"services/a.yaml", dependent_service_yaml("a")},
        {"services/b.yaml", dependent_service_yaml("b", "  dependsOn: [a]\n")}},
       ""},
      {"two services waiting for each other",
       {{"services/a.yaml", dependent_service_yaml("a", "  dependsOn: [b]\n")},
        {"services/b.yaml", dependent_service_yaml("b", "  dependsOn: [a]\n")}},
       "services/a.yaml: spec.dependsOn: cycle a -> b -> a: services cannot wait for each other; "
       "remove one of these dependencies"},
      {"a longer cycle is reported from where it closes",
       {{"services/a.yaml", dependent_service_yaml("a", "  dependsOn: [c]\n")},
        {"services/c.yaml", dependent_service_yaml("c", "  dependsOn: [d]\n")},
        {"services/d.yaml", dependent_service_yaml("d", "  dependsOn: [e]\n")},
        {"services/e.yaml", dependent_service_yaml("e", "  dependsOn: [c]\n")}},
       "services/c.yaml: spec.dependsOn: cycle c -> d -> e -> c: services cannot wait for each "
       "other; remove one of these dependencies"},
      {"a service waiting for itself",
       {{"services/a.yaml", dependent_service_yaml("a", "  dependsOn: [a]\n")}},
       "services/a.yaml: spec.dependsOn: cycle a -> a: services cannot wait for each other; "
       "remove one of these dependencies"},
      {"no such service",
       {{"services/a.yaml", dependent_service_yaml("a")},
        {"services/b.yaml", dependent_service_yaml("b", "  dependsOn: [a, db]\n")}},
       "services/b.yaml: spec.dependsOn[1]: \"db\" is not a service of the state repo (there is "
       "no services/db.yaml); add it or remove \"db\" from spec.dependsOn"},
      {"a service selected for other hosts",
       {{"services/db.yaml", dependent_service_yaml("db", "  selector: {role: db}\n")},
        {"services/b.yaml", dependent_service_yaml("b", "  dependsOn: [db]\n")}},
       "services/b.yaml: spec.dependsOn[0]: \"db\" is not declared for host web-01 (the selector "
       "in services/db.yaml does not match its labels); select it for this host too or remove "
       "\"db\" from spec.dependsOn"},
      {"a dependent this host does not run is not checked here",
       {{"services/b.yaml",
         dependent_service_yaml("b", "  selector: {role: db}\n  dependsOn: [x]\n")}},
       ""},
      {"a dependency outside its rollout share is declared for the host",
       {{"services/a.yaml", dependent_service_yaml("a", "  rollout: {percent: 0}\n")},
        {"services/b.yaml", dependent_service_yaml("b", "  dependsOn: [a]\n")}},
       ""},
      {"a host override may add a dependency, and its cycle is caught",
       {{"services/a.yaml", dependent_service_yaml("a", "  dependsOn: [b]\n")},
        {"services/b.yaml", dependent_service_yaml("b")},
        {"hosts/web-01.yaml",
         "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\n"
         "spec:\n  overrides:\n    b: {dependsOn: [a]}\n"}},
       "services/a.yaml: spec.dependsOn: cycle a -> b -> a: services cannot wait for each other; "
       "remove one of these dependencies"},
  };
  for (const LoadCase& c : cases) {
    SCOPED_TRACE(c.name);
    Diagnostics diagnostics;
    const auto desired =
        load_desired(StateSnapshot{"c0ffee", c.files}, k_dependency_host, diagnostics);
    EXPECT_EQ(diagnostics.describe(), c.expected);
    EXPECT_EQ(desired.has_value(), c.expected.empty());
  }
}

TEST(DependencyCheck, TheParserKeepsTheListAsWrittenAndNamesBadItems) {
  Diagnostics diagnostics;
  const auto service = parse_service(
      "services/b.yaml", dependent_service_yaml("b", "  dependsOn: [z, a]\n"), diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->depends_on, (std::vector<std::string>{"z", "a"}));

  for (const auto& [list, field] :
       std::vector<std::pair<std::string, std::string>>{{"[a, A]", "spec.dependsOn[1]"},
                                                        {"[a, a]", "spec.dependsOn[1]"},
                                                        {"a", "spec.dependsOn"},
                                                        {"[1]", "spec.dependsOn[0]"}}) {
    SCOPED_TRACE(list);
    Diagnostics bad;
    EXPECT_FALSE(parse_service(
        "services/b.yaml", dependent_service_yaml("b", "  dependsOn: " + list + "\n"), bad));
    ASSERT_EQ(bad.size(), 1u) << bad.describe();
    EXPECT_EQ(bad.items()[0].field, field) << bad.describe();
  }
}

TEST(DependencyCheck, FindsTheFirstCycleByName) {
  EXPECT_TRUE(find_dependency_cycle({{"a", {"b"}}, {"b", {}}}).empty());
  EXPECT_TRUE(find_dependency_cycle({{"a", {"x"}}}).empty()) << "unknown services are skipped";
  EXPECT_EQ(find_dependency_cycle({{"b", {"c"}}, {"c", {"b"}}, {"a", {"b"}}}),
            (std::vector<std::string>{"b", "c", "b"}));
  EXPECT_EQ(cycle_text({"b", "c", "b"}), "b -> c -> b");
}

TEST(BackoffConfig, AgentYamlSetsTheDampingAndRefusesACapBelowTheBase) {
  const std::string head =
      "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"git://h/s.git\"}\n";
  Diagnostics diagnostics;
  const auto config =
      parse_agent_config("agent.yaml", head + "backoff: {base: 500ms, cap: 8s}\n", diagnostics);
  ASSERT_TRUE(config) << diagnostics.describe();
  EXPECT_EQ(config->backoff_base, Millis(500));
  EXPECT_EQ(config->backoff_cap, std::chrono::seconds(8));
  EXPECT_EQ(config->backoff_stable, std::chrono::minutes(1)) << "the default";

  Diagnostics bad;
  EXPECT_FALSE(parse_agent_config("agent.yaml", head + "backoff: {base: 10s, cap: 2s}\n", bad));
  EXPECT_EQ(bad.describe(),
            "agent.yaml:4: backoff.cap: backoff.cap (2s) is below backoff.base (10s); raise cap or "
            "lower base");
}

}  // namespace
}  // namespace tether::dependency_check_test
