#include "core/file_lock.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <unistd.h>

namespace tether::lock_holder_test {
namespace {

TEST(LockHolder, NamesThePidWhileHeldAndNobodyAfter) {
  test::TempDir tmp;
  const auto path = tmp / "lock";
  EXPECT_EQ(lock_holder(path), std::nullopt) << "no file yet";
  {
    auto lock = FileLock::acquire(path);
    ASSERT_TRUE(lock.ok()) << lock.error().describe();
    EXPECT_EQ(lock_holder(path), std::to_string(::getpid()));
    // Asking never takes the lock: the holder keeps it and a new agent is still refused.
    EXPECT_FALSE(FileLock::acquire(path).ok());
  }
  EXPECT_EQ(lock_holder(path), std::nullopt);
}

}  // namespace
}  // namespace tether::lock_holder_test
