// spec.rollout as read from a manifest: percent or steps, the fleet analysis, and errors that
// name the field.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::rollout_reader_test {
namespace {

std::string manifest(const std::string& rollout) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: app}\nspec:\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'a') +
         "\n    artifact: {url: file:///srv/a.tar.gz, sha256: " + std::string(64, 'b') +
         "}\n    binary: {path: bin/app, sha256: " + std::string(64, 'c') +
         "}\n  run: {exec: {command: [bin/app]}}\n  rollout:\n" + rollout;
}

std::string problems(const std::string& rollout) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/app.yaml", manifest(rollout), diagnostics).has_value());
  return diagnostics.describe();
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RolloutReader, ReadsStepsAndTheFleetAnalysis) {
  Diagnostics diagnostics;
  const auto service = parse_service(
      "services/app.yaml",
      manifest(
          "    steps:\n      - {percent: 5, pause: 10m}\n      - {percent: 25, pause: 0s}\n"
          "      - {percent: 100}\n    analysis:\n      queries:\n"
          "        - {name: fleet, query: 'x{version=\"{{version}}\"}', condition: \"< 1\"}\n"),
      diagnostics);
  ASSERT_TRUE(service.has_value()) << diagnostics.describe();
  const std::vector<RolloutStep> expected = {
      {5, std::chrono::minutes(10)}, {25, Millis(0)}, {100, Millis(0)}};
  EXPECT_EQ(service->rollout_steps, expected);
  EXPECT_EQ(service->rollout_percent, 100);
  ASSERT_EQ(service->rollout_analysis.size(), 1u);
  EXPECT_EQ(service->rollout_analysis[0].name, "fleet");
}

TEST(RolloutReader, PercentAloneStillReads) {
  Diagnostics diagnostics;
  const auto service =
      parse_service("services/app.yaml", manifest("    percent: 30\n"), diagnostics);
  ASSERT_TRUE(service.has_value()) << diagnostics.describe();
  EXPECT_EQ(service->rollout_percent, 30);
  EXPECT_TRUE(service->rollout_steps.empty());
}

TEST(RolloutReader, PercentAndStepsExcludeEachOther) {
  const std::string text = problems("    percent: 10\n    steps: [{percent: 100}]\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps")) << text;
  EXPECT_TRUE(mentions(text, "exclude each other")) << text;
}

TEST(RolloutReader, StepsMustIncreaseAndEndAtOneHundred) {
  std::string text = problems(
      "    steps:\n      - {percent: 50, pause: 1m}\n"
      "      - {percent: 20, pause: 1m}\n      - {percent: 100}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps[1].percent")) << text;
  EXPECT_TRUE(mentions(text, "more than the step before (50)")) << text;
  text = problems("    steps:\n      - {percent: 10, pause: 1m}\n      - {percent: 90}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps[1].percent")) << text;
  EXPECT_TRUE(mentions(text, "must be 100")) << text;
}

TEST(RolloutReader, PausesAreRequiredBeforeTheLastAndRefusedOnIt) {
  std::string text = problems("    steps:\n      - {percent: 10}\n      - {percent: 100}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps[0].pause")) << text;
  text = problems(
      "    steps:\n      - {percent: 10, pause: 1m}\n"
      "      - {percent: 100, pause: 1m}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps[1].pause")) << text;
  text = problems("    steps:\n      - {percent: 10, pause: soon}\n      - {percent: 100}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.steps[0].pause")) << text;
  text = problems("    steps:\n      - {percent: 10, pause: 200h}\n      - {percent: 100}\n");
  EXPECT_TRUE(mentions(text, "between 0s and 7d")) << text;
}

TEST(RolloutReader, TheNumberOfStepsIsBounded) {
  std::string steps = "    steps:\n";
  for (int i = 1; i <= 10; ++i)
    steps += "      - {percent: " + std::to_string(i) + ", pause: 1s}\n";
  steps += "      - {percent: 100}\n";
  const std::string text = problems(steps);
  EXPECT_TRUE(mentions(text, "1 to 10 steps")) << text;
  EXPECT_TRUE(mentions(problems("    steps: []\n"), "spec.rollout.steps"));
}

TEST(RolloutReader, AFleetAnalysisNeedsSteps) {
  const std::string text = problems(
      "    percent: 50\n    analysis:\n      queries:\n"
      "        - {name: fleet, query: 'vector(0)', condition: \"< 1\"}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.analysis")) << text;
  EXPECT_TRUE(mentions(text, "add rollout.steps")) << text;
}

TEST(RolloutReader, FleetQueriesAreCheckedLikeBakeQueries) {
  const std::string text = problems(
      "    steps: [{percent: 10, pause: 1m}, {percent: 100}]\n    analysis:\n      queries:\n"
      "        - {name: fleet, query: 'x{v=\"{{vers}}\"}', condition: \"< 1\"}\n");
  EXPECT_TRUE(mentions(text, "spec.rollout.analysis.queries[0].query")) << text;
}

}  // namespace
}  // namespace tether::rollout_reader_test
