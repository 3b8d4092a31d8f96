// Issue #23: what `tether releases SERVICE` reads from the root: which release is live, which
// is the rollback target, which failed, their sizes; a container service's images.
#include "report/release_list.hpp"

#include "apply/history_store.hpp"
#include "live/release_record.hpp"
#include "live/serving_record.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace tether::release_list_test {
namespace {

namespace fs = std::filesystem;

class ReleaseListTest : public ::testing::Test {
 protected:
  void install(const std::string& dir, const std::string& version, const std::string& at) {
    ReleaseRecord record;
    record.service = "web";
    record.id = ReleaseId{version, std::string(40, 'a'), std::string(64, 'b'), ""};
    record.installed_at = at;
    test::write_text(m_layout.release_dir("web", dir) / k_release_record, to_json_text(record));
    test::write_text(m_layout.release_dir("web", dir) / "bin/web", std::string(1000, 'x'));
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp.path()};
};

TEST_F(ReleaseListTest, NamesLivePreviousAndQuarantinedNewestFirst) {
  install("1", "1.0.0", "2026-01-01T00:00:00Z");
  install("2", "2.0.0", "2026-01-02T00:00:00Z");
  install("3", "3.0.0", "2026-01-03T00:00:00Z");
  fs::create_directories(m_layout.releases_dir("web") / ".tmp-4");
  fs::create_directory_symlink("releases/2", m_layout.current_link("web"));
  History history;
  history["web"].last_good_dir = "2";
  history["web"].previous_good_dir = "1";
  history["web"].quarantine = Quarantine{"3", "3.0.0", "", "", "HTTP 500", ""};
  history["web"].failed_dirs = {"3"};
  ASSERT_TRUE(HistoryStore(m_layout.history()).save(history).ok());
  test::write_text(m_layout.shared_dir("web") / "data/db", "12345");
  fs::create_directory_symlink("../../shared/data", m_layout.release_dir("web", "2") / "data");

  const auto list = list_releases(m_layout, "web");
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->releases.size(), 3u);
  EXPECT_EQ(list->kind, "release");
  EXPECT_EQ(list->releases[0].name, "3");
  EXPECT_EQ(list->releases[0].roles, (std::vector<std::string>{"quarantined", "failed"}));
  EXPECT_EQ(list->releases[1].roles, (std::vector<std::string>{"live"}));
  EXPECT_EQ(list->releases[2].roles, (std::vector<std::string>{"previous"}));
  const auto record_bytes = fs::file_size(m_layout.release_dir("web", "2") / k_release_record);
  EXPECT_EQ(*list->releases[1].bytes, 1000u + record_bytes) << "the shared link is not followed";
  EXPECT_EQ(list->shared_bytes, 5u);
  const nlohmann::json json = to_json(*list);
  EXPECT_EQ(json["releases"][1]["version"], "2.0.0");
  EXPECT_EQ(json["shared"]["bytes"], 5);
}

TEST_F(ReleaseListTest, AContainerServiceListsItsImagesNewestFirst) {
  test::write_text(m_layout.service_dir("api") / "images.json",
                   R"({"images": ["r/api@sha256:1", "r/api@sha256:2"]})");
  ServingRecord serving;
  serving.image = "r/api@sha256:1";
  ASSERT_TRUE(write_serving_record(m_layout, "api", serving).ok());
  const auto list = list_releases(m_layout, "api");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->kind, "container");
  ASSERT_EQ(list->releases.size(), 2u);
  EXPECT_EQ(list->releases[0].name, "r/api@sha256:2");
  EXPECT_EQ(list->releases[1].roles, (std::vector<std::string>{"live"}));
  EXPECT_FALSE(list->releases[0].bytes.has_value());
}

TEST_F(ReleaseListTest, AServiceWithNothingHereIsAnError) {
  const auto list = list_releases(m_layout, "nothing");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().message.find("service nothing has nothing installed"), std::string::npos);
}

}  // namespace
}  // namespace tether::release_list_test
