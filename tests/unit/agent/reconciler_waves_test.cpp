// Whole passes of Reconciler over several services: the dependency waves they are converged
// in, how many at once, and a failure holding back its dependents. Services run under
// `run.systemd` (a fake systemctl); their health gates go to a prober that holds each probe
// until as many as the test expects are in progress at once, so overlap is shown by what
// happened, not by timing.
#include "../apply/applier_fixture.hpp"
#include "agent/reconciler.hpp"
#include "fake_state_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace tether::reconciler_waves_test {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

/// Health probes of `http://127.0.0.1:1/<service>`: each waits until `gather` probes are in
/// progress together (then every later one goes through), keeps the order probes began in and
/// the most ever in progress at once; a service made sick fails its probes.
class GatheringProber final : public Prober {
 public:
  explicit GatheringProber(size_t gather) : m_gather(gather) {}

  void sicken(const std::string& service) { m_sick.insert(service); }

  ProbeResult probe(const Probe& probe, Millis, const std::filesystem::path&) override {
    const std::string url = std::get<HttpProbe>(probe).url;
    const std::string service = url.substr(url.rfind('/') + 1);
    std::unique_lock lock(m_mutex);
    m_began.push_back(service);
    ++m_now;
    m_most = std::max(m_most, m_now);
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return m_now >= m_gather || m_gathered; });
    m_gathered = true;
    m_changed.notify_all();
    --m_now;
    if (m_sick.count(service) != 0) return {false, "HTTP 500"};
    return {true, "HTTP 200"};
  }

  std::vector<std::string> m_began;  ///< the service of each probe, in the order they began
  size_t m_most = 0;

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::set<std::string> m_sick;
  size_t m_gather;
  size_t m_now = 0;
  bool m_gathered = false;
};

/// A Reconciler converging `parallel` services at once, with the gathering prober.
struct WavesFixture {
  WavesFixture(size_t parallel, size_t gather)
      : prober(gather),
        reconciler(layout,
                   HostIdentity{"web-01", {}},
                   source,
                   gate,
                   applier,
                   clock,
                   nullptr,
                   ReconcilerOptions{{}, nullptr, nullptr, parallel}) {}

  /// services/<name>.yaml: release 1.0.0 of `name`, its systemd unit, its gate, `depends_on`.
  [[nodiscard]] std::string manifest(const std::string& name,
                                     const std::vector<std::string>& depends_on = {}) const {
    const DesiredService built = test::make_release(dir.path() / "artifacts", name, "1.0.0");
    const ReleaseSpec& release = *built.service.release();
    std::string text =
        "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
        "\nspec:\n  release:\n    version: \"1.0.0\"\n    commit: " + release.commit +
        "\n    artifact:\n      url: " + release.artifact.url +
        "\n      sha256: " + release.artifact.sha256 +
        "\n    binary:\n      path: " + release.binary.path +
        "\n      sha256: " + release.binary.sha256 + "\n  run:\n    systemd: " + name +
        ".service\n  health:\n    http: {url: \"http://127.0.0.1:1/" + name +
        "\"}\n    deadline: 3s\n";
    if (!depends_on.empty()) {
      text += "  dependsOn: [";
      for (size_t i = 0; i < depends_on.size(); ++i) text += (i ? ", " : "") + depends_on[i];
      text += "]\n";
    }
    return text;
  }

  /// Commits `services` (name -> its dependencies) and runs one pass.
  PassResult converge(const std::map<std::string, std::vector<std::string>>& services) {
    std::map<std::string, std::string> files;
    for (const auto& [name, deps] : services)
      files["services/" + name + ".yaml"] = manifest(name, deps);
    source.commit(std::string(40, '1'), files);
    return reconciler.run_once(ApplyMode::apply);
  }

  /// The service of each `systemctl restart`, in the order they were made.
  [[nodiscard]] std::vector<std::string> restarts() const {
    std::vector<std::string> units;
    for (const auto& argv : systemctl.calls("restart")) {
      const std::string unit = argv.back();
      units.push_back(unit.substr(0, unit.find('.')));
    }
    return units;
  }

  [[nodiscard]] std::vector<std::string> journaled(const std::string& result) const {
    std::vector<std::string> services;
    for (const JournalEntry& entry :
         Journal(layout.journal()).read_all().value_or(std::vector<JournalEntry>{})) {
      if (entry.result == result) services.push_back(entry.service);
    }
    return services;
  }

  test::TempDir dir;
  Layout layout{dir.path() / "root"};
  test::FakeSystemctl systemctl;
  SystemdController systemd{systemctl};
  ExecSupervisor supervisor{layout, Millis(10)};
  GatheringProber prober;
  test::FakeClock clock;
  ServiceRunner runner{layout, supervisor, systemd, prober, clock};
  HookRunner hooks{layout, systemctl};
  test::RecordingNotifier notifier;
  BuiltInSwitchStrategies switches{layout, runner};
  Applier applier{layout,
                  runner,
                  hooks,
                  switches,
                  Journal(layout.journal()),
                  HistoryStore(layout.history()),
                  notifier};
  test::FakeStateSource source;
  CommitGate gate{TrustPolicy{}};
  Reconciler reconciler;
};

TEST(ReconcilerWaves, IndependentServicesConvergeAtOnceUpToTheBound) {
  // Six services, three at a time: three gates are in progress together, never a fourth.
  WavesFixture f(3, 3);

  const PassResult result =
      f.converge({{"a", {}}, {"b", {}}, {"c", {}}, {"d", {}}, {"e", {}}, {"f", {}}});

  EXPECT_EQ(result.outcome, PassOutcome::converged) << result.problem;
  EXPECT_EQ(f.prober.m_most, 3u);
  EXPECT_THAT(result.applied, ElementsAre("a", "b", "c", "d", "e", "f"));
  EXPECT_THAT(f.journaled("ok"), UnorderedElementsAre("a", "b", "c", "d", "e", "f"));
}

TEST(ReconcilerWaves, AChainConvergesInItsOrderOneAtATime) {
  // However many may run at once, each waits for the one it depends on.
  WavesFixture f(8, 1);

  const PassResult result =
      f.converge({{"db", {}}, {"api", {"db"}}, {"web", {"api"}}, {"worker", {"db"}}});

  EXPECT_EQ(result.outcome, PassOutcome::converged) << result.problem;
  // db alone, then api and worker together, then web.
  const std::vector<std::string> restarts = f.restarts();
  ASSERT_EQ(restarts.size(), 4u);
  EXPECT_EQ(restarts[0], "db");
  EXPECT_THAT(std::vector<std::string>(restarts.begin() + 1, restarts.begin() + 3),
              UnorderedElementsAre("api", "worker"));
  EXPECT_EQ(restarts[3], "web");
  EXPECT_EQ(f.journaled("ok").front(), "db");
  EXPECT_EQ(f.journaled("ok").back(), "web");
}

TEST(ReconcilerWaves, AServiceOfAWaveWaitsForEveryDependencyOfTheWaveBefore) {
  // api and worker gather (two probes at once) in the second wave, after db and cache.
  WavesFixture f(4, 2);

  const PassResult result =
      f.converge({{"db", {}}, {"cache", {}}, {"api", {"db", "cache"}}, {"worker", {"db"}}});

  EXPECT_EQ(result.outcome, PassOutcome::converged) << result.problem;
  ASSERT_EQ(f.prober.m_began.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(f.prober.m_began.begin(), f.prober.m_began.begin() + 2),
              UnorderedElementsAre("cache", "db"));
  EXPECT_THAT(std::vector<std::string>(f.prober.m_began.begin() + 2, f.prober.m_began.end()),
              UnorderedElementsAre("api", "worker"));
  EXPECT_EQ(f.prober.m_most, 2u);
}

TEST(ReconcilerWaves, AFailedServiceBlocksItsDependentsAndNotItsNeighbours) {
  WavesFixture f(4, 2);
  f.prober.sicken("db");

  const PassResult result =
      f.converge({{"db", {}}, {"cache", {}}, {"api", {"db"}}, {"web", {"api"}}, {"ui", {"cache"}}});

  EXPECT_EQ(result.outcome, PassOutcome::failed);
  EXPECT_THAT(result.errors, ::testing::Contains(::testing::Key("db")));
  EXPECT_THAT(result.applied, ElementsAre("cache", "ui"));
  ASSERT_EQ(result.blocked.size(), 2u);
  EXPECT_EQ(result.blocked[0].action.service, "api");
  EXPECT_EQ(result.blocked[0].dependency, "db");
  EXPECT_EQ(result.blocked[1].action.service, "web");
  EXPECT_EQ(result.blocked[1].dependency, "api");
  EXPECT_FALSE(result.converged.at("api"));
  EXPECT_FALSE(result.converged.at("web"));
  // Neither blocked service was started.
  EXPECT_THAT(f.restarts(), ::testing::Not(::testing::Contains("api")));
  EXPECT_THAT(f.restarts(), ::testing::Not(::testing::Contains("web")));
}

TEST(ReconcilerWaves, TheReportDoesNotDependOnWhichServiceFinishedFirst) {
  // The same failure with one thread and with four: the same outcome, errors, blocked list.
  auto run = [](size_t parallel) {
    WavesFixture f(parallel, 1);
    f.prober.sicken("b");
    PassResult result = f.converge({{"a", {}}, {"b", {}}, {"c", {}}, {"d", {"b"}}, {"e", {"a"}}});
    return std::make_tuple(result.outcome,
                           result.errors,
                           result.applied,
                           result.converged,
                           result.blocked.size(),
                           result.rollbacks);
  };
  EXPECT_EQ(run(1), run(4));
}

}  // namespace
}  // namespace tether::reconciler_waves_test
