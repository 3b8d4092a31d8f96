// The systemctl calls with a scripted runner (systemd cannot run here), plus the real systemctl.
#include "apply/systemd_controller.hpp"

#include "fake_command_runner.hpp"
#include "process/command_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>

namespace tether::systemd_controller_test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using Argv = std::vector<std::string>;

using test::FakeCommandRunner;

TEST(SystemdController, RestartRunsSystemctlRestartWithTheTimeout) {
  FakeCommandRunner runner;
  runner.exits(0);
  SystemdController controller(runner, std::chrono::seconds(45));
  const Status status = controller.restart("web.service");
  EXPECT_TRUE(status) << status.error().describe();
  ASSERT_EQ(runner.m_commands.size(), 1u);
  EXPECT_THAT(runner.m_commands[0].argv, ElementsAre("systemctl", "restart", "web.service"));
  EXPECT_EQ(runner.m_commands[0].timeout, std::chrono::seconds(45));
  EXPECT_TRUE(runner.m_commands[0].extra_env.empty());
}

TEST(SystemdController, DefaultTimeoutIs90Seconds) {
  FakeCommandRunner runner;
  runner.exits(0);
  SystemdController controller(runner);
  EXPECT_TRUE(controller.stop("web.service"));
  ASSERT_EQ(runner.m_commands.size(), 1u);
  EXPECT_THAT(runner.m_commands[0].argv, ElementsAre("systemctl", "stop", "web.service"));
  EXPECT_EQ(runner.m_commands[0].timeout, std::chrono::seconds(90));
}

TEST(SystemdController, IsActiveMapsExitStatus) {
  FakeCommandRunner runner;
  runner.exits(0);
  runner.exits(3);
  SystemdController controller(runner, std::chrono::seconds(5));
  auto active = controller.is_active("web.service");
  auto inactive = controller.is_active("web.service");
  ASSERT_TRUE(active) << active.error().describe();
  ASSERT_TRUE(inactive) << inactive.error().describe();
  EXPECT_TRUE(*active);
  EXPECT_FALSE(*inactive);
  ASSERT_EQ(runner.m_commands.size(), 2u);
  EXPECT_THAT(runner.m_commands[1].argv,
              ElementsAre("systemctl", "is-active", "--quiet", "web.service"));
  EXPECT_EQ(runner.m_commands[1].timeout, std::chrono::seconds(5));
}

TEST(SystemdController, FailedRestartNamesUnitCommandStatusAndStderr) {
  FakeCommandRunner runner;
  runner.exits(1,
               "Job for web.service failed because the control process exited with error code.\n"
               "See \"systemctl status web.service\" and \"journalctl -xeu web.service\".\n");
  SystemdController controller(runner);
  const Status status = controller.restart("web.service");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "web.service: `systemctl restart web.service` exited with status 1: Job for "
            "web.service failed because the control process exited with error code.");
  EXPECT_THAT(status.error().hint, HasSubstr("journalctl -u web.service"));
}

TEST(SystemdController, MissingUnitSaysToInstallIt) {
  FakeCommandRunner runner;
  runner.exits(5, "Failed to stop api.service: Unit api.service not loaded.\n");
  SystemdController controller(runner);
  const Status status = controller.stop("api.service");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message,
              AllOf(HasSubstr("`systemctl stop api.service`"),
                    HasSubstr("status 5"),
                    HasSubstr("Unit api.service not loaded.")));
  EXPECT_THAT(status.error().hint, HasSubstr("daemon-reload"));
}

TEST(SystemdController, IsActiveOtherStatusIsAnError) {
  FakeCommandRunner runner;
  runner.exits(1,
               "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
               "Failed to connect to bus: Host is down\n");
  SystemdController controller(runner);
  auto active = controller.is_active("web.service");
  ASSERT_FALSE(active);
  EXPECT_EQ(active.error().message,
            "web.service: `systemctl is-active --quiet web.service` exited with status 1: "
            "System has not been booted with systemd as init system (PID 1). Can't operate.");
  EXPECT_THAT(active.error().hint, HasSubstr("does not run systemd"));
}

TEST(SystemdController, TimeoutIsAnError) {
  FakeCommandRunner runner;
  runner.reply(CommandOutput{-1, "", "", true});
  runner.reply(CommandOutput{-1, "", "", true});
  SystemdController controller(runner, std::chrono::seconds(2));
  const Status status = controller.restart("web.service");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "web.service: `systemctl restart web.service` did not finish within 2s");
  EXPECT_THAT(status.error().hint, HasSubstr("journalctl -u web.service"));
  auto active = controller.is_active("web.service");
  ASSERT_FALSE(active) << "a timed out is-active is not an answer";
  EXPECT_THAT(active.error().message, HasSubstr("did not finish within 2s"));
}

TEST(SystemdController, KilledBySignalIsAnError) {
  FakeCommandRunner runner;
  runner.reply(CommandOutput{-1, "", "", false});
  SystemdController controller(runner);
  const Status status = controller.stop("web.service");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "web.service: `systemctl stop web.service` was killed by a signal");
}

TEST(SystemdController, RunnerErrorSaysSystemctlCannotRun) {
  FakeCommandRunner runner;
  runner.reply(Error{"systemctl: not found in PATH", ""});
  SystemdController controller(runner);
  const Status status = controller.restart("web.service");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "web.service: cannot run `systemctl restart web.service`: systemctl: not found in "
            "PATH");
  EXPECT_THAT(status.error().hint, HasSubstr("run.exec"));
}

TEST(SystemdController, RefusesAUnitThatLooksLikeAnOption) {
  FakeCommandRunner runner;
  SystemdController controller(runner);
  EXPECT_FALSE(controller.restart("--version"));
  EXPECT_FALSE(controller.stop(""));
  EXPECT_FALSE(controller.is_active("-h"));
  EXPECT_THAT(runner.m_commands, IsEmpty()) << "nothing may reach systemctl";
}

TEST(SystemdController, RealSystemctlWithoutSystemdGivesAClearError) {
  if (!std::filesystem::exists("/usr/bin/systemctl") &&
      !std::filesystem::exists("/bin/systemctl")) {
    GTEST_SKIP() << "systemctl is not installed";
  }
  if (std::filesystem::exists("/run/systemd/system")) {
    GTEST_SKIP() << "this host runs systemd; the test expects a host without it";
  }
  ProcessRunner runner;
  SystemdController controller(runner, std::chrono::seconds(20));
  const Status status = controller.restart("tether-test-nonexistent.service");
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message,
              AllOf(HasSubstr("`systemctl restart tether-test-nonexistent.service`"),
                    HasSubstr("exited with status"),
                    HasSubstr("systemd")));
  EXPECT_THAT(status.error().hint, Not(IsEmpty()));
  auto active = controller.is_active("tether-test-nonexistent.service");
  ASSERT_FALSE(active) << "without systemd, is-active has no answer";
  EXPECT_THAT(active.error().hint, HasSubstr("does not run systemd"));
}

}  // namespace
}  // namespace tether::systemd_controller_test
