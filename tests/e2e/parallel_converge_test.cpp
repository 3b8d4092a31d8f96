// Services converged in dependency waves through the real agent (`run --once`): a dependsOn
// chain starts each service only after what it depends on was journaled healthy, and
// independent services are converged at once, shown by two services whose health gates each
// probe the other (neither can pass unless both run) and by the journal's start and end times.
#include "agent_fixture.hpp"

#include <iostream>

namespace tether::test {
namespace {

class ParallelConvergeTest : public AgentTest {
 protected:
  /// services/<name>.yaml: hello 1.0.0 serving on `port`, its gate probing `probed_port`,
  /// after `depends_on`. Not committed.
  void write_service(const std::string& name,
                     int port,
                     int probed_port,
                     const std::string& depends_on = "") {
    write_named_hello(name, release("1.0.0"), port, probed_port, "50ms", 1, depends_on);
  }

  /// The journal's entry for `service`'s install (fails the test when there is none).
  [[nodiscard]] nlohmann::json install_of(const std::string& service) const {
    for (const nlohmann::json& entry : journal(m_root)) {
      if (entry["service"] == service && entry["action"] == "install") return entry;
    }
    ADD_FAILURE() << "no install of " << service << " in the journal";
    return nlohmann::json{{"time", ""}, {"started", ""}, {"result", ""}};
  }

  /// `run --once` with agent.yaml `apply: {parallel: N}` (0: no config file, the default).
  CommandResult run_once(int parallel = 0) {
    std::vector<std::string> args = {"run", "--once"};
    if (parallel > 0) {
      const auto config = m_tmp / "agent.yaml";
      write_text(config,
                 "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                     "\"}\napply: {parallel: " + std::to_string(parallel) + "}\n");
      args.insert(args.end(), {"--config", config.string()});
    }
    return tether(args);
  }
};

// RFC 3339 times with milliseconds in UTC compare as strings.

TEST_F(ParallelConvergeTest, AChainStartsEachServiceAfterItsDependencyWasJournaledHealthy) {
  const int db = free_port();
  const int api = free_port();
  const int web = free_port();
  const int other = free_port();
  write_service("db", db, db);
  write_service("api", api, api, "db");
  write_service("web", web, web, "api");
  write_service("other", other, other);
  m_repo->commit("a chain db <- api <- web, and other");

  const CommandResult run = run_once();

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json entries[] = {install_of("db"), install_of("api"), install_of("web")};
  for (const nlohmann::json& entry : entries) EXPECT_EQ(entry["result"], "ok") << entry;
  // Each began once the one it depends on had passed its gate and been journaled.
  EXPECT_GE(entries[1]["started"].get<std::string>(), entries[0]["time"].get<std::string>());
  EXPECT_GE(entries[2]["started"].get<std::string>(), entries[1]["time"].get<std::string>());
  EXPECT_EQ(install_of("other")["result"], "ok");
}

TEST_F(ParallelConvergeTest, IndependentServicesConvergeAtOnce) {
  // ping's gate probes pong and pong's probes ping: one at a time, the first could never pass.
  const int ping = free_port();
  const int pong = free_port();
  write_service("ping", ping, pong);
  write_service("pong", pong, ping);
  m_repo->commit("ping and pong, each healthy only once the other serves");

  const CommandResult run = run_once();

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json a = install_of("ping");
  const nlohmann::json b = install_of("pong");
  EXPECT_EQ(a["result"], "ok") << a;
  EXPECT_EQ(b["result"], "ok") << b;
  // Each began before the other ended: the two overlapped.
  EXPECT_LT(a["started"].get<std::string>(), b["time"].get<std::string>());
  EXPECT_LT(b["started"].get<std::string>(), a["time"].get<std::string>());
}

TEST_F(ParallelConvergeTest, ParallelOneConvergesOneServiceAtATime) {
  const int ping = free_port();
  const int pong = free_port();
  write_service("ping", ping, pong);
  write_service("pong", pong, ping);
  m_repo->commit("ping and pong, each healthy only once the other serves");

  const CommandResult run = run_once(1);

  // ping (first by name) waited alone for pong, which had not started: its gate failed.
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const nlohmann::json a = install_of("ping");
  const nlohmann::json b = install_of("pong");
  EXPECT_EQ(a["result"], "failed") << a;
  EXPECT_GE(b["started"].get<std::string>(), a["time"].get<std::string>());
}

}  // namespace
}  // namespace tether::test
