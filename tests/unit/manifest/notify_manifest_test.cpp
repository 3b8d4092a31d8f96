// health.notify in manifests: read for run.exec, refused where tether cannot hear it (systemd
// units, containers) with what to do instead; watchdogSec in the fingerprint and the serving
// record.
#include "live/spec_json.hpp"
#include "manifest/documents.hpp"
#include "manifest/fingerprint.hpp"

#include <gtest/gtest.h>

namespace tether::notify_manifest_test {
namespace {

const std::string k_release =
    "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
    "  release:\n    version: \"1.0\"\n    commit: " +
    std::string(40, 'f') +
    "\n    artifact: {url: \"https://a.example/web.tgz\", sha256: " + std::string(64, 'd') +
    "}\n    binary: {path: bin/web, sha256: " + std::string(64, 'e') + "}\n";

std::optional<Service> parse(const std::string& text, std::string& problems) {
  Diagnostics diagnostics;
  auto service = parse_service("services/web.yaml", text, diagnostics);
  problems = diagnostics.describe();
  return service;
}

TEST(NotifyManifest, ReadsTheProbeAndItsWatchdog) {
  std::string problems;
  const auto service = parse(k_release +
                                 "  run: {exec: {command: [bin/web]}}\n"
                                 "  health: {notify: {watchdogSec: 10}, failureThreshold: 1}\n",
                             problems);
  ASSERT_TRUE(service) << problems;
  EXPECT_EQ(std::get<NotifyProbe>(service->health->probe).watchdog_sec, 10);
  const auto bare =
      parse(k_release + "  run: {exec: {command: [bin/web]}}\n  health: {notify: {}}\n", problems);
  ASSERT_TRUE(bare) << problems;
  EXPECT_EQ(std::get<NotifyProbe>(bare->health->probe).watchdog_sec, 0) << "no watchdog";
}

TEST(NotifyManifest, ASystemdServiceIsToldToUseTypeNotifyInItsUnit) {
  std::string problems;
  EXPECT_FALSE(
      parse(k_release + "  run: {systemd: web.service}\n  health: {notify: {}}\n", problems));
  EXPECT_NE(problems.find("spec.health.notify"), std::string::npos) << problems;
  EXPECT_NE(problems.find("set Type=notify (and WatchdogSec=) in the unit"), std::string::npos)
      << problems;
}

TEST(NotifyManifest, AContainerServiceIsRefused) {
  std::string problems;
  EXPECT_FALSE(
      parse("apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
            "  container: {image: \"r.example/web@sha256:" +
                std::string(64, 'a') + "\"}\n  health: {notify: {}}\n",
            problems));
  EXPECT_NE(problems.find("a container service cannot use it yet"), std::string::npos) << problems;
}

TEST(NotifyManifest, ManifestsWithoutHealthOrRunAreNotTouchedByTheCheck) {
  std::string problems;
  EXPECT_TRUE(parse(k_release + "  run: {exec: {command: [bin/web]}}\n", problems)) << problems;
  EXPECT_FALSE(parse(k_release + "  health: {notify: {}}\n", problems));
  EXPECT_NE(problems.find("required for a binary release"), std::string::npos) << problems;
}

TEST(NotifyManifest, AWatchdogOutOfRangeIsRefused) {
  std::string problems;
  EXPECT_FALSE(parse(k_release + "  run: {exec: {command: [bin/web]}}\n"
                                 "  health: {notify: {watchdogSec: 86401}}\n",
                     problems));
  EXPECT_NE(problems.find("watchdogSec"), std::string::npos) << problems;
}

TEST(NotifyManifest, TheWatchdogIsPartOfWhatRunsAndOfTheServingRecord) {
  HealthSpec health;
  health.probe = NotifyProbe{5};
  ExecRun run;
  run.command = {"bin/web"};
  RuntimeSpec spec;
  spec.release = "1.0-ffffffffffff-00000000";
  spec.run = run;
  spec.health = health;
  const std::string five = fingerprint_of(spec);
  std::get<NotifyProbe>(spec.health->probe).watchdog_sec = 6;
  EXPECT_NE(fingerprint_of(spec), five) << "a new watchdog restarts the service with it";
  EXPECT_EQ(health_from_json(health_to_json(health)), health);
}

}  // namespace
}  // namespace tether::notify_manifest_test
