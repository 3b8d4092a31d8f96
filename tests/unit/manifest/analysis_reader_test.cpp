// spec.analysis as read from a manifest: what it holds, and errors that name the field.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::analysis_reader_test {
namespace {

std::string manifest(const std::string& analysis) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: app}\nspec:\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'a') +
         "\n    artifact: {url: file:///srv/a.tar.gz, sha256: " + std::string(64, 'b') +
         "}\n    binary: {path: bin/app, sha256: " + std::string(64, 'c') +
         "}\n  run: {exec: {command: [bin/app]}}\n" + analysis;
}

std::string problems(const std::string& analysis) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/app.yaml", manifest(analysis), diagnostics).has_value());
  return diagnostics.describe();
}

TEST(AnalysisReader, ReadsTheQueriesWithDefaults) {
  Diagnostics diagnostics;
  const auto service = parse_service("services/app.yaml",
                                     manifest("  analysis:\n    bake: 30s\n    queries:\n"
                                              "      - name: errors\n"
                                              "        query: 'x{i=\"{{host}}\"}'\n"
                                              "        condition: \"<= 0.5\"\n"),
                                     diagnostics);
  ASSERT_TRUE(service.has_value()) << diagnostics.describe();
  ASSERT_TRUE(service->analysis.has_value());
  EXPECT_EQ(service->analysis->bake, Millis(30000));
  EXPECT_EQ(service->analysis->interval, Millis(10000));
  ASSERT_EQ(service->analysis->queries.size(), 1u);
  EXPECT_EQ(service->analysis->queries[0].no_data, NoDataPolicy::wait);
  EXPECT_EQ(service->analysis->queries[0].condition.comparison, Comparison::less_equal);
}

TEST(AnalysisReader, AnUnknownPlaceholderNamesTheField) {
  const std::string text = problems(
      "  analysis:\n    bake: 30s\n    queries:\n      - name: errors\n"
      "        query: 'x{i=\"{{hostname}}\"}'\n        condition: \"< 1\"\n");
  EXPECT_NE(text.find("spec.analysis.queries[0].query"), std::string::npos) << text;
  EXPECT_NE(text.find("{{hostname}}"), std::string::npos) << text;
}

TEST(AnalysisReader, APlaceholderOutsideAStringIsRefused) {
  const std::string text = problems(
      "  analysis:\n    bake: 30s\n    queries:\n      - name: errors\n"
      "        query: 'x{i={{host}}}'\n        condition: \"< 1\"\n");
  EXPECT_NE(text.find("double-quoted"), std::string::npos) << text;
}

TEST(AnalysisReader, BadConditionsIntervalsAndDuplicateNamesAreErrors) {
  EXPECT_NE(problems("  analysis:\n    bake: 30s\n    queries:\n      - name: e\n"
                     "        query: up\n        condition: \"about 1\"\n")
                .find("spec.analysis.queries[0].condition"),
            std::string::npos);
  EXPECT_NE(problems("  analysis:\n    bake: 5s\n    interval: 10s\n    queries:\n"
                     "      - {name: e, query: up, condition: \"< 1\"}\n")
                .find("spec.analysis.interval"),
            std::string::npos);
  EXPECT_NE(problems("  analysis:\n    bake: 5s\n    queries:\n"
                     "      - {name: e, query: up, condition: \"< 1\"}\n"
                     "      - {name: e, query: up, condition: \"< 2\"}\n")
                .find("names another query"),
            std::string::npos);
  EXPECT_NE(problems("  analysis:\n    bake: 5s\n    queries:\n"
                     "      - {name: e, query: up, condition: \"< 1\", noData: skip}\n")
                .find("spec.analysis.queries[0].noData"),
            std::string::npos);
}

}  // namespace
}  // namespace tether::analysis_reader_test
