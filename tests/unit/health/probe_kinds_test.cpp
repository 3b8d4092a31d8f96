// The probe kinds are one closed set (model/probe.hpp): the manifest reader, its messages and
// the real prober all follow it.
#include "fake_command_runner.hpp"
#include "health/probe.hpp"
#include "manifest/documents.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::probe_kinds_test {
namespace {

using ::testing::HasSubstr;

std::string manifest_with_health(const std::string& health) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'f') +
         "\n    artifact: {url: \"https://a.example/web.tgz\", sha256: " + std::string(64, 'd') +
         "}\n    binary: {path: bin/web, sha256: " + std::string(64, 'e') +
         "}\n  run:\n    exec:\n      command: [bin/web]\n  health:\n" + health;
}

TEST(ProbeKinds, EachKindHasItsManifestKey) {
  EXPECT_STREQ(probe_key(Probe{HttpProbe{}}), "http");
  EXPECT_STREQ(probe_key(Probe{TcpProbe{}}), "tcp");
  EXPECT_STREQ(probe_key(Probe{ExecProbe{}}), "exec");
  EXPECT_STREQ(probe_key(Probe{NotifyProbe{}}), "notify");
}

TEST(ProbeKinds, TheReaderFindsEachKindByItsKey) {
  const std::pair<const char*, Probe> cases[] = {
      {"    http: {url: \"http://127.0.0.1:1/h\", status: 204}\n",
       HttpProbe{"http://127.0.0.1:1/h", 204, ""}},
      {"    tcp: {address: \"127.0.0.1:9\"}\n", TcpProbe{"127.0.0.1:9"}},
      {"    exec: {command: [bin/check]}\n", ExecProbe{{"bin/check"}}},
      {"    notify: {watchdogSec: 3}\n", NotifyProbe{3}},
  };
  for (const auto& [yaml, probe] : cases) {
    Diagnostics diagnostics;
    const auto service =
        parse_service("services/web.yaml", manifest_with_health(yaml), diagnostics);
    ASSERT_TRUE(service) << diagnostics.describe();
    ASSERT_TRUE(service->health);
    EXPECT_EQ(service->health->probe, probe) << yaml;
  }
}

TEST(ProbeKinds, TheReaderAsksForExactlyOneKindAndNamesThemAll) {
  Diagnostics two;
  EXPECT_FALSE(parse_service("services/web.yaml",
                             manifest_with_health("    tcp: {address: \"127.0.0.1:9\"}\n"
                                                  "    exec: {command: [bin/check]}\n"),
                             two));
  EXPECT_THAT(two.describe(),
              HasSubstr("set exactly one probe: health.http, health.tcp, health.exec or "
                        "health.notify"));

  Diagnostics unknown;
  EXPECT_FALSE(parse_service("services/web.yaml",
                             manifest_with_health("    grpc: {address: \"127.0.0.1:9\"}\n"),
                             unknown));
  EXPECT_THAT(unknown.describe(),
              HasSubstr("expected one of: http, tcp, exec, notify, timeout, interval, deadline, "
                        "initialDelay, successes, failureThreshold"));
}

TEST(ProbeKinds, TheRealProberHandsAnExecProbeToTheCommandRunner) {
  test::FakeCommandRunner runner;
  runner.exits(0);
  RealProber prober(runner);
  const ProbeResult result =
      prober.probe(ExecProbe{{"bin/check", "-q"}}, Millis(500), "/srv/web/releases/1");
  EXPECT_TRUE(result.healthy) << result.detail;
  ASSERT_EQ(runner.m_commands.size(), 1u);
  EXPECT_EQ(runner.m_commands[0].argv,
            (std::vector<std::string>{"/srv/web/releases/1/bin/check", "-q"}));
  EXPECT_EQ(runner.m_commands[0].timeout, Millis(500));
}

}  // namespace
}  // namespace tether::probe_kinds_test
