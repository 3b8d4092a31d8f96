#include "apply/exec_supervisor.hpp"

#include "apply/process_spawner.hpp"
#include "apply/stray_processes.hpp"
#include "command.hpp"
#include "process_guard.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <signal.h>
#include <string>
#include <unistd.h>

namespace tether::exec_supervisor_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ExecRun shell(const std::string& script, StringMap env = {}) {
  return ExecRun{{"/bin/sh", "-c", script}, std::move(env), 2s};
}

class ExecSupervisorTest : public ::testing::Test {
 protected:
  ExecSupervisorTest() { fs::create_directories(m_layout.release_dir("web", "r1")); }

  /// Starts `run` for service "web" from release "r1"; the guard kills it at test end.
  Result<ProcessRecord> start(const ExecRun& run) {
    auto record = m_supervisor.start("web", run, "r1");
    if (record) m_guards.push_back(std::make_unique<test::ProcessGuard>(record->pid));
    return record;
  }

  bool log_has(const std::string& text) const {
    return test::eventually(
        [&] { return test::read_text(m_layout.log_file("web")).find(text) != std::string::npos; },
        5s);
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp.path()};
  ExecSupervisor m_supervisor{m_layout, Millis(150)};
  std::vector<std::unique_ptr<test::ProcessGuard>> m_guards;
};

TEST_F(ExecSupervisorTest, StartsTheProcessAndRecordsItWithItsStartTime) {
  auto record = start(shell("echo started; exec sleep 30"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_TRUE(test::process_running(record->pid));
  EXPECT_EQ(record->release_dir, "r1");
  ASSERT_TRUE(process_start_time(record->pid).has_value());
  EXPECT_EQ(record->start_time, *process_start_time(record->pid));
  EXPECT_EQ(read_process_record(m_layout.pid_file("web")), *record);
  EXPECT_EQ(::getsid(record->pid), record->pid) << "not in its own session";
  EXPECT_TRUE(log_has("started\n"));
}

TEST_F(ExecSupervisorTest, RunsARelativeCommandFromTheReleaseDir) {
  const fs::path dir = m_layout.release_dir("web", "r1");
  test::write_text(dir / "bin/web", "#!/bin/sh\necho \"in $(pwd) with $1\"\nexec sleep 30\n");
  fs::permissions(dir / "bin/web", fs::perms::owner_all);
  auto record = start(ExecRun{{"bin/web", "--flag"}, {}, 2s});
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_TRUE(log_has("in " + dir.string() + " with --flag\n"))
      << test::read_text(m_layout.log_file("web"));
}

TEST_F(ExecSupervisorTest, PassesTheRunEnvironment) {
  auto record = start(shell("echo \"FOO=$FOO\"; exec sleep 30", {{"FOO", "from the manifest"}}));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_TRUE(log_has("FOO=from the manifest\n")) << test::read_text(m_layout.log_file("web"));
}

TEST_F(ExecSupervisorTest, ACommandThatExitsAtOnceFailsQuotingTheLog) {
  // The short sleep keeps this test clear of the race pinned down by the next one.
  const auto record = start(shell("sleep 0.02; echo 'cannot bind :8080' >&2; exit 3"));
  ASSERT_FALSE(record.ok()) << "reported as started";
  EXPECT_NE(record.error().message.find("cannot bind :8080"), std::string::npos)
      << record.error().message;
  EXPECT_NE(record.error().message.find("status 3"), std::string::npos) << record.error().message;
  EXPECT_NE(record.error().message.find(m_layout.log_file("web").string()), std::string::npos);
}

TEST_F(ExecSupervisorTest, ACommandThatExitsAtOnceFailsEveryTime) {
  for (int i = 0; i < 20; ++i) {
    const auto record = start(ExecRun{{"/bin/false"}, {}, 2s});
    EXPECT_FALSE(record.ok()) << "attempt " << i << " reported /bin/false as started, start time "
                              << record->start_time;
  }
}

TEST_F(ExecSupervisorTest, ExitReasonIsEmptyWhileRunningThenSaysHowItEnded) {
  auto record = start(shell("sleep 0.4; echo 'out of memory' >&2; exit 7"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_EQ(m_supervisor.exit_reason("web", *record), "");
  // Wait for the zombie without reaping it, so exit_reason() can collect the status itself.
  ASSERT_TRUE(test::eventually([&] { return !test::process_running(record->pid); }, 5s));
  const std::string reason = m_supervisor.exit_reason("web", *record);
  EXPECT_NE(reason.find("exited with status 7"), std::string::npos) << reason;
  EXPECT_NE(reason.find("out of memory"), std::string::npos) << reason;
  EXPECT_NE(reason.find(std::to_string(record->pid)), std::string::npos) << reason;
}

TEST_F(ExecSupervisorTest, ExitReasonForARecordThatIsNoLongerOurProcess) {
  auto record = start(shell("exec sleep 30"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  ProcessRecord stale = *record;
  stale.start_time += 1;  // the pid now names another process
  EXPECT_NE(m_supervisor.exit_reason("web", stale).find("exited"), std::string::npos);
}

TEST_F(ExecSupervisorTest, StopSendsSigtermAndWaitsForTheProcessToGo) {
  auto record = start(shell("exec sleep 30"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  const auto before = Clock::now();
  const Status stopped = m_supervisor.stop("web", 5s);
  ASSERT_TRUE(stopped.ok()) << stopped.error().describe();
  EXPECT_LT(Clock::now() - before, 2s) << "SIGTERM was not enough?";
  EXPECT_FALSE(test::process_running(record->pid));
  EXPECT_FALSE(fs::exists(m_layout.pid_file("web")));
}

TEST_F(ExecSupervisorTest, StopReachesTheServicesChildren) {
  const fs::path child_pid = m_tmp / "child.pid";
  auto record = start(shell("sleep 30 & echo $! > " + child_pid.string() + "; wait"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  ASSERT_TRUE(test::eventually([&] { return !test::read_text(child_pid).empty(); }, 5s));
  const pid_t child = std::stoi(test::read_text(child_pid));
  ASSERT_TRUE(test::process_running(child));
  ASSERT_TRUE(m_supervisor.stop("web", 5s).ok());
  EXPECT_TRUE(test::eventually([&] { return !test::process_running(child); }, 2s));
}

TEST_F(ExecSupervisorTest, StopKillsAProcessThatIgnoresSigtermAfterTheTimeout) {
  auto record = start(shell("trap '' TERM; while :; do sleep 0.1; done"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  const auto before = Clock::now();
  const Status stopped = m_supervisor.stop("web", 300ms);
  ASSERT_TRUE(stopped.ok()) << stopped.error().describe();
  EXPECT_GE(Clock::now() - before, 300ms) << "it should have had its timeout";
  EXPECT_FALSE(test::process_running(record->pid));
  EXPECT_FALSE(fs::exists(m_layout.pid_file("web")));
}

/// A process started the way the supervisor starts "web" (its marker in the environment) but
/// recorded nowhere, as an agent killed between spawn and record leaves it.
pid_t start_stray(const Layout& layout, const fs::path& tmp) {
  auto stray = spawn_detached(SpawnRequest{{"/bin/sleep", "30"},
                                           tmp,
                                           {{k_service_marker, layout.service_dir("web").string()}},
                                           tmp / "stray.log"});
  EXPECT_TRUE(stray.ok()) << stray.error().describe();
  return stray ? *stray : -1;
}

TEST_F(ExecSupervisorTest, AStartWithoutAProofOfACleanStopKillsStrays) {
  const pid_t stray = start_stray(m_layout, m_tmp.path());
  test::ProcessGuard guard(stray);
  ASSERT_TRUE(test::process_running(stray));
  // posix_spawn returns once the child's exec has swapped its memory, which the kernel does
  // before it lays out the new arguments and environment: for a moment /proc/PID/environ is
  // empty and the stray could not be recognised by anyone. A real stray (left by an agent
  // killed after the spawn) is long past that moment when the next agent starts.
  ASSERT_TRUE(test::eventually(
      [&] {
        return test::read_text("/proc/" + std::to_string(stray) + "/environ")
                   .find(k_service_marker) != std::string::npos;
      },
      2s));
  ASSERT_TRUE(start(shell("exec sleep 30")).ok());
  EXPECT_TRUE(test::eventually([&] { return !test::process_running(stray); }, 2s));
}

TEST_F(ExecSupervisorTest, AChildThatOutlivesItsLeaderIsKilledAtTheNextStart) {
  // The leader goes on SIGTERM; its child ignores it and stays in the group (holding the port,
  // in real life). stop() sees the leader gone, so the group is not proven empty...
  const fs::path child_pid = m_tmp / "child.pid";
  auto record = start(shell("(trap '' TERM; while :; do sleep 0.1; done) & echo $! > " +
                            child_pid.string() + "; wait"));
  ASSERT_TRUE(record.ok()) << record.error().describe();
  ASSERT_TRUE(test::eventually([&] { return !test::read_text(child_pid).empty(); }, 5s));
  const pid_t child = std::stoi(test::read_text(child_pid));
  test::ProcessGuard child_guard(child);
  ASSERT_TRUE(m_supervisor.stop("web", 2s).ok());
  ASSERT_TRUE(test::process_running(child));
  // ...and the next start looks for strays and finds it.
  ASSERT_TRUE(start(shell("exec sleep 30")).ok());
  EXPECT_TRUE(test::eventually([&] { return !test::process_running(child); }, 2s));
}

TEST_F(ExecSupervisorTest, AStartAfterACleanStopTrustsItAndSkipsTheScan) {
  ASSERT_TRUE(start(shell("exec sleep 30")).ok());
  ASSERT_TRUE(m_supervisor.stop("web", 2s).ok());
  // An impossible stray (it appeared after the clean stop) shows that no scan ran: the proof
  // spared the start a read of every process's environment.
  const pid_t stray = start_stray(m_layout, m_tmp.path());
  test::ProcessGuard guard(stray);
  auto restarted = start(shell("exec sleep 30"));
  ASSERT_TRUE(restarted.ok()) << restarted.error().describe();
  EXPECT_TRUE(test::process_running(stray));
  // That start used the proof up: when the service then dies without a stop(), the next
  // start looks again and finds the stray.
  ::kill(restarted->pid, SIGKILL);
  ASSERT_TRUE(test::eventually([&] { return !test::process_running(restarted->pid); }, 2s));
  ASSERT_TRUE(start(shell("exec sleep 30")).ok());
  EXPECT_TRUE(test::eventually([&] { return !test::process_running(stray); }, 2s));
}

TEST_F(ExecSupervisorTest, StopLeavesAProcessThatIsNotOursAlone) {
  // A pid file whose pid now belongs to someone else: same pid, another start time.
  auto other =
      spawn_detached(SpawnRequest{{"/bin/sleep", "30"}, m_tmp.path(), {}, m_tmp / "o.log"});
  ASSERT_TRUE(other.ok()) << other.error().describe();
  test::ProcessGuard guard(*other);
  const auto real_start = process_start_time(*other);
  ASSERT_TRUE(real_start.has_value());
  fs::create_directories(m_layout.pid_file("web").parent_path());
  ASSERT_TRUE(write_process_record(m_layout.pid_file("web"), {*other, *real_start - 1, "r1"}).ok());

  ASSERT_TRUE(m_supervisor.stop("web", 300ms).ok());
  EXPECT_TRUE(test::process_running(*other)) << "stop() signalled a process it did not start";
  EXPECT_FALSE(fs::exists(m_layout.pid_file("web")));
}

TEST_F(ExecSupervisorTest, StopWithNothingRunningSucceeds) {
  EXPECT_TRUE(m_supervisor.stop("web", 300ms).ok());
  fs::create_directories(m_layout.pid_file("web").parent_path());
  test::write_text(m_layout.pid_file("web"), "not json");
  EXPECT_TRUE(m_supervisor.stop("web", 300ms).ok());
  EXPECT_FALSE(fs::exists(m_layout.pid_file("web")));
}

}  // namespace
}  // namespace tether::exec_supervisor_test
