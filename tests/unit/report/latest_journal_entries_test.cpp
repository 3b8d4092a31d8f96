#include "report/latest_journal_entries.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tether::latest_journal_entries_test {
namespace {

namespace fs = std::filesystem;

JournalEntry entry(const std::string& service, const std::string& action, const std::string& to) {
  return JournalEntry{"2026-12-06T00:00:00.000Z",
                      "c0ffee",
                      service,
                      action,
                      std::nullopt,
                      JournalRelease{to, "abc", to + "-abc"},
                      "ok",
                      "",
                      ""};
}

void append_raw(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::app | std::ios::binary) << bytes;
}

class LatestJournalEntriesTest : public ::testing::Test {
 protected:
  void append(const JournalEntry& e) { ASSERT_TRUE(Journal(m_path).append(e).ok()); }
  [[nodiscard]] std::string version_of(const std::string& service) {
    const auto& latest = m_latest.refresh();
    const auto it = latest.find(service);
    return it == latest.end() || !it->second.to ? "" : it->second.to->version;
  }

  test::TempDir m_tmp;
  fs::path m_path = m_tmp / "journal.jsonl";
  LatestJournalEntries m_latest{m_path};
};

TEST_F(LatestJournalEntriesTest, NoJournalYetIsNoEntries) {
  EXPECT_TRUE(m_latest.refresh().empty());
}

TEST_F(LatestJournalEntriesTest, FollowsAppendsAndSkipsHousekeeping) {
  append(entry("web", "install", "1.0.0"));
  append(entry("db", "install", "5.0"));
  EXPECT_EQ(version_of("web"), "1.0.0");
  append(entry("web", "upgrade", "2.0.0"));
  append(entry("web", "prune", "0.9.0"));
  append(entry("web", "revert-proposal", "1.0.0"));
  EXPECT_EQ(version_of("web"), "2.0.0") << "prune and revert-proposal are not changes";
  EXPECT_EQ(version_of("db"), "5.0");
}

TEST_F(LatestJournalEntriesTest, ALineBeingWrittenIsReadOnceComplete) {
  append(entry("web", "install", "1.0.0"));
  EXPECT_EQ(version_of("web"), "1.0.0");
  const std::string line = to_json_line(entry("web", "upgrade", "2.0.0"));
  append_raw(m_path, line.substr(0, 20));
  EXPECT_EQ(version_of("web"), "1.0.0") << "half a line is not an entry yet";
  append_raw(m_path, line.substr(20) + "\n");
  EXPECT_EQ(version_of("web"), "2.0.0");
}

TEST_F(LatestJournalEntriesTest, ATornLineFromACrashIsSkippedAndWhatFollowsIsRead) {
  append(entry("web", "install", "1.0.0"));
  EXPECT_EQ(version_of("web"), "1.0.0");
  append_raw(m_path, to_json_line(entry("web", "upgrade", "9.9.9")).substr(0, 30));
  append(entry("web", "upgrade", "2.0.0"));  // starts on a fresh line after the fragment
  EXPECT_EQ(version_of("web"), "2.0.0");
}

TEST_F(LatestJournalEntriesTest, AReplacedOrShortenedJournalIsReadAgainFromTheStart) {
  append(entry("web", "install", "1.0.0"));
  append(entry("web", "upgrade", "2.0.0"));
  EXPECT_EQ(version_of("web"), "2.0.0");
  // Replaced by hand with a shorter history (an operator trimming it): read from the start.
  const fs::path other = m_tmp / "other.jsonl";
  ASSERT_TRUE(Journal(other).append(entry("db", "install", "5.0")).ok());
  fs::rename(other, m_path);
  EXPECT_EQ(version_of("web"), "") << "the new file says nothing about web";
  EXPECT_EQ(version_of("db"), "5.0");
  fs::resize_file(m_path, 0);
  EXPECT_TRUE(m_latest.refresh().empty());
  fs::remove(m_path);
  EXPECT_TRUE(m_latest.refresh().empty());
}

TEST_F(LatestJournalEntriesTest, ReadsAJournalLongerThanOneBuffer) {
  for (int i = 0; i < 2000; ++i)
    append(entry("svc" + std::to_string(i % 7), "restart", std::to_string(i)));
  ASSERT_GT(fs::file_size(m_path), 65536u);
  EXPECT_EQ(version_of("svc0"), "1995");
  EXPECT_EQ(version_of("svc6"), "1994");
  EXPECT_EQ(m_latest.refresh().size(), 7u);
}

}  // namespace
}  // namespace tether::latest_journal_entries_test
