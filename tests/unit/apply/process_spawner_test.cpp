#include "apply/process_spawner.hpp"

#include "command.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <pthread.h>
#include <signal.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace tether::process_spawner_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// The value of `key` ("SigBlk") in /proc/<pid>/status.
std::string status_field(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0)
      return line.substr(line.find_first_not_of(" \t", key.size() + 1));
  }
  return "";
}

std::vector<std::string> open_fds(pid_t pid) {
  std::vector<std::string> fds;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    fds.push_back(fd.path().filename());
  }
  std::sort(fds.begin(), fds.end());
  return fds;
}

class ProcessSpawner : public ::testing::Test {
 protected:
  /// Spawns argv in the temp dir, logging to service.log; the guard kills it at test end.
  pid_t spawn(std::vector<std::string> argv, StringMap env = {}) {
    auto pid = spawn_detached(SpawnRequest{std::move(argv), m_tmp.path(), std::move(env), m_log});
    EXPECT_TRUE(pid.ok()) << pid.error().describe();
    if (!pid.ok()) return 0;
    m_guards.push_back(std::make_unique<test::ProcessGuard>(*pid));
    return *pid;
  }

  bool log_has(const std::string& text) const {
    return test::eventually([&] { return test::read_text(m_log).find(text) != std::string::npos; },
                            5s);
  }

  test::TempDir m_tmp;
  fs::path m_log = m_tmp / "service.log";
  std::vector<std::unique_ptr<test::ProcessGuard>> m_guards;
};

TEST_F(ProcessSpawner, RunsInItsOwnSessionAndProcessGroup) {
  const pid_t pid = spawn({"/bin/sleep", "30"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(::getsid(pid), pid);
  EXPECT_EQ(::getpgid(pid), pid);
  EXPECT_NE(::getsid(pid), ::getsid(0));
}

TEST_F(ProcessSpawner, PassesArgvAsIsWithoutAShell) {
  spawn({"/bin/echo", "two words", "$HOME", "*"});
  EXPECT_TRUE(log_has("two words $HOME *\n")) << test::read_text(m_log);
}

TEST_F(ProcessSpawner, AppendsStdoutAndStderrToTheLog) {
  test::write_text(m_log, "from an earlier run\n");
  spawn({"/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2"});
  EXPECT_TRUE(log_has("to-stderr"));
  const std::string log = test::read_text(m_log);
  EXPECT_EQ(log.rfind("from an earlier run\n", 0), 0u) << log;
  EXPECT_NE(log.find("to-stdout\n"), std::string::npos) << log;
}

TEST_F(ProcessSpawner, StartsInTheWorkingDirWithStdinFromDevNull) {
  fs::create_directory(m_tmp / "work dir");
  auto pid = spawn_detached(SpawnRequest{
      {"/bin/sh", "-c", "pwd; readlink /proc/self/fd/0"}, m_tmp / "work dir", {}, m_log});
  ASSERT_TRUE(pid.ok()) << pid.error().describe();
  test::ProcessGuard guard(*pid);
  EXPECT_TRUE(log_has("/dev/null"));
  EXPECT_NE(test::read_text(m_log).find((m_tmp / "work dir").string() + "\n"), std::string::npos)
      << test::read_text(m_log);
}

TEST_F(ProcessSpawner, AddsAndOverridesEnvironmentVariables) {
  ::setenv("TETHER_TEST_KEEP", "inherited", 1);
  ::setenv("TETHER_TEST_OVERRIDE", "agent value", 1);
  spawn({"/bin/sh", "-c", "echo \"$TETHER_TEST_KEEP|$TETHER_TEST_OVERRIDE|$FOO\""},
        {{"FOO", "bar baz"}, {"TETHER_TEST_OVERRIDE", "service value"}});
  EXPECT_TRUE(log_has("inherited|service value|bar baz\n")) << test::read_text(m_log);
  ::unsetenv("TETHER_TEST_KEEP");
  ::unsetenv("TETHER_TEST_OVERRIDE");
}

TEST_F(ProcessSpawner, InheritsNoDescriptorsButTheStandardThree) {
  // Not O_CLOEXEC, as a careless library might open it.
  const int leaked = ::open((m_tmp / "leak").c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(leaked, 0);
  const pid_t pid = spawn({"/bin/sleep", "30"});
  ::close(leaked);
  ASSERT_GT(pid, 0);
  // The program may briefly open files of its own while starting (locale data), so wait for
  // that to settle; an inherited descriptor would stay open for good.
  const std::vector<std::string> standard{"0", "1", "2"};
  EXPECT_TRUE(test::eventually([&] { return open_fds(pid) == standard; }, 2s))
      << "open: " << ::testing::PrintToString(open_fds(pid));
}

TEST_F(ProcessSpawner, StartsWithNoBlockedSignals) {
  sigset_t block;
  sigset_t old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &block, &old), 0);
  const pid_t pid = spawn({"/bin/sleep", "30"});
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(status_field(pid, "SigBlk"), "0000000000000000");
}

TEST_F(ProcessSpawner, SignalsTheAgentIgnoresAreBackToTheirDefaults) {
  // SIG_IGN survives exec, so a service would inherit an ignored SIGTERM or SIGPIPE.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_term {};
  struct sigaction old_pipe {};
  ASSERT_EQ(::sigaction(SIGTERM, &ignore, &old_term), 0);
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old_pipe), 0);
  const pid_t pid = spawn({"/bin/sleep", "30"});
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ASSERT_GT(pid, 0);
  const unsigned long ignored = std::stoul(status_field(pid, "SigIgn"), nullptr, 16);
  EXPECT_EQ(ignored & (1UL << (SIGTERM - 1)), 0UL) << status_field(pid, "SigIgn");
  EXPECT_EQ(ignored & (1UL << (SIGPIPE - 1)), 0UL) << status_field(pid, "SigIgn");
}

TEST_F(ProcessSpawner, ANonExecutableProgramIsAnErrorWithTheReason) {
  const fs::path program = m_tmp / "not-executable";
  test::write_text(program, "#!/bin/sh\nexit 0\n");
  fs::permissions(program, fs::perms::owner_read | fs::perms::owner_write);
  auto pid = spawn_detached(SpawnRequest{{program.string()}, m_tmp.path(), {}, m_log});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.error().message.find(program.string()), std::string::npos) << pid.error().message;
  EXPECT_NE(pid.error().message.find("Permission denied"), std::string::npos)
      << pid.error().message;
}

TEST_F(ProcessSpawner, RefusesARelativeProgram) {
  auto pid = spawn_detached(SpawnRequest{{"bin/web"}, m_tmp.path(), {}, m_log});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.error().message.find("absolute"), std::string::npos) << pid.error().message;
}

TEST_F(ProcessSpawner, AMissingProgramIsAnErrorNamingIt) {
  const std::string program = (m_tmp / "bin/missing").string();
  auto pid = spawn_detached(SpawnRequest{{program}, m_tmp.path(), {}, m_log});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.error().message.find(program), std::string::npos) << pid.error().message;
}

TEST_F(ProcessSpawner, AnUnwritableLogIsAnErrorNamingIt) {
  const fs::path log = m_tmp / "no-such-dir" / "service.log";
  auto pid = spawn_detached(SpawnRequest{{"/bin/true"}, m_tmp.path(), {}, log});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.error().message.find(log.string()), std::string::npos) << pid.error().message;
}

}  // namespace
}  // namespace tether::process_spawner_test
