#include "core/file_lock.hpp"

#include "apply/process_spawner.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

namespace tether::file_lock_test {
namespace {

namespace fs = std::filesystem;

/// True if `pid` has an open descriptor on `file`.
bool has_open(pid_t pid, const fs::path& file) {
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    if (fs::read_symlink(fd.path(), ec) == file) return true;
  }
  return false;
}

TEST(FileLock, CreatesTheLockFileWithItsParentsAndWritesThePid) {
  test::TempDir tmp;
  const fs::path path = tmp / "state" / "lock";
  auto lock = FileLock::acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.error().describe();
  EXPECT_EQ(test::read_text(path), std::to_string(::getpid()) + "\n");
}

TEST(FileLock, SecondAcquireFailsAndNamesTheHoldersPid) {
  test::TempDir tmp;
  const fs::path path = tmp / "lock";
  auto first = FileLock::acquire(path);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  auto second = FileLock::acquire(path);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find(path.string()), std::string::npos);
  EXPECT_FALSE(second.error().hint.empty());
}

TEST(FileLock, CanBeTakenAgainOnceTheHolderIsDestroyed) {
  test::TempDir tmp;
  const fs::path path = tmp / "lock";
  {
    auto first = FileLock::acquire(path);
    ASSERT_TRUE(first.ok());
    ASSERT_FALSE(FileLock::acquire(path).ok());
  }
  EXPECT_TRUE(FileLock::acquire(path).ok());
}

TEST(FileLock, MovedLockStaysHeldUntilTheNewOwnerIsDestroyed) {
  test::TempDir tmp;
  const fs::path path = tmp / "lock";
  std::optional<FileLock> owner;
  {
    auto first = FileLock::acquire(path);
    ASSERT_TRUE(first.ok());
    owner.emplace(std::move(first.value()));
  }  // the moved-from Result is destroyed here; the lock must survive it
  EXPECT_FALSE(FileLock::acquire(path).ok());
  owner.reset();
  EXPECT_TRUE(FileLock::acquire(path).ok());
}

TEST(FileLock, IsNotInheritedByAServiceStartedWhileHoldingIt) {
  test::TempDir tmp;
  const fs::path path = tmp / "lock";
  test::ProcessGuard guard;
  pid_t child = 0;
  {
    auto lock = FileLock::acquire(path);
    ASSERT_TRUE(lock.ok());
    auto pid =
        spawn_detached(SpawnRequest{{"/bin/sleep", "30"}, tmp.path(), {}, tmp / "service.log"});
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    child = *pid;
    guard.reset(child);
    EXPECT_FALSE(has_open(child, path)) << "the service holds the agent's lock file open";
  }
  ASSERT_TRUE(test::process_running(child));
  EXPECT_TRUE(FileLock::acquire(path).ok())
      << "a service process kept the lock after the agent let go";
}

}  // namespace
}  // namespace tether::file_lock_test
