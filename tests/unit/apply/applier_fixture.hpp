#pragma once

// An Applier wired to fakes behind its seams: systemctl (FakeSystemctl), health probes
// (FakeProber, judged by release dir) and time (FakeClock), over a real root in a temp dir.
// Services run under `run.systemd`, so no process is started; releases are real file://
// artifacts, installed for real.

#include "apply/applier.hpp"
#include "apply/journal.hpp"
#include "apply/switch_strategies.hpp"
#include "fake_clock.hpp"
#include "fake_prober.hpp"
#include "fake_systemctl.hpp"
#include "live/hash_cache.hpp"
#include "live/live_probe.hpp"
#include "manifest/fingerprint.hpp"
#include "plan/planner.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tether::test {

/// Keeps every event the applier pushes.
class RecordingNotifier final : public Notifier {
 public:
  void notify(NotifyEvent event) override { m_events.push_back(std::move(event)); }
  [[nodiscard]] std::vector<std::string> kinds() const {
    std::vector<std::string> kinds;
    for (const NotifyEvent& event : m_events) kinds.push_back(event.kind);
    return kinds;
  }
  std::vector<NotifyEvent> m_events;
};

struct ApplierFixture {
  TempDir dir;
  Layout layout{dir.path() / "root"};
  FakeSystemctl systemctl;
  SystemdController systemd{systemctl};
  ExecSupervisor supervisor{layout, Millis(10)};
  FakeProber prober;
  FakeClock clock;
  ServiceRunner runner{layout, supervisor, systemd, prober, clock};
  HookRunner hooks{layout, systemctl};
  RecordingNotifier notifier;
  BuiltInSwitchStrategies switches{layout, runner};
  Applier applier{layout,
                  runner,
                  hooks,
                  switches,
                  Journal(layout.journal()),
                  HistoryStore(layout.history()),
                  notifier};

  /// Service `web` at `version`: a systemd unit behind an HTTP health gate of 3 s.
  [[nodiscard]] DesiredService web(const std::string& version, int successes = 1) const {
    // One artifact a version: writing it again would only cost time.
    auto built = m_releases.find(version);
    if (built == m_releases.end())
      built =
          m_releases.emplace(version, make_release(dir.path() / "artifacts", "web", version)).first;
    DesiredService desired = built->second;
    desired.service.run = RunSpec{SystemdRun{"web.service"}};
    HealthSpec health;
    health.probe = HttpProbe{"http://127.0.0.1:1/healthz", 200, ""};
    health.deadline = std::chrono::seconds(3);
    health.successes = successes;
    desired.service.health = health;
    desired.spec_digest = "digest of " + version + "/" + std::to_string(successes);
    desired.fingerprint = fingerprint_of(runtime_spec_of(desired.service, desired.release));
    return desired;
  }

  /// Installs web `version` (it passes its gate): what serves before a test's change.
  DesiredService serving(const std::string& version) {
    const DesiredService installed = web(version);
    const auto outcomes = converge(desired_of({installed}));
    EXPECT_TRUE(outcomes.size() == 1 && outcomes[0].ok) << "installing " << version << " failed";
    return installed;
  }

  [[nodiscard]] static Desired desired_of(const std::vector<DesiredService>& services,
                                          const std::string& commit = "c1") {
    Desired desired;
    desired.state_commit = commit;
    for (const DesiredService& service : services) desired.services[service.service.name] = service;
    return desired;
  }

  [[nodiscard]] History history() const {
    return HistoryStore(layout.history()).load().value_or(History{});
  }

  [[nodiscard]] Live live() const {
    HashCache hashes;
    return probe_all(layout, hashes, history());
  }

  /// Plans `desired` against what is on disk now, as a pass does, and applies it.
  std::vector<ApplyOutcome> converge(const Desired& desired) {
    const Live now = live();
    m_last_plan = make_plan(desired, now, history());
    return applier.apply(m_last_plan, desired, now);
  }

  [[nodiscard]] std::vector<JournalEntry> journal() const {
    return Journal(layout.journal()).read_all().value_or(std::vector<JournalEntry>{});
  }

  /// "action result" of every journal line, oldest first.
  [[nodiscard]] std::vector<std::string> journal_lines() const {
    std::vector<std::string> lines;
    for (const JournalEntry& entry : journal()) lines.push_back(entry.action + " " + entry.result);
    return lines;
  }

  [[nodiscard]] std::string current_dir(const std::string& service = "web") const {
    std::error_code ec;
    return std::filesystem::read_symlink(layout.current_link(service), ec).filename().string();
  }

  Plan m_last_plan;
  mutable std::map<std::string, DesiredService> m_releases;  ///< version -> as make_release made it
};

}  // namespace tether::test
