// Flap damping through the real agent: a service whose process keeps being killed is restarted
// with growing delays (each journaled with its wait), and once it stays up for the stable period
// a `recovered` event is journaled, notified, counted and shown in /status.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <httplib.h>

#include <iomanip>
#include <iostream>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <thread>

namespace tether::test {
namespace {

namespace bp = boost::process;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// Seconds since the epoch of an RFC 3339 UTC time with milliseconds ("...T12:00:01.250Z").
double seconds_of(const std::string& time) {
  std::tm tm{};
  std::istringstream in(time.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  return static_cast<double>(timegm(&tm)) + std::stod(time.substr(19, 4));
}

std::vector<nlohmann::json> with_action(const std::vector<nlohmann::json>& all,
                                        const std::string& action) {
  std::vector<nlohmann::json> out;
  for (const auto& entry : all) {
    if (entry["action"] == action) out.push_back(entry);
  }
  return out;
}

TEST_F(AgentTest, RestartsOfAServiceThatKeepsDyingBackOffAndItsRecoveryIsReported) {
  httplib::Server hook;
  std::mutex mutex;
  std::vector<nlohmann::json> events;
  hook.Post("/tether", [&](const httplib::Request& request, httplib::Response&) {
    std::lock_guard lock(mutex);
    events.push_back(nlohmann::json::parse(request.body));
  });
  const int hook_port = hook.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { hook.listen_after_bind(); });

  // base 1500ms, cap 6s: the waits go 1.5s, 3s, 6s, 6s; 3 s up counts as recovered.
  const milliseconds cap = seconds(6);
  const milliseconds stable = seconds(3);
  const int api = free_port();
  commit_hello("1.0.0");
  const std::filesystem::path config = m_tmp / "agent.yaml";
  write_text(config,
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\nroot: " + m_root.string() +
                 "\nhost: {id: e2e-host}\npoll: {interval: 200ms}\napi: {listen: \"127.0.0.1:" +
                 std::to_string(api) +
                 "\"}\nnotify: {url: \"http://127.0.0.1:" + std::to_string(hook_port) +
                 "/tether\"}\nbackoff: {base: 1500ms, cap: 6s, stable: 3s}\n");
  bp::child agent(TETHER_BIN,
                  bp::args = {"run", "--config", config.string()},
                  bp::std_out > bp::null,
                  bp::std_err > (m_tmp / "agent.log").string());
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  ASSERT_TRUE(
      eventually([&] { return !with_action(journal(m_root), "install").empty(); }, seconds(10)));

  // Kill the service each time the agent has brought it back (its restart is journaled).
  constexpr size_t k_restarts = 5;
  bool saw_degraded = false;
  for (size_t killed = 0; killed < k_restarts; ++killed) {
    ::kill(service_pid(), SIGKILL);
    ASSERT_TRUE(eventually(
        [&] {
          if (!saw_degraded) {
            const std::string status = http_get(api, "/status");
            saw_degraded = status.find("\"degraded\"") != std::string::npos;
          }
          return with_action(journal(m_root), "restart").size() == killed + 1;
        },
        seconds(30)))
        << "restart " << killed + 1;
  }
  ASSERT_TRUE(hello_eventually_says("hello 1.0.0\n"));
  EXPECT_TRUE(saw_degraded) << "GET /status said `degraded` while restarts were backed off";

  const auto all = journal(m_root);
  const auto restarts = with_action(all, "restart");
  ASSERT_EQ(restarts.size(), k_restarts);
  std::vector<double> gaps;
  for (size_t i = 1; i < restarts.size(); ++i) {
    EXPECT_EQ(restarts[i]["result"], "ok");
    gaps.push_back(seconds_of(restarts[i]["time"]) - seconds_of(restarts[i - 1]["time"]));
  }
  std::cout << "restart gaps (s):";
  for (double gap : gaps) std::cout << " " << gap;
  std::cout << " (backoff 1.5s, 3s, 6s, 6s; cap 6s)\n";
  // Each wait doubles until the cap, then stays there. Margins: a pass takes a poll (200 ms)
  // and the restart's own health gate on a busy machine.
  EXPECT_GE(gaps[0], 1.5);
  EXPECT_GT(gaps[1], gaps[0]);
  EXPECT_GT(gaps[2], gaps[1]);
  EXPECT_GE(gaps[1], 3.0);
  EXPECT_GE(gaps[2], 6.0);
  EXPECT_GE(gaps[3], 6.0);
  const double cap_s = std::chrono::duration<double>(cap).count();
  for (double gap : gaps) EXPECT_LT(gap, cap_s + 3.0) << "within the cap";

  // Each delay was journaled with its wait, once per step.
  const auto delayed = with_action(all, "delayed");
  ASSERT_EQ(delayed.size(), k_restarts - 1) << all.back().dump();
  for (const auto& entry : delayed) {
    const std::string reason = entry["reason"];
    EXPECT_EQ(reason.rfind("restart delayed ", 0), 0u) << reason;
    EXPECT_NE(reason.find("process is not running"), std::string::npos) << reason;
    EXPECT_EQ(entry["result"], "skipped");
  }
  std::cout << "delays: " << delayed.front()["reason"] << " ... " << delayed.back()["reason"]
            << "\n";

  // Left alone, it stays up: recovered after the stable period, once.
  ASSERT_TRUE(
      eventually([&] { return !with_action(journal(m_root), "recovered").empty(); }, seconds(20)));
  const auto recovered = with_action(journal(m_root), "recovered");
  ASSERT_EQ(recovered.size(), 1u);
  const double up_for = seconds_of(recovered[0]["time"]) - seconds_of(restarts.back()["time"]);
  std::cout << "recovered " << up_for << " s after the last restart: " << recovered[0]["reason"]
            << "\n";
  EXPECT_GE(up_for, std::chrono::duration<double>(stable).count());
  EXPECT_EQ(recovered[0]["to"]["version"], "1.0.0");
  EXPECT_NE(recovered[0]["reason"].get<std::string>().find("5 restarts or repairs in a row"),
            std::string::npos);

  ASSERT_TRUE(eventually(
      [&] {
        return http_get(api, "/metrics").find("tether_recoveries_total 1") != std::string::npos;
      },
      seconds(5)));
  const std::string status_text = http_get(api, "/status");
  const auto status = nlohmann::json::parse(status_text);
  write_text(m_tmp / "status.json", status_text);
  const CommandResult valid =
      run_command({"/usr/bin/python3",
                   std::string(TETHER_SOURCE_DIR) + "/tests/schema/validate_json.py",
                   std::string(TETHER_SOURCE_DIR) + "/manifests-schema/status.schema.json",
                   (m_tmp / "status.json").string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << status_text;
  EXPECT_EQ(status["services"][0]["state"], "converged");
  EXPECT_EQ(status["services"][0]["recoveredAt"], recovered[0]["time"]);
  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lock(mutex);
        return std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
          return e["event"] == "recovered" && e["service"] == "hello";
        });
      },
      seconds(10)))
      << "the notifier sent the recovery";
  EXPECT_NE(
      tether({"status"}).out.find("hello recovered at " + recovered[0]["time"].get<std::string>()),
      std::string::npos);

  ::kill(agent.id(), SIGTERM);
  agent.wait();
  hook.stop();
  serving.join();
  if (HasFailure()) std::cerr << "agent log:\n" << read_text(m_tmp / "agent.log");
}

}  // namespace
}  // namespace tether::test
