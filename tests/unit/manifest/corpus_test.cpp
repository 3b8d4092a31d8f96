// The C++ parser must accept and reject exactly the corpus files the JSON Schemas accept and
// reject (tests/schema/check_schemas.py checks the schema side), and point at the same field.
#include "manifest/documents.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace tether::corpus_test {
namespace {

namespace fs = std::filesystem;

const fs::path k_corpus = fs::path(TETHER_SOURCE_DIR) / "tests" / "manifests";

/// Parses `file` with the parser its name prefix picks; returns true when accepted.
bool parse_by_prefix(const fs::path& file, Diagnostics& diagnostics) {
  const std::string name = file.filename().string();
  const std::string text = test::read_text(file);
  if (name.rfind("service-", 0) == 0) return parse_service(name, text, diagnostics).has_value();
  if (name.rfind("host-", 0) == 0) return parse_host(name, text, diagnostics).has_value();
  if (name.rfind("agent-", 0) == 0) return parse_agent_config(name, text, diagnostics).has_value();
  ADD_FAILURE() << "corpus file without service-/host-/agent- prefix: " << name;
  return false;
}

/// The dotted path from the file's "# expect: <path>" first line.
std::string expected_field(const fs::path& file) {
  const std::string text = test::read_text(file);
  const std::string marker = "# expect: ";
  if (text.rfind(marker, 0) != 0) return "";
  return text.substr(marker.size(), text.find('\n') - marker.size());
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ManifestCorpus, AcceptsEveryGoodFile) {
  const auto files = files_in(k_corpus / "good");
  ASSERT_GE(files.size(), 10u);
  for (const fs::path& file : files) {
    Diagnostics diagnostics;
    EXPECT_TRUE(parse_by_prefix(file, diagnostics)) << file.filename() << ":\n"
                                                    << diagnostics.describe();
  }
}

TEST(ManifestCorpus, RejectsEveryBadFileAtTheExpectedField) {
  const auto files = files_in(k_corpus / "bad");
  ASSERT_GE(files.size(), 40u);
  for (const fs::path& file : files) {
    Diagnostics diagnostics;
    const bool accepted = parse_by_prefix(file, diagnostics);
    EXPECT_FALSE(accepted) << file.filename() << " was accepted";
    const std::string field = expected_field(file);
    ASSERT_FALSE(field.empty()) << file.filename() << " lacks its '# expect:' line";
    bool found = false;
    for (const Diagnostic& d : diagnostics.items()) found = found || d.field == field;
    EXPECT_TRUE(found) << file.filename() << ": expected a problem at " << field << ", got:\n"
                       << diagnostics.describe();
  }
}

TEST(ManifestCorpus, ExampleStateRepoServicesParse) {
  const fs::path services = fs::path(TETHER_SOURCE_DIR) / "examples" / "state-repo" / "services";
  for (const fs::path& file : files_in(services)) {
    Diagnostics diagnostics;
    EXPECT_TRUE(parse_service(file.string(), test::read_text(file), diagnostics).has_value())
        << diagnostics.describe();
  }
}

}  // namespace
}  // namespace tether::corpus_test

namespace tether::corpus_test {
namespace {

TEST(ManifestCorpus, ExampleAgentConfigParses) {
  const fs::path file = fs::path(TETHER_SOURCE_DIR) / "examples" / "agent.yaml";
  Diagnostics diagnostics;
  const auto config = parse_agent_config(file.string(), test::read_text(file), diagnostics);
  ASSERT_TRUE(config.has_value()) << diagnostics.describe();
  EXPECT_EQ(config->repo_url, "git://git.example.com/state.git");
  EXPECT_EQ(config->host_id, "web-01");
  EXPECT_EQ(config->log_format, LogFormat::json);
}

}  // namespace
}  // namespace tether::corpus_test
