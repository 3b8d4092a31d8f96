#include "apply/switch_marker.hpp"

#include "apply/current_link.hpp"
#include "apply/journal.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::switch_marker_test {
namespace {

namespace fs = std::filesystem;

class SwitchMarkerTest : public ::testing::Test {
 protected:
  SwitchMarkerTest() {
    for (const char* dir : {"old", "new"}) fs::create_directories(m_layout.release_dir("web", dir));
  }
  [[nodiscard]] std::string current() const {
    return fs::read_symlink(m_layout.current_link("web")).filename().string();
  }
  test::TempDir m_tmp;
  Layout m_layout{m_tmp.path()};
};

TEST_F(SwitchMarkerTest, AnUnsettledSwitchIsUndoneAndJournaled) {
  ASSERT_TRUE(switch_current(m_layout, "web", "old"));
  ASSERT_TRUE(begin_switch(m_layout, "web", "old", "new"));
  ASSERT_TRUE(switch_current(m_layout, "web", "new"));
  // The agent dies here, before the health gate passed.
  undo_unsettled_switches(m_layout);
  EXPECT_EQ(current(), "old");
  auto journal = Journal(m_layout.journal()).read_all();
  ASSERT_TRUE(journal.ok());
  ASSERT_EQ(journal->size(), 1U);
  EXPECT_EQ(journal->at(0).action, "auto-rollback");
  EXPECT_NE(journal->at(0).reason.find("before the health check of new passed"), std::string::npos);
  undo_unsettled_switches(m_layout);  // the record is gone: nothing more happens
  EXPECT_EQ(Journal(m_layout.journal()).read_all()->size(), 1U);
}

TEST_F(SwitchMarkerTest, ASettledSwitchStays) {
  ASSERT_TRUE(switch_current(m_layout, "web", "old"));
  ASSERT_TRUE(begin_switch(m_layout, "web", "old", "new"));
  ASSERT_TRUE(switch_current(m_layout, "web", "new"));
  end_switch(m_layout, "web");
  undo_unsettled_switches(m_layout);
  EXPECT_EQ(current(), "new");
  EXPECT_TRUE(Journal(m_layout.journal()).read_all()->empty());
}

TEST_F(SwitchMarkerTest, NothingToRecordWithoutAReleaseToGoBackTo) {
  ASSERT_TRUE(begin_switch(m_layout, "web", "", "new"));
  EXPECT_FALSE(fs::exists(m_layout.service_dir("web") / ".switch-from"));
}

}  // namespace
}  // namespace tether::switch_marker_test
