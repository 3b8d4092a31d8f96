// Container services converge in every declared field and are watched all the time (issue
// #17), end to end with real podman and docker: env, ports and args changes recreate the
// container (a reconfigure plan and the agent both name); a container that starts answering
// errors or is paused is restarted by the health watch; after an auto-rollback a container
// removed by hand is brought back while the quarantine stays.
#include "container_e2e_fixture.hpp"

#include <functional>

namespace tether::test {
namespace {

using std::chrono::seconds;

class ContainerConvergeTest : public ContainerTest {
 protected:
  /// Rewrites the service's manifest with `from` replaced by `to`; commits.
  std::string change_manifest(std::string& manifest,
                              const std::string& from,
                              const std::string& to) {
    const size_t at = manifest.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) manifest.replace(at, from.size(), to);
    m_repo->write("services/" + m_service + ".yaml", manifest);
    return m_repo->commit("web: " + to);
  }

  [[nodiscard]] std::vector<nlohmann::json> entries(const std::string& action) const {
    std::vector<nlohmann::json> found;
    for (const auto& entry : journal(m_root)) {
      if (entry["service"] == m_service && entry["action"] == action) found.push_back(entry);
    }
    return found;
  }

  /// Breaks the container with `break_it`; true once it was made again (a restart, or a
  /// repair when a pass saw it first) and serves, within failureThreshold x (interval +
  /// timeout) + 5 s, plus 5 s for the container's start on a loaded machine.
  bool brought_back_after(const std::function<void()>& break_it) {
    const std::string before = container_id();
    const auto remade = [&] { return entries("restart").size() + entries("repair").size(); };
    const size_t remade_before = remade();
    break_it();
    return eventually(
        [&] { return remade() > remade_before && container_id() != before && says() == "v1\n"; },
        std::chrono::milliseconds(3 * (200 + 1000)) + seconds(5 + 5));
  }

  /// A manifest with the health watch's timings: probes every 200 ms, 3 failures in a row.
  [[nodiscard]] std::string watched_manifest(const std::string& image_reference) const {
    std::string text = manifest(image_reference);
    const std::string gate = "successes: 1\n";
    text.replace(text.find(gate), gate.size(), gate + "    failureThreshold: 3\n");
    return text;
  }
};

struct ContainerField {
  const char* field;
  std::string from;
  std::string to;
  std::function<bool(const nlohmann::json& inspect)> runs_new_value;
};

TEST_F(ContainerConvergeTest, EnvPortsAndArgsChangesAreReconfiguresThatTheContainerRuns) {
  std::string text = manifest(image("v1"));
  m_repo->write("config/web/site.txt", "c1\n");
  m_repo->write("services/" + m_service + ".yaml", text);
  std::string previous = m_repo->commit("web v1");
  ASSERT_EQ(tether({"run", "--once"}).exit_code, 0);
  ASSERT_TRUE(eventually_says("v1\n"));
  const int second_port = free_port();
  const std::vector<ContainerField> cases = {
      {"container.env",
       "    stopTimeout: 2s\n",
       "    env: {MODE: blue}\n    stopTimeout: 2s\n",
       [](const nlohmann::json& live) {
         const auto env = live["Config"]["Env"];
         return std::find(env.begin(), env.end(), "MODE=blue") != env.end();
       }},
      {"container.ports",
       ":8080\"]",
       ":8080\", \"127.0.0.1:" + std::to_string(second_port) + ":8080\"]",
       [&](const nlohmann::json&) { return http_get(second_port, "/index.html") == "v1\n"; }},
      {"container.args",
       "-h, /www]",
       "-h, /www/]",
       [](const nlohmann::json& live) {
         return live["Config"]["Cmd"].dump().find("\"/www/\"") != std::string::npos;
       }},
  };
  for (const ContainerField& c : cases) {
    SCOPED_TRACE(c.field);
    const std::string commit = change_manifest(text, c.from, c.to);
    const CommandResult plan = run_command({TETHER_BIN,
                                            "plan",
                                            "--repo",
                                            repo_url(),
                                            "--from",
                                            previous,
                                            "--to",
                                            commit,
                                            "--host",
                                            "e2e-host"});
    EXPECT_NE(plan.out.find("settings"), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find(std::string(c.field) + " changed"), std::string::npos) << plan.out;
    const CommandResult dry = tether({"run", "--once", "--dry-run"});
    EXPECT_NE(dry.out.find(m_service + ": reconfigure"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find(std::string(c.field) + " changed"), std::string::npos) << dry.out;
    const std::string id = container_id();
    const CommandResult run = tether({"run", "--once"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(container_id(), id) << "recreated";
    EXPECT_TRUE(c.runs_new_value(inspect())) << inspect().dump(2);
    EXPECT_TRUE(eventually_says("v1\n"));
    EXPECT_EQ(entries("reconfigure").back()["result"], "ok");
    previous = commit;
  }
}

TEST_F(ContainerConvergeTest, AContainerAnsweringErrorsOrPausedIsRestartedByTheHealthWatch) {
  m_repo->write("config/web/site.txt", "c1\n");
  m_repo->write("services/" + m_service + ".yaml", watched_manifest(image("v1")));
  m_repo->commit("web v1, watched");
  start_daemon("30s");
  ASSERT_TRUE(eventually_says("v1\n")) << daemon_log();
  ASSERT_TRUE(eventually([&] { return entries("install").size() == 1; }, seconds(10)));
  // The app starts answering 404 after its gate passed.
  EXPECT_TRUE(brought_back_after([&] {
    run_ok({cli(), "exec", container(), "/bin/busybox", "rm", "/www/index.html"});
  })) << daemon_log();
  EXPECT_EQ(entries("unhealthy").size(), 1u);
  EXPECT_NE(entries("restart").back()["reason"].get<std::string>().find("HTTP 404"),
            std::string::npos)
      << entries("restart").back().dump();
  // Paused: the engine still says running; the probe times out and inspect says paused.
  EXPECT_TRUE(brought_back_after([&] { run_ok({cli(), "pause", container()}); })) << daemon_log();
  EXPECT_EQ(entries("unhealthy").size(), 2u) << daemon_log();
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(ContainerConvergeTest, ADockerContainerPausedByHandIsSeenAndRestarted) {
  m_dockerd = std::make_unique<LocalDockerd>(m_tmp / "dockerd");
  if (!m_dockerd->problem().empty()) GTEST_FAIL() << m_dockerd->problem();
  m_runtime = "docker";
  m_repo->write("config/web/site.txt", "c1\n");
  m_repo->write("services/" + m_service + ".yaml", watched_manifest(image("v1")));
  m_repo->commit("web v1 under docker, watched");
  start_daemon("30s");
  ASSERT_TRUE(eventually_says("v1\n")) << daemon_log();
  EXPECT_TRUE(brought_back_after([&] {
    run_ok({"docker", "pause", container()});
  })) << daemon_log();
  EXPECT_EQ(entries("unhealthy").size(), 1u);
  EXPECT_EQ(stop_daemon(), 0);
}

TEST_F(ContainerConvergeTest, AfterAnAutoRollbackARemovedContainerIsBackAndTheQuarantineStays) {
  ASSERT_NO_FATAL_FAILURE(deploy("v1"));
  commit_web(image("bad", /*healthy=*/false));
  start_daemon("1s");
  ASSERT_TRUE(eventually([&] { return !entries("auto-rollback").empty(); }, seconds(30)))
      << daemon_log();
  ASSERT_TRUE(eventually_says("v1\n"));
  run_ok({cli(), "rm", "-f", container()});
  // Two poll intervals, plus the container's start and gate on a loaded machine.
  EXPECT_TRUE(eventually([&] { return says() == "v1\n" && exists(container()); }, seconds(2 + 5)))
      << daemon_log();
  ASSERT_TRUE(eventually([&] { return !entries("repair").empty(); }, seconds(5)))
      << nlohmann::json(journal(m_root)).dump(1) << daemon_log();
  const auto repairs = entries("repair");
  EXPECT_EQ(repairs.back()["to"]["commit"], digest_of(image("v1")).substr(7))
      << "the serving image, not the quarantined one";
  EXPECT_EQ(entries("auto-rollback").size(), 1u) << "the bad image was not tried again";
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("QUARANTINED"), std::string::npos) << status.out;
  EXPECT_EQ(stop_daemon(), 0);
}

}  // namespace
}  // namespace tether::test
