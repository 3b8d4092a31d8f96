#include "apply/journal.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace tether::journal_test {
namespace {

namespace fs = std::filesystem;

JournalEntry upgrade() {
  return JournalEntry{"2026-11-23T07:08:14.123Z",
                      std::string(40, 'a'),
                      "web",
                      "upgrade",
                      JournalRelease{"1.4.2", std::string(40, 'b'), "1.4.2-bbbbbbbbbbbb-12345678"},
                      JournalRelease{"1.5.0", std::string(40, 'c'), "1.5.0-cccccccccccc-87654321"},
                      "ok",
                      "",
                      "",
                      "2026-11-23T07:08:10.000Z",
                      "blue-green"};
}

JournalEntry failed_install() {
  return JournalEntry{"2026-11-23T07:09:00.000Z",
                      std::string(40, 'd'),
                      "db",
                      "install",
                      std::nullopt,
                      JournalRelease{"2.0", std::string(40, 'e'), "2.0-eeeeeeeeeeee-00000000"},
                      "failed",
                      "download of \"x\" failed:\n404\tNot Found",
                      "health check http://127.0.0.1:8080/healthz failed"};
}

TEST(Journal, RoundTripsEntriesInOrder) {
  test::TempDir tmp;
  const Journal journal(tmp / "state" / "journal.jsonl");  // the dir is created on first append
  ASSERT_TRUE(journal.append(upgrade()).ok());
  ASSERT_TRUE(journal.append(failed_install()).ok());
  auto entries = journal.read_all();
  ASSERT_TRUE(entries.ok()) << entries.error().describe();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0], upgrade());
  EXPECT_EQ((*entries)[1], failed_install());
}

TEST(Journal, WritesOneJsonObjectPerLine) {
  test::TempDir tmp;
  const Journal journal(tmp / "journal.jsonl");
  ASSERT_TRUE(journal.append(failed_install()).ok());
  ASSERT_TRUE(journal.append(upgrade()).ok());
  const std::string text = test::read_text(tmp / "journal.jsonl");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(to_json_line(failed_install()).find('\n'), std::string::npos);
  EXPECT_NE(text.find("\"stateCommit\""), std::string::npos);
  EXPECT_NE(to_json_line(failed_install()).find("\"error\""), std::string::npos);
  EXPECT_EQ(to_json_line(upgrade()).find("\"error\""), std::string::npos) << "no error, no key";
  EXPECT_NE(to_json_line(failed_install()).find("\"reason\""), std::string::npos);
  EXPECT_EQ(to_json_line(upgrade()).find("\"reason\""), std::string::npos) << "no reason, no key";
  EXPECT_NE(to_json_line(upgrade()).find("\"strategy\":\"blue-green\""), std::string::npos);
  EXPECT_EQ(to_json_line(failed_install()).find("\"strategy\""), std::string::npos)
      << "no strategy (a switch through none), no key";
}

TEST(Journal, MissingFileReadsAsEmpty) {
  test::TempDir tmp;
  auto entries = Journal(tmp / "never-written.jsonl").read_all();
  ASSERT_TRUE(entries.ok()) << entries.error().describe();
  EXPECT_TRUE(entries->empty());
}

TEST(Journal, SkipsATornLastLine) {
  test::TempDir tmp;
  const fs::path path = tmp / "journal.jsonl";
  const Journal journal(path);
  ASSERT_TRUE(journal.append(upgrade()).ok());
  const std::string whole = to_json_line(failed_install());
  test::write_text(path, test::read_text(path) + whole.substr(0, whole.size() / 2));
  auto entries = journal.read_all();
  ASSERT_TRUE(entries.ok()) << entries.error().describe();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0], upgrade());
}

TEST(Journal, AnEntryAppendedAfterATornLineIsNotLost) {
  test::TempDir tmp;
  const fs::path path = tmp / "journal.jsonl";
  const Journal journal(path);
  test::write_text(path, to_json_line(upgrade()) + "\n{\"time\":\"2026-11-");
  ASSERT_TRUE(journal.append(failed_install()).ok());
  auto entries = journal.read_all();
  ASSERT_TRUE(entries.ok()) << entries.error().describe();
  ASSERT_EQ(entries->size(), 2u) << "the first append after a crash was glued to the torn line";
  EXPECT_EQ((*entries)[0], upgrade());
  EXPECT_EQ((*entries)[1], failed_install());
}

}  // namespace
}  // namespace tether::journal_test
