// Issue #23, freeze during an incident: a hold set on the host (`tether suspend`) or in Git
// (`spec.suspend`) keeps a service exactly as it runs, says so in /status, /metrics, the
// journal and `run --once`'s exit code, and lifting it converges the service.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <httplib.h>

#include <iostream>

namespace tether::test {
namespace {

using std::chrono::seconds;

class SuspendTest : public AgentTest {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "agent log:\n" << daemon_log();
  }
  bool journal_has(const std::string& action) const {
    for (const nlohmann::json& entry : journal(m_root)) {
      if (entry.value("service", "") == "hello" && entry.value("action", "") == action) return true;
    }
    return false;
  }
  /// hello's entry in the agent's GET /status (null when it does not answer).
  nlohmann::json hello_status(int api) const {
    const std::string body = http_get(api, "/status");
    if (!nlohmann::json::accept(body)) return nullptr;
    const nlohmann::json status = nlohmann::json::parse(body);  // outlives the loop
    for (const nlohmann::json& s : status["services"]) {
      if (s.value("service", "") == "hello") return s;
    }
    return nullptr;
  }
};

TEST_F(SuspendTest, AHoldOnTheHostKeepsBackAnUpgradeUntilResumed) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const int api = free_port();
  start_daemon("200ms", api);
  ASSERT_TRUE(eventually([&] { return passes_finished(api) >= 1; }, seconds(15)));

  const CommandResult held = tether({"suspend", "hello", "--reason", "incident 42"});
  ASSERT_EQ(held.exit_code, 0) << held.err;
  EXPECT_NE(held.out.find("suspended"), std::string::npos) << held.out;
  ASSERT_TRUE(eventually([&] { return journal_has("suspend"); }, seconds(15)));

  commit_hello("2.0.0");
  // The agent saw the new commit and planned the upgrade, but held it.
  ASSERT_TRUE(eventually(
      [&] {
        const nlohmann::json s = hello_status(api);
        return s.is_object() && s.value("state", "") == "suspended" &&
               s.value("reason", "").find("would upgrade") != std::string::npos;
      },
      seconds(15)))
      << http_get(api, "/status");
  expect_valid_status(http_get(api, "/status"));
  const nlohmann::json status = hello_status(api);
  EXPECT_EQ(status["suspended"]["reason"], "incident 42");
  EXPECT_EQ(status["suspended"]["source"], "tether suspend");
  EXPECT_NE(http_get(api, "/metrics").find("tether_suspended{service=\"hello\"} 1"),
            std::string::npos);
  // The preview of the branch (plan --live, fleet plan) says what the hold keeps back.
  httplib::Client client("127.0.0.1", api);
  client.set_read_timeout(60);
  const auto preview = client.Get("/plan?ref=main");
  ASSERT_TRUE(preview && preview->status == 200);
  const nlohmann::json plan = nlohmann::json::parse(preview->body);
  bool previewed_as_held = false;
  for (const nlohmann::json& s : plan["services"]) {
    previewed_as_held =
        previewed_as_held ||
        (s.value("service", "") == "hello" && s.value("action", "") == "suspended" &&
         s.value("reason", "").find("would upgrade") != std::string::npos &&
         s.value("reason", "").find("incident 42") != std::string::npos);
  }
  EXPECT_TRUE(previewed_as_held) << preview->body;
  const long long seen = passes_finished(api);
  ASSERT_TRUE(passes_eventually_reach(api, seen, 3, seconds(15)));
  EXPECT_EQ(hello_says(), "hello 1.0.0\n") << "three passes later the hold still holds";
  EXPECT_EQ(http_get(api, "/metrics").find("tether_converged{service=\"hello\"} 1"),
            std::string::npos)
      << "a held upgrade is not converged";

  const CommandResult resumed = tether({"resume", "hello"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
  EXPECT_TRUE(eventually([&] { return journal_has("resume"); }, seconds(15)));
  EXPECT_TRUE(
      eventually([&] { return hello_status(api).value("state", "") == "converged"; }, seconds(15)));
}

TEST_F(SuspendTest, AHoldForAWhileEndsByItselfInADaemonThatPollsQuietly) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const int api = free_port();
  start_daemon("200ms", api);
  ASSERT_TRUE(eventually([&] { return passes_finished(api) >= 1; }, seconds(15)));
  ASSERT_EQ(tether({"suspend", "hello", "--reason", "brief hold", "--for", "3s"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return journal_has("suspend"); }, seconds(15)));
  // Nothing is held back yet: the daemon's polls are quiet (they reuse the last pass) until
  // the hold runs out, and that alone must wake a full pass that journals its end.
  ASSERT_TRUE(eventually([&] { return journal_has("resume"); }, seconds(20)));
  EXPECT_TRUE(eventually(
      [&] {
        const nlohmann::json s = hello_status(api);
        return s.is_object() && !s.contains("suspended");
      },
      seconds(15)));
  commit_hello("2.0.0");
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(SuspendTest, RunOnceExitsNotConvergedWhileHeldAndAnExpiredHoldIsOver) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  ASSERT_EQ(tether({"suspend", "--all", "--reason", "audit freeze", "--for", "1h"}).exit_code, 0);
  commit_hello("2.0.0");
  const CommandResult held = tether({"run", "--once"});
  EXPECT_EQ(held.exit_code, 1) << held.out << held.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  const CommandResult status = tether({"status"});
  EXPECT_NE(status.out.find("SUSPENDED"), std::string::npos) << status.out;

  // --for 1ms has run out by the time the agent reads it: nothing is held.
  ASSERT_EQ(tether({"suspend", "--all", "--reason", "brief", "--for", "1ms"}).exit_code, 0);
  const CommandResult free = tether({"run", "--once"});
  EXPECT_EQ(free.exit_code, 0) << free.out << free.err;
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(SuspendTest, AHoldInGitIsReviewedLikeAnyChangeAndLiftedByACommit) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  m_repo->write("hosts/e2e-host.yaml",
                "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: e2e-host\n"
                "spec:\n  suspend: {reason: \"change freeze until the sale ends\"}\n");
  commit_hello("2.0.0");
  const CommandResult held = tether({"run", "--once"});
  EXPECT_EQ(held.exit_code, 1) << held.out << held.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  bool journaled = false;
  for (const nlohmann::json& entry : journal(m_root)) {
    if (entry.value("action", "") == "suspend" &&
        entry.value("reason", "").find("hosts/e2e-host.yaml") != std::string::npos)
      journaled = true;
  }
  EXPECT_TRUE(journaled);

  m_repo->write("hosts/e2e-host.yaml",
                "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: e2e-host\nspec: {}\n");
  m_repo->commit("lift the freeze");
  EXPECT_EQ(tether({"run", "--once"}).exit_code, 0);
  EXPECT_TRUE(hello_eventually_says("hello 2.0.0\n"));
}

TEST_F(SuspendTest, AHoldNeedsAReasonAndATarget) {
  const CommandResult no_reason = tether({"suspend", "hello", "--reason", ""});
  EXPECT_EQ(no_reason.exit_code, 2);
  EXPECT_NE(no_reason.err.find("--reason"), std::string::npos) << no_reason.err;
  const CommandResult no_target = tether({"suspend", "--reason", "why"});
  EXPECT_EQ(no_target.exit_code, 2);
  const CommandResult bad_name = tether({"suspend", "../etc", "--reason", "why"});
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_NE(bad_name.err.find("not a service name"), std::string::npos) << bad_name.err;
}

TEST_F(SuspendTest, ADamagedHoldsFileHoldsEverythingUntilResumeAllReplacesIt) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  write_text(m_root / "state" / "suspended.json", "{\"services\": [");
  commit_hello("2.0.0");
  // The agent cannot read the holds: it keeps every service as it runs, and says why.
  const CommandResult held = tether({"run", "--once"});
  EXPECT_NE(held.exit_code, 0);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  // Only `resume --all` may replace the file; `resume hello` refuses, naming it.
  const CommandResult one = tether({"resume", "hello"});
  EXPECT_NE(one.exit_code, 0);
  EXPECT_NE(one.err.find("suspended.json"), std::string::npos) << one.err;
  const CommandResult all = tether({"resume", "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("replacing a holds file that cannot be read"), std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("every service: resumed"), std::string::npos) << all.out;
  const CommandResult converged = tether({"run", "--once"});
  EXPECT_EQ(converged.exit_code, 0) << converged.err;
  EXPECT_EQ(hello_says(), "hello 2.0.0\n");
}

}  // namespace
}  // namespace tether::test
