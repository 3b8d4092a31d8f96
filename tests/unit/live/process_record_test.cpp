#include "live/process_record.hpp"

#include "command.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace tether::process_record_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// Field 22 of /proc/<pid>/stat, read independently of the code under test.
unsigned long long start_time_of(pid_t pid) {
  const std::string stat = test::read_text("/proc/" + std::to_string(pid) + "/stat");
  size_t pos = stat.rfind(')') + 2;
  for (int field = 3; field < 22; ++field) pos = stat.find(' ', pos) + 1;
  return std::stoull(stat.substr(pos));
}

TEST(ProcessRecord, RoundTripsThroughThePidFile) {
  test::TempDir tmp;
  const ProcessRecord record{4242, 123456789ULL, "1.4.2-3f2a9c1d5e7b-0badf00d"};
  ASSERT_TRUE(write_process_record(tmp / "exec.pid", record).ok());
  EXPECT_EQ(read_process_record(tmp / "exec.pid"), record);
}

TEST(ProcessRecord, AMissingOrGarbledPidFileReadsAsNothing) {
  test::TempDir tmp;
  EXPECT_EQ(read_process_record(tmp / "none.pid"), std::nullopt);
  test::write_text(tmp / "bad.pid", "4242\n");
  EXPECT_EQ(read_process_record(tmp / "bad.pid"), std::nullopt);
  test::write_text(tmp / "partial.pid", R"({"pid": 4242})");
  EXPECT_EQ(read_process_record(tmp / "partial.pid"), std::nullopt);
  test::write_text(tmp / "wrong-type.pid", R"({"pid": "x", "startTime": 1, "release": "r"})");
  EXPECT_EQ(read_process_record(tmp / "wrong-type.pid"), std::nullopt);
}

TEST(ProcessStartTime, MatchesProcStatForThisProcess) {
  const auto start = process_start_time(::getpid());
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(*start, start_time_of(::getpid()));
}

TEST(ProcessStartTime, ParsesACommandNameWithSpacesAndParens) {
  test::TempDir tmp;
  const fs::path odd = tmp / "my (odd) name";
  fs::copy_file("/bin/sleep", odd);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(odd.c_str(), odd.c_str(), "30", nullptr);
    ::_exit(127);
  }
  test::ProcessGuard guard(pid);
  ASSERT_TRUE(test::eventually(
      [&] {
        return test::read_text("/proc/" + std::to_string(pid) + "/stat").find("(my (odd) name)") !=
               std::string::npos;
      },
      5s));
  const auto start = process_start_time(pid);
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(*start, start_time_of(pid));
}

TEST(ProcessStartTime, AZombieChildReadsAsGoneButKeepsItsExitStatus) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(7);
  ASSERT_TRUE(test::eventually([&] { return !test::process_running(pid); }, 5s));
  EXPECT_EQ(process_start_time(pid), std::nullopt);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, WNOHANG), pid) << "the parent must still be able to collect it";
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

TEST(IsAlive, ReapsAnExitedChild) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(0);
  ASSERT_TRUE(test::eventually([&] { return !test::process_running(pid); }, 5s));
  EXPECT_FALSE(is_alive(ProcessRecord{pid, 1, "r"}));
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1) << "is_alive reaps the zombie";
}

TEST(IsAlive, OnlyForTheSamePidAndStartTime) {
  const auto start = process_start_time(::getpid());
  ASSERT_TRUE(start.has_value());
  EXPECT_TRUE(is_alive({::getpid(), *start, "r"}));
  EXPECT_FALSE(is_alive({::getpid(), *start + 1, "r"})) << "a reused pid is not our process";
  EXPECT_FALSE(is_alive({0, *start, "r"}));
  EXPECT_FALSE(is_alive({-1, *start, "r"}));
}

TEST(IsAlive, FalseOnceTheProcessExited) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::pause();
    ::_exit(0);
  }
  test::ProcessGuard guard(pid);
  ASSERT_TRUE(test::eventually([&] { return process_start_time(pid).has_value(); }, 5s));
  const ProcessRecord record{pid, *process_start_time(pid), "r"};
  EXPECT_TRUE(is_alive(record));
  ::kill(pid, SIGKILL);
  EXPECT_TRUE(test::eventually([&] { return !is_alive(record); }, 5s));
}

}  // namespace
}  // namespace tether::process_record_test
