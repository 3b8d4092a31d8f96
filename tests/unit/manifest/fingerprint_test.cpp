#include "manifest/fingerprint.hpp"

#include "manifest/state_loader.hpp"

#include <gtest/gtest.h>

namespace tether::fingerprint_test {
namespace {

const std::string k_binary_release =
    "  release:\n    version: \"1.0.0\"\n    commit: " + std::string(40, 'a') +
    "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
    "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, 'c') + "\n";

std::string fingerprinted_manifest(const std::string& spec) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: app\nspec:\n" + spec;
}

/// The fingerprint the agent computes for `spec` on a host.
std::string fingerprint(const std::string& spec) {
  const StateSnapshot snapshot{"c0ffee", {{"services/app.yaml", fingerprinted_manifest(spec)}}};
  Diagnostics diagnostics;
  const auto desired = load_desired(snapshot, HostIdentity{"h", {}}, diagnostics);
  EXPECT_TRUE(desired) << diagnostics.describe();
  return desired ? desired->services.at("app").fingerprint : "";
}

const std::string k_exec =
    k_binary_release +
    "  run:\n    exec:\n      command: [bin/app, --port, \"8080\"]\n"
    "      env: {PORT: \"8080\", MODE: a}\n      stopTimeout: 5s\n"
    "  health:\n    http: {url: \"http://127.0.0.1:8080/healthz\"}\n    interval: 1s\n";

TEST(Fingerprint, KeyOrderAndFormattingAreNotChanges) {
  const std::string reordered =
      "  health:\n    interval: 1s\n    http:\n      url: http://127.0.0.1:8080/healthz\n" +
      k_binary_release +
      "  # a comment\n  run:\n    exec:\n      env:\n        MODE: a\n        PORT: \"8080\"\n"
      "      stopTimeout: 5s\n      command:\n        - bin/app\n        - --port\n"
      "        - \"8080\"\n";
  EXPECT_EQ(fingerprint(k_exec), fingerprint(reordered));
}

TEST(Fingerprint, SelectionOrderingAndHousekeepingAreNotChanges) {
  EXPECT_EQ(fingerprint(k_exec),
            fingerprint(k_exec + "  rollout: {percent: 100}\n  keepReleases: 2\n"
                                 "  hooks:\n    preSwitch: [bin/app, --check]\n"));
}

TEST(Fingerprint, EveryRuntimeFieldIsAChange) {
  const std::string base = fingerprint(k_exec);
  const auto changed = [&](const std::string& from, const std::string& to) {
    std::string spec = k_exec;
    const size_t at = spec.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    spec.replace(at, from.size(), to);
    return fingerprint(spec);
  };
  EXPECT_NE(base, changed("--port, \"8080\"]", "--port, \"8081\"]"));
  EXPECT_NE(base, changed("PORT: \"8080\"", "PORT: \"8081\""));
  EXPECT_NE(base, changed("stopTimeout: 5s", "stopTimeout: 6s"));
  EXPECT_NE(base, changed("8080/healthz", "8080/ready"));
  EXPECT_NE(base, changed("interval: 1s", "interval: 2s"));
  EXPECT_NE(base, changed("version: \"1.0.0\"", "version: \"1.0.1\""));
}

const std::string k_digest = "sha256:" + std::string(64, 'd');

std::string container(const std::string& image, const std::string& extra = "") {
  return "  container:\n    image: " + image + "\n    args: [--port, \"80\"]\n" + extra;
}

TEST(Fingerprint, ATagBesideTheSameDigestIsNotAChange) {
  EXPECT_EQ(fingerprint(container("registry.local/web@" + k_digest)),
            fingerprint(container("registry.local/web:1.2@" + k_digest)));
}

TEST(Fingerprint, ContainerSettingsAreChanges) {
  const std::string base = fingerprint(container("registry.local/web@" + k_digest));
  EXPECT_NE(base,
            fingerprint(container("registry.local/web@" + k_digest, "    env: {LOG: debug}\n")));
  EXPECT_NE(base,
            fingerprint(container("registry.local/web@" + k_digest,
                                  "    ports: [\"127.0.0.1:8080:80\"]\n")));
  EXPECT_NE(base, fingerprint(container("registry.local/web@sha256:" + std::string(64, 'e'))));
}

TEST(SpecDifferences, NamesTheFieldsThatChanged) {
  RuntimeSpec from;
  from.release = "r1";
  from.run = ExecRun{{"bin/app"}, {{"PORT", "1"}}, Millis(1000)};
  RuntimeSpec to = from;
  EXPECT_TRUE(spec_differences(from, to).empty());
  std::get<ExecRun>(*to.run).env["PORT"] = "2";
  to.health = HealthSpec{TcpProbe{"127.0.0.1:1"}};
  EXPECT_EQ(spec_differences(from, to), (std::vector<std::string>{"run.exec.env", "health"}));
}

/// The fingerprint of each probe kind, pinned: a changed encoding makes every host reconfigure
/// every service after an upgrade.
TEST(Fingerprint, EachProbeKindsEncodingIsPinned) {
  const auto of = [](Probe probe) {
    RuntimeSpec spec;
    spec.release = "1.0.0-aaaaaaaaaaaa";
    spec.health = HealthSpec{};
    spec.health->probe = std::move(probe);
    return fingerprint_of(spec);
  };
  EXPECT_EQ(of(HttpProbe{"http://127.0.0.1:8080/healthz", 200, ""}),
            "657172a2f73465daacc9866d01b13b3128b9df9c085d2d3ebbf73213bc5fa3d6");
  EXPECT_EQ(of(HttpProbe{"http://127.0.0.1:8080/ready", 204, "ok"}),
            "ad05db24ff37eb29fc4b9e8c854cc439ecf5d7fd11f992b7d646007a31ec986e");
  EXPECT_EQ(of(TcpProbe{"127.0.0.1:5432"}),
            "6fc82a7487357cd52b0df9a6deb8ca40db6457d95f50e36c5a85e4e957a12943");
  EXPECT_EQ(of(ExecProbe{{"bin/check", "-q"}}),
            "5fc423283387e11be5e0cd53c315d7202bdeda63a029fa33e2db33022cd1fba5");
}

}  // namespace
}  // namespace tether::fingerprint_test
