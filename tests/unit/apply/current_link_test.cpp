#include "apply/current_link.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace tether::current_link_test {
namespace {

namespace fs = std::filesystem;

using test::names_in;

class CurrentLink : public ::testing::Test {
 protected:
  CurrentLink() {
    fs::create_directories(m_layout.release_dir("web", "1.0-aaa"));
    fs::create_directories(m_layout.release_dir("web", "1.1-bbb"));
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp.path()};
};

TEST_F(CurrentLink, CreatesTheLinkRelativeToTheServiceDir) {
  const Status status = switch_current(m_layout, "web", "1.0-aaa");
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(fs::read_symlink(m_layout.current_link("web")), "releases/1.0-aaa");
  EXPECT_TRUE(fs::equivalent(m_layout.current_link("web"), m_layout.release_dir("web", "1.0-aaa")));
}

TEST_F(CurrentLink, ReplacesTheTargetAndLeavesNoTempLink) {
  ASSERT_TRUE(switch_current(m_layout, "web", "1.0-aaa").ok());
  ASSERT_TRUE(switch_current(m_layout, "web", "1.1-bbb").ok());
  EXPECT_EQ(fs::read_symlink(m_layout.current_link("web")), "releases/1.1-bbb");
  EXPECT_EQ(names_in(m_layout.service_dir("web")),
            (std::vector<std::string>{"current", "releases"}));
}

TEST_F(CurrentLink, ReadersNeverSeeTheLinkMissingWhileItIsSwitched) {
  ASSERT_TRUE(switch_current(m_layout, "web", "1.0-aaa").ok());
  std::atomic<bool> done{false};
  std::atomic<int> missing{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done) {
      std::error_code ec;
      const fs::path target = fs::read_symlink(m_layout.current_link("web"), ec);
      if (ec || (target != "releases/1.0-aaa" && target != "releases/1.1-bbb")) ++missing;
      ++reads;
    }
  });
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(switch_current(m_layout, "web", i % 2 == 0 ? "1.1-bbb" : "1.0-aaa").ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(missing.load(), 0) << "of " << reads.load() << " reads";
}

TEST_F(CurrentLink, ReplacesALeftoverTempLinkFromACrash) {
  const fs::path leftover =
      m_layout.service_dir("web") / (".current.tmp-" + std::to_string(::getpid()));
  fs::create_symlink("releases/garbage", leftover);
  ASSERT_TRUE(switch_current(m_layout, "web", "1.1-bbb").ok());
  EXPECT_EQ(fs::read_symlink(m_layout.current_link("web")), "releases/1.1-bbb");
  EXPECT_FALSE(fs::exists(fs::symlink_status(leftover)));
}

TEST_F(CurrentLink, FailsNamingTheLinkWhenTheServiceDirIsMissing) {
  const Status status = switch_current(m_layout, "db", "1.0-aaa");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find(m_layout.service_dir("db").string()), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace tether::current_link_test
