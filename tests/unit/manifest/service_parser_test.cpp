// Error messages an operator reads: file, line, field, what was expected, what to do.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::service_parser_test {
namespace {

/// Every problem found, one per line.
std::string problems(const std::string& text) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/web.yaml", text, diagnostics).has_value());
  return diagnostics.describe();
}

const std::string k_parser_head =
    "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\n";

TEST(ServiceParser, ReadsEveryFieldOfAFullManifest) {
  const std::string text =
      k_parser_head +
      "spec:\n"
      "  selector: {role: web}\n"
      "  release:\n"
      "    version: \"1.4.2\"\n"
      "    commit: " +
      std::string(40, 'f') +
      "\n"
      "    artifact: {url: \"https://a.example/web.tgz\", sha256: " +
      std::string(64, 'd') +
      "}\n"
      "    binary: {path: bin/web, sha256: " +
      std::string(64, 'e') +
      "}\n"
      "  config:\n    - {source: config/web/app.yaml, target: etc/app.yaml}\n"
      "  run:\n    exec:\n      command: [bin/web, --port, \"8080\"]\n"
      "      env: {PORT: \"8080\"}\n      stopTimeout: 3s\n"
      "  health:\n    http: {url: \"http://127.0.0.1:8080/healthz\", status: 204}\n"
      "    successes: 3\n    deadline: 1m\n"
      "  rollout: {percent: 25}\n  keepReleases: 7\n";
  Diagnostics diagnostics;
  const auto service = parse_service("services/web.yaml", text, diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->name, "web");
  EXPECT_EQ(service->selector.at("role"), "web");
  ASSERT_NE(service->release(), nullptr);
  EXPECT_EQ(service->release()->version, "1.4.2");
  EXPECT_EQ(service->release()->binary.path, "bin/web");
  EXPECT_EQ(service->config.at(0).target, "etc/app.yaml");
  const auto& exec = std::get<ExecRun>(*service->run);
  EXPECT_EQ(exec.command, (std::vector<std::string>{"bin/web", "--port", "8080"}));
  EXPECT_EQ(exec.env.at("PORT"), "8080");
  EXPECT_EQ(exec.stop_timeout, std::chrono::seconds(3));
  EXPECT_EQ(std::get<HttpProbe>(service->health->probe).status, 204);
  EXPECT_EQ(service->health->successes, 3);
  EXPECT_EQ(service->health->deadline, std::chrono::minutes(1));
  EXPECT_EQ(service->rollout_percent, 25);
  EXPECT_EQ(service->keep_releases, 7);
}

TEST(ServiceParser, ErrorsNameFileLineFieldAndExpectation) {
  const std::string text = k_parser_head +
                           "spec:\n"
                           "  release:\n"
                           "    version: \"1.0.0\"\n"
                           "    commit: abc123\n";
  const std::string found = problems(text);
  EXPECT_NE(
      found.find("services/web.yaml:7: spec.release.commit: expected a full 40-digit lowercase hex "
                 "commit SHA, got \"abc123\"\n"),
      std::string::npos)
      << found;
  EXPECT_NE(found.find("services/web.yaml:5: spec.run: required for a binary release"),
            std::string::npos)
      << found;
}

TEST(ServiceParser, UnquotedNumberWhereAStringIsExpectedAsksForQuotes) {
  const std::string text = k_parser_head + "spec:\n  release:\n    version: 1.4\n";
  EXPECT_NE(problems(text).find(
                "spec.release.version: expected a string, got a number (1.4); put it in quotes"),
            std::string::npos);
}

TEST(ServiceParser, UnknownFieldListsTheKnownOnes) {
  const std::string problem = problems(k_parser_head + "spec:\n  relase: {}\n");
  EXPECT_NE(
      problem.find(
          "services/web.yaml:5: spec.relase: unknown field; expected one of: selector, release"),
      std::string::npos)
      << problem;
}

TEST(ServiceParser, MalformedYamlReportsTheLine) {
  EXPECT_NE(problems(k_parser_head + "spec:\n  release: [unclosed\n").find("services/web.yaml:"),
            std::string::npos);
  EXPECT_NE(problems(k_parser_head + "spec:\n  release: [unclosed\n").find("malformed YAML"),
            std::string::npos);
}

TEST(ServiceParser, ReportsEveryProblemInOnePass) {
  Diagnostics diagnostics;
  const std::string text =
      k_parser_head +
      "spec:\n  keepReleases: 0\n  rollout: {percent: 101}\n  release: {version: \"a..b\"}\n";
  EXPECT_FALSE(parse_service("s.yaml", text, diagnostics));
  EXPECT_GE(diagnostics.size(), 4u) << diagnostics.describe();
}

}  // namespace
}  // namespace tether::service_parser_test
