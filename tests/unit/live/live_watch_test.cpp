#include "live/live_watch.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tether {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text, std::ios::openmode mode = {}) {
  std::ofstream(path, std::ios::out | mode) << text;
}

/// The inotify adapter against real files: what it must report (any change to a watched
/// directory's entries or a watched file, an overflowed queue) and what it must not (reads,
/// its own removal of watches).
class LiveWatchTest : public ::testing::Test {
 protected:
  LiveWatchTest() {
    fs::create_directories(m_dir / "etc");
    write(m_dir / "etc/app.conf", "a\n");
  }
  /// The dir, its etc dir and the config file, as probed_paths lists a release's.
  LiveWatch::Update watch_all() {
    return m_watch.watch({m_dir, m_dir / "etc", m_dir / "etc/app.conf"});
  }

  test::TempDir m_tmp;
  fs::path m_dir = m_tmp / "release";
  LiveWatch m_watch;
};

TEST_F(LiveWatchTest, NothingChangedReadsAsNoChange) {
  const auto update = watch_all();
  EXPECT_TRUE(update.complete);
  EXPECT_TRUE(update.added);
  EXPECT_FALSE(m_watch.changed());
  // Reading is not changing.
  std::string text;
  std::ifstream(m_dir / "etc/app.conf") >> text;
  EXPECT_FALSE(m_watch.changed());
}

TEST_F(LiveWatchTest, TheSamePathsAgainAddNothing) {
  ASSERT_TRUE(watch_all().added);
  const auto again = watch_all();
  EXPECT_TRUE(again.complete);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(m_watch.watched(), 3u);
}

TEST_F(LiveWatchTest, AnEditInPlaceIsAChangeSeenOnce) {
  (void)watch_all();
  write(m_dir / "etc/app.conf", "b\n", std::ios::app);
  EXPECT_TRUE(m_watch.changed());
  EXPECT_FALSE(m_watch.changed());
}

TEST_F(LiveWatchTest, AWriteThroughAHardLinkOutsideIsAChange) {
  fs::create_hard_link(m_dir / "etc/app.conf", m_tmp / "alias");
  (void)watch_all();
  write(m_tmp / "alias", "b\n", std::ios::app);
  EXPECT_TRUE(m_watch.changed());
}

TEST_F(LiveWatchTest, ANewRemovedOrRenamedEntryIsAChange) {
  (void)watch_all();
  write(m_dir / "new", "x");
  EXPECT_TRUE(m_watch.changed());
  fs::remove(m_dir / "new");
  EXPECT_TRUE(m_watch.changed());
  fs::rename(m_dir / "etc", m_dir / "etc2");
  EXPECT_TRUE(m_watch.changed());
}

TEST_F(LiveWatchTest, AReplacedFileIsAddedAgainOnTheNextWatch) {
  (void)watch_all();
  write(m_tmp / "replacement", "b\n");
  fs::rename(m_tmp / "replacement", m_dir / "etc/app.conf");
  EXPECT_TRUE(m_watch.changed());
  // A new inode at the same path: not watched when the caller last looked.
  EXPECT_TRUE(watch_all().added);
}

TEST_F(LiveWatchTest, DroppingAWatchIsNotAChange) {
  (void)watch_all();
  const auto fewer = m_watch.watch({m_dir});
  EXPECT_TRUE(fewer.complete);
  EXPECT_FALSE(fewer.added);
  EXPECT_EQ(m_watch.watched(), 1u);
  EXPECT_FALSE(m_watch.changed());
  // What is no longer watched no longer reports.
  write(m_dir / "etc/app.conf", "b\n", std::ios::app);
  EXPECT_FALSE(m_watch.changed());
}

// A path not there yet is skipped: its parent, watched, reports its creation.
TEST_F(LiveWatchTest, AMissingPathIsSeenThroughItsParent) {
  const auto update = m_watch.watch({m_dir, m_dir / "later"});
  EXPECT_TRUE(update.complete);
  EXPECT_EQ(m_watch.watched(), 1u);
  EXPECT_FALSE(m_watch.changed());
  fs::create_directory(m_dir / "later");
  EXPECT_TRUE(m_watch.changed());
}

// More events than the kernel queues (IN_Q_OVERFLOW): still a change, and the adapter reads
// on normally afterwards.
TEST_F(LiveWatchTest, AnOverflowedQueueIsAChange) {
  std::ifstream limit_file("/proc/sys/fs/inotify/max_queued_events");
  long limit = 0;
  limit_file >> limit;
  if (limit <= 0 || limit > 100000) GTEST_SKIP() << "max_queued_events is " << limit;
  (void)watch_all();
  // Each create-and-write raises IN_CREATE, IN_MODIFY and IN_CLOSE_WRITE.
  for (long i = 0; i < limit / 2 + 10; ++i) write(m_dir / ("f" + std::to_string(i)), "x");
  EXPECT_TRUE(m_watch.changed());
  EXPECT_FALSE(m_watch.changed());
}

}  // namespace
}  // namespace tether
