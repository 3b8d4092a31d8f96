// `tether validate`: every problem of a state repo at one commit, in one run, through the binary.
#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::test {
namespace {

const std::string k_digest =
    "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";

/// A binary-release service; `extra` goes in at line 6, right after `spec:`.
std::string service_yaml(const std::string& name, const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" +
         extra + "  release:\n    version: \"1.0.0\"\n    commit: " + std::string(40, 'a') +
         "\n    artifact:\n      url: https://artifacts.example.com/" + name +
         ".tar.gz\n      sha256: " + std::string(64, 'b') + "\n    binary:\n      path: bin/" +
         name + "\n      sha256: " + std::string(64, 'c') + "\n  run:\n    systemd: " + name +
         ".service\n";
}

std::string host_yaml(const std::string& name, const std::string& spec) {
  return "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
}

const std::string k_bad_web =
    "apiVersion: tether.dev/v1\n"                         // 1
    "kind: Service\n"                                     // 2
    "metadata:\n"                                         // 3
    "  name: web\n"                                       // 4
    "spec:\n"                                             // 5
    "  selector: {role: web}\n"                           // 6
    "  release:\n"                                        // 7
    "    version: \"1.0.0\"\n"                            // 8
    "    commit: abc123\n"                                // 9  malformed hash
    "    artifact:\n"                                     // 10
    "      url: https://artifacts.example.com/web.tgz\n"  // 11
    "      sha256: \"XYZ\"\n"                             // 12 malformed hash
    "    binary:\n"                                       // 13
    "      path: bin/web\n"                               // 14
    "      sha256: "
    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n"  // 15
    "  config:\n"                                                         // 16
    "    - source: config/web/missing.conf\n"  // 17 missing config source
    "      target: etc/web.conf\n"             // 18
    "  run:\n"                                 // 19
    "    systemd: web.service\n"               // 20
    "  rollout:\n"                             // 21
    "    percent: 150\n"                       // 22 out of range
    "  restartPolicy: always\n";               // 23 unknown field

/// The errors seeded in the bad repo, as "file:line: field".
const std::vector<std::string> k_expected = {
    "services/web.yaml:9: spec.release.commit: ",
    "services/web.yaml:12: spec.release.artifact.sha256: ",
    "services/web.yaml:17: spec.config[0].source: ",
    "services/web.yaml:22: spec.rollout.percent: ",
    "services/web.yaml:23: spec.restartPolicy: ",
    "services/cache.yaml:7: spec.container.image: ",  // a tag without a digest
    "services/both.yaml:6: spec: ",                   // release and container
    "services/api.yaml:4: metadata.name: ",           // not the file's name
    "services/queue.yml:4: metadata.name: ",          // queue declared twice
    "services/broken.yaml:4: ",                       // malformed YAML
    "hosts/web-01.yaml:8: spec.overrides.nosuch: ",   // no such service
    "hosts/web-01.yaml:9: spec.overrides.queue: ",    // release + container once merged
};

class ValidateCommand : public ::testing::Test {
 protected:
  ValidateCommand() : m_repo(m_tmp / "git") {
    m_repo.write("services/queue.yaml", service_yaml("queue"));
    m_repo.write("services/db.yaml", service_yaml("db", "  selector: {role: db}\n"));
    m_repo.write("hosts/web-01.yaml", host_yaml("web-01", "  labels: {role: web}\n"));
    m_repo.write("config/web/app.conf", "port=8080\n");
    m_repo.write("README.md", "not read by tether\n");
    m_good = m_repo.commit("a valid state");

    m_repo.write("services/web.yaml", k_bad_web);
    m_repo.write("services/cache.yaml",
                 "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n"
                 "  container:\n    image: redis:7\n");
    m_repo.write(
        "services/both.yaml",
        service_yaml("both",
                     "  container: {image: \"registry.example.com/both@" + k_digest + "\"}\n"));
    m_repo.write("services/api.yaml", service_yaml("apis"));
    m_repo.write("services/queue.yml", service_yaml("queue"));
    m_repo.write("services/broken.yaml",
                 "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: broken\nspec: {}\n");
    m_repo.write("hosts/web-01.yaml",
                 host_yaml("web-01",
                           "  labels: {role: web}\n"                 // 6
                           "  overrides:\n"                          // 7
                           "    nosuch: {rollout: {percent: 10}}\n"  // 8
                           "    queue:\n"                            // 9
                           "      container: {image: \"registry.example.com/q@" +
                               k_digest + "\"}\n"));
    m_bad = m_repo.commit("twelve mistakes");
  }

  CommandResult tether(std::vector<std::string> args) const {
    args.insert(args.begin(), TETHER_BIN);
    return run_command(args, {}, std::chrono::seconds(60));
  }

  TempDir m_tmp;
  StateRepo m_repo;
  std::string m_good;
  std::string m_bad;
};

TEST_F(ValidateCommand, ReportsEverySeededErrorWithFileAndLineInOneRun) {
  const CommandResult result = tether({"validate", "--repo", m_repo.work().string()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  for (const std::string& expected : k_expected) {
    EXPECT_TRUE(contains(result.out, "\n" + expected) || result.out.rfind(expected, 0) == 0)
        << "missing " << expected << " in:\n"
        << result.out;
  }
  EXPECT_TRUE(contains(result.out, "    fix: ")) << result.out;
  EXPECT_TRUE(contains(result.out, "services/db.yaml:6: spec.selector: warning: ")) << result.out;
  EXPECT_TRUE(contains(result.out,
                       "invalid: 12 errors, 1 warning in 8 services and 1 host file at " +
                           m_bad.substr(0, 12) + " (HEAD); agents refuse this commit"))
      << result.out;
}

TEST_F(ValidateCommand, AValidCommitExitsZeroWithWarnings) {
  const CommandResult result = tether({"validate", "--repo", m_repo.bare().string(), "main~1"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out,
                       "services/db.yaml:6: spec.selector: warning: selects hosts "
                       "labelled {role: db}"))
      << result.out;
  EXPECT_TRUE(contains(
      result.out,
      "valid: 2 services and 1 host file at " + m_good.substr(0, 12) + " (main~1), 1 warning\n"))
      << result.out;
  // Every host known: a selector that matches none of them is an error.
  const CommandResult strict =
      tether({"validate", "--repo", m_repo.bare().string(), m_good, "--strict"});
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  EXPECT_TRUE(contains(strict.out, "services/db.yaml:6: spec.selector: selects")) << strict.out;
}

TEST_F(ValidateCommand, JsonListsTheSameFindings) {
  const CommandResult result =
      tether({"validate", "--repo", m_repo.file_url(), "main", "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["format"], "tether.validate/v1");
  EXPECT_EQ(json["commit"], m_bad);
  EXPECT_EQ(json["valid"], false);
  EXPECT_EQ(json["errors"], 12);
  EXPECT_EQ(json["warnings"], 1);
  std::vector<std::string> seen;
  for (const auto& finding : json["findings"]) {
    EXPECT_GT(finding["line"].get<int>(), 0) << finding.dump();
    EXPECT_FALSE(finding["hint"].get<std::string>().empty()) << finding.dump();
    if (finding["severity"] != "error") continue;
    std::string where = finding["file"].get<std::string>() + ":" +
                        std::to_string(finding["line"].get<int>()) + ": ";
    if (finding["field"] != "<root>") where += finding["field"].get<std::string>() + ": ";
    seen.push_back(where);
  }
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> expected = k_expected;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST_F(ValidateCommand, UnreadableRepoOrRevisionExitsFour) {
  const CommandResult rev = tether({"validate", "--repo", m_repo.work().string(), "no-such-rev"});
  EXPECT_EQ(rev.exit_code, 4) << rev.out;
  EXPECT_TRUE(contains(rev.err, "no-such-rev")) << rev.err;
  const CommandResult repo = tether({"validate", "--repo", (m_tmp / "nothing").string()});
  EXPECT_EQ(repo.exit_code, 4) << repo.out;
}

TEST_F(ValidateCommand, UsageErrorsExitTwoAndHelpTeaches) {
  const CommandResult format =
      tether({"validate", "--repo", m_repo.work().string(), "--format", "yaml"});
  EXPECT_EQ(format.exit_code, 2) << format.out;
  const CommandResult help = tether({"validate", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "Examples:")) << help.out;
  EXPECT_TRUE(contains(help.out, "Exit status: 0 valid")) << help.out;
  EXPECT_TRUE(contains(help.out, "unknown fields, which are errors")) << help.out;
}

}  // namespace
}  // namespace tether::test
