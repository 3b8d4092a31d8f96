#include "process/command_runner.hpp"

#include "command.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace tether::command_runner_test {
namespace {

Command sh(const std::string& script, Millis timeout = std::chrono::seconds(10)) {
  return Command{{"/bin/sh", "-c", script}, {}, {}, timeout};
}

TEST(ProcessRunner, CapturesExitCodeAndBothStreams) {
  ProcessRunner runner;
  auto output = runner.run(sh("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(output->exit_code, 3);
  EXPECT_EQ(output->out, "out\n");
  EXPECT_EQ(output->err, "err\n");
  EXPECT_FALSE(output->timed_out);
  EXPECT_EQ(describe_failure(sh("x"), *output), "/bin/sh exited with status 3: err");
}

TEST(ProcessRunner, PassesArgvWithoutAShellAndSetsDirAndEnv) {
  test::TempDir dir;
  ProcessRunner runner;
  Command command{{"printf", "%s|%s|%s", "$HOME", "a b", "$(id)"}, {}, {}, std::chrono::seconds(5)};
  auto output = runner.run(command);
  ASSERT_TRUE(output);
  EXPECT_EQ(output->out, "$HOME|a b|$(id)") << "arguments must reach the program verbatim";

  auto pwd = runner.run(Command{{"/bin/sh", "-c", "pwd; echo $TETHER_X"},
                                dir.path(),
                                {{"TETHER_X", "42"}},
                                std::chrono::seconds(5)});
  ASSERT_TRUE(pwd);
  EXPECT_EQ(pwd->out, dir.path().string() + "\n42\n");
}

TEST(ProcessRunner, KillsTheWholeGroupOnTimeout) {
  test::TempDir dir;
  const auto marker = dir / "survived";
  ProcessRunner runner;
  const auto start = std::chrono::steady_clock::now();
  // A grandchild that would write the marker after 1.5 s must die with the command.
  const auto pid_file = dir / "grandchild.pid";
  auto output = runner.run(sh(
      "(sleep 1.5; touch " + marker.string() + ") & echo $! > " + pid_file.string() + "; sleep 30",
      Millis(300)));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(output);
  EXPECT_TRUE(output->timed_out);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_EQ(describe_failure(sh("x", Millis(300)), *output), "/bin/sh timed out after 300ms");
  // Waited on rather than slept past: once the grandchild has ended, nothing writes the marker.
  std::ifstream pid_text(pid_file);
  pid_t grandchild = 0;
  ASSERT_TRUE(pid_text >> grandchild) << "the command wrote its background child's pid";
  EXPECT_TRUE(
      test::eventually([&] { return !test::process_running(grandchild); }, std::chrono::seconds(5)))
      << "the grandchild outlived the command's timeout";
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ProcessRunner, DoesNotHangOnABackgroundChildHoldingStdout) {
  ProcessRunner runner;
  const auto start = std::chrono::steady_clock::now();
  auto output = runner.run(sh("sleep 30 & echo started"));
  ASSERT_TRUE(output);
  EXPECT_EQ(output->exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ProcessRunner, MissingProgramIsAnError) {
  ProcessRunner runner;
  auto output = runner.run(Command{{"no-such-program-tether"}, {}, {}, std::chrono::seconds(1)});
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("no-such-program-tether"), std::string::npos);
}

}  // namespace
}  // namespace tether::command_runner_test
