#include "apply/log_rotation.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

namespace tether::log_rotation_test {
namespace {

TEST(LogRotation, LeavesASmallLogAlone) {
  test::TempDir dir;
  test::write_text(dir / "service.log", "short\n");
  EXPECT_FALSE(rotate_log_if_large(dir / "service.log", 100, 3));
  EXPECT_EQ(test::read_text(dir / "service.log"), "short\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "service.log.1"));
}

TEST(LogRotation, CopiesTruncatesAndKeepsAWriterWorking) {
  test::TempDir dir;
  const auto log = dir / "service.log";
  // The service's own descriptor, opened with O_APPEND as the supervisor opens it.
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  for (int generation = 1; generation <= 4; ++generation) {
    const std::string text =
        "generation " + std::to_string(generation) + " " + std::string(200, 'x') + "\n";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    EXPECT_TRUE(rotate_log_if_large(log, 100, 3));
  }
  ASSERT_EQ(::write(fd, "after\n", 6), 6);
  ::close(fd);
  EXPECT_EQ(test::read_text(log), "after\n")
      << "the writer goes on at the start of the emptied file";
  EXPECT_EQ(test::read_text(dir / "service.log.1").substr(0, 12), "generation 4");
  EXPECT_EQ(test::read_text(dir / "service.log.3").substr(0, 12), "generation 2");
  EXPECT_FALSE(std::filesystem::exists(dir / "service.log.4")) << "only `keep` generations";
}

}  // namespace
}  // namespace tether::log_rotation_test
