#include "live/live_watch.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tether::live_watch_test {
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
  const LiveChanges lost = m_watch.changed();
  EXPECT_TRUE(lost);
  EXPECT_TRUE(lost.host) << "lost events may be anyone's";
  EXPECT_FALSE(m_watch.changed());
}

/// Whose probe a change changes (issue #22: one service's change re-probes that one): a host
/// of two services under a root, watched as probed_paths lists it.
class LiveWatchOwnersTest : public ::testing::Test {
 protected:
  LiveWatchOwnersTest() {
    for (const char* name : {"web", "db"}) fs::create_directories(m_services / name / "etc");
    fs::create_directories(m_root / "state");
    write(m_services / "web/etc/app.conf", "a\n");
  }
  LiveWatch::Update watch_all() {
    return m_watch.watch({{m_root, WatchScope::host},
                          {m_services, WatchScope::service_entries},
                          {m_root / "state", WatchScope::plan_inputs},
                          {m_services / "web", WatchScope::service, "web"},
                          {m_services / "web/etc", WatchScope::service, "web"},
                          {m_services / "web/etc/app.conf", WatchScope::service, "web"},
                          {m_services / "db", WatchScope::service, "db"},
                          {m_services / "db/etc", WatchScope::service, "db"}});
  }

  test::TempDir m_tmp;
  fs::path m_root = m_tmp / "root";
  fs::path m_services = m_root / "services";
  LiveWatch m_watch;
};

TEST_F(LiveWatchOwnersTest, AServicesChangeIsThatServicesAlone) {
  const auto first = watch_all();
  EXPECT_EQ(first.added_services, (std::set<std::string>{"db", "web"}));
  EXPECT_TRUE(first.added_host);
  write(m_services / "web/etc/app.conf", "b\n", std::ios::app);
  write(m_services / "db/etc/new.conf", "x");
  const LiveChanges changes = m_watch.changed();
  EXPECT_TRUE(changes);
  EXPECT_FALSE(changes.host);
  EXPECT_EQ(changes.services, (std::set<std::string>{"db", "web"}));
  const auto again = watch_all();
  EXPECT_FALSE(again.added);
  EXPECT_TRUE(again.added_services.empty());
  EXPECT_FALSE(again.added_host);
}

TEST_F(LiveWatchOwnersTest, AnEntryOfTheServicesDirIsTheServiceItNames) {
  (void)watch_all();
  fs::create_directory(m_services / "cache");
  const LiveChanges changes = m_watch.changed();
  EXPECT_FALSE(changes.host);
  EXPECT_EQ(changes.services, (std::set<std::string>{"cache"}));
}

TEST_F(LiveWatchOwnersTest, PlanInputsAreAChangeOfNoServicesProbe) {
  (void)watch_all();
  write(m_root / "state/history.json", "{}");
  const LiveChanges changes = m_watch.changed();
  EXPECT_TRUE(changes) << "a pass that reuses the last one must not";
  EXPECT_FALSE(changes.host);
  EXPECT_TRUE(changes.services.empty());
}

TEST_F(LiveWatchOwnersTest, TheRootsEntriesAreTheHosts) {
  (void)watch_all();
  fs::create_directory(m_root / "elsewhere");
  EXPECT_TRUE(m_watch.changed().host);
}

// A pruned release: its dir is deleted, then the next watch() no longer lists it; the
// deletion's events, read after that, are still its service's.
TEST_F(LiveWatchOwnersTest, ADeletedPathsLateEventsAreStillItsOwners) {
  (void)watch_all();
  fs::remove_all(m_services / "db/etc");
  (void)m_watch.watch({{m_root, WatchScope::host},
                       {m_services, WatchScope::service_entries},
                       {m_services / "db", WatchScope::service, "db"}});
  const LiveChanges changes = m_watch.changed();
  EXPECT_FALSE(changes.host);
  EXPECT_EQ(changes.services, (std::set<std::string>{"db"}));
}

// Issue #22: after a pass that probed one service, only that one's watches are redone.
TEST_F(LiveWatchOwnersTest, WatchingOneServiceAgainKeepsTheOthers) {
  (void)watch_all();
  const size_t all = m_watch.watched();
  // web's config file replaced by a new one (a new inode): web alone is watched again.
  write(m_tmp / "new.conf", "c\n");
  fs::rename(m_tmp / "new.conf", m_services / "web/etc/app.conf");
  EXPECT_EQ(m_watch.changed().services, (std::set<std::string>{"web"}));
  const auto update =
      m_watch.watch_services({{m_services / "web", WatchScope::service, "web"},
                              {m_services / "web/etc", WatchScope::service, "web"},
                              {m_services / "web/etc/app.conf", WatchScope::service, "web"}},
                             {"web"});
  EXPECT_TRUE(update.complete);
  EXPECT_EQ(update.added_services, (std::set<std::string>{"web"}));
  EXPECT_FALSE(update.added_host);
  EXPECT_EQ(m_watch.watched(), all);
  // db's and the root's watches were kept: their changes are still seen and still theirs.
  write(m_services / "db/etc/new.conf", "x");
  EXPECT_EQ(m_watch.changed().services, (std::set<std::string>{"db"}));
  fs::create_directory(m_root / "elsewhere");
  EXPECT_TRUE(m_watch.changed().host);
  // A service watched again with none of its paths (removed) is no longer watched.
  (void)m_watch.watch_services({}, {"db"});
  EXPECT_EQ(m_watch.watched(), all - 2);
  write(m_services / "db/etc/other.conf", "x");
  EXPECT_FALSE(m_watch.changed());
}

TEST_F(LiveWatchOwnersTest, OneInodeUnderTwoServicesIsTheHosts) {
  fs::create_hard_link(m_services / "web/etc/app.conf", m_services / "db/etc/app.conf");
  (void)m_watch.watch({{m_services / "web/etc/app.conf", WatchScope::service, "web"},
                       {m_services / "db/etc/app.conf", WatchScope::service, "db"}});
  write(m_services / "db/etc/app.conf", "b\n", std::ios::app);
  EXPECT_TRUE(m_watch.changed().host);
}

}  // namespace
}  // namespace tether::live_watch_test
