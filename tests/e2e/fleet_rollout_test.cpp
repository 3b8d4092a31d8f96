// Issue #6 acceptance 1: three agents, no controller. Selectors pick the hosts, a 50 % rollout
// lands exactly on the hosts whose bucket says so (computed here independently, with
// sha256sum), raising it to 100 converges every web host, and reverting converges them back.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;

/// The rollout bucket as docs/design.md defines it, computed with coreutils rather than tether:
/// the first 8 bytes of SHA-256("<host>/<service>") as a big-endian integer, mod 100.
int bucket_of(const std::string& host, const std::string& service) {
  const std::string digest =
      run_ok({"/bin/sh", "-c", "printf '%s' \"$0\" | sha256sum", host + "/" + service});
  return static_cast<int>(std::stoull(digest.substr(0, 16), nullptr, 16) % 100);
}

struct FleetHost {
  std::string id;
  std::string role;
  int port = 0;      ///< where its hello listens (web hosts)
  int api_port = 0;  ///< its agent's API
  fs::path root;
  bp::child agent;
};

class FleetRolloutTest : public AgentTest {
 protected:
  FleetRolloutTest() {
    // Two web hosts on either side of the 50 % line, and a db host.
    std::string in;
    std::string out;
    for (int i = 1; i < 100 && (in.empty() || out.empty()); ++i) {
      const std::string id = "web-" + std::to_string(i);
      std::string& side = bucket_of(id, "hello") < 50 ? in : out;
      if (side.empty()) side = id;
    }
    for (const std::string& id : {in, out, std::string("db-1")}) {
      FleetHost host;
      host.id = id;
      host.role = id.rfind("web", 0) == 0 ? "web" : "db";
      host.port = free_port();
      host.api_port = free_port();
      host.root = m_tmp / ("root-" + id);
      m_hosts.push_back(std::move(host));
    }
  }

  ~FleetRolloutTest() override {
    for (FleetHost& host : m_hosts) {
      if (host.agent.valid() && host.agent.running()) {
        ::kill(host.agent.id(), SIGTERM);
        host.agent.wait();
      }
      std::error_code ec;
      for (const auto& service : fs::directory_iterator(host.root / "services", ec)) {
        const std::string text = read_text(service.path() / "run" / "exec.pid");
        if (!text.empty()) ::kill(-nlohmann::json::parse(text).at("pid").get<pid_t>(), SIGKILL);
      }
    }
  }

  FleetHost& web_in() { return m_hosts[0]; }
  FleetHost& web_out() { return m_hosts[1]; }
  FleetHost& db() { return m_hosts[2]; }

  /// The web hosts' files: their role, and their own port for hello (config and health).
  void write_host_files() {
    for (const FleetHost& host : m_hosts) {
      if (host.role == "web") write_hello_host(host.id, host.port, "{role: web}");
    }
  }

  /// hello `version` for role=web hosts, rolled out to `percent` of them.
  std::string commit_release(const std::string& version, int percent) {
    write_host_files();
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    m_repo->write("services/hello.yaml",
                  hello_manifest(release(version)) + "  selector: {role: web}\n" +
                      "  rollout: {percent: " + std::to_string(percent) + "}\n");
    return m_repo->commit("hello " + version + " at " + std::to_string(percent) + "%");
  }

  void start_agents() {
    for (FleetHost& host : m_hosts) {
      // The db host gets its role from its agent's flags: it has no host file.
      std::vector<std::string> args = {"run",
                                       "--interval",
                                       "200ms",
                                       "--repo",
                                       repo_url(),
                                       "--root",
                                       host.root.string(),
                                       "--host-id",
                                       host.id,
                                       "--api-listen",
                                       "127.0.0.1:" + std::to_string(host.api_port)};
      if (host.role == "db") args.insert(args.end(), {"--label", "role=db"});
      host.agent = bp::child(TETHER_BIN,
                             bp::args = args,
                             bp::std_out > bp::null,
                             bp::std_err > (m_tmp / (host.id + ".log")).string());
    }
  }

  static bool says(const FleetHost& host, const std::string& version) {
    return eventually([&] { return http_get(host.port, "/") == "hello " + version + "\n"; },
                      std::chrono::seconds(20));
  }

  /// Waits until the host's agent finished a pass at `commit`; returns its /status.
  static nlohmann::json status_at(const FleetHost& host, const std::string& commit) {
    nlohmann::json status;
    eventually(
        [&] {
          status = nlohmann::json::parse(http_get(host.api_port, "/status"), nullptr, false);
          return !status.is_discarded() && status.value("desiredCommit", "") == commit &&
                 status["lastPass"].is_object();
        },
        std::chrono::seconds(20));
    return status;
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const FleetHost& host : m_hosts) {
      std::cerr << "--- " << host.id << " log:\n" << read_text(m_tmp / (host.id + ".log"));
    }
  }

  std::vector<FleetHost> m_hosts;
};

TEST_F(FleetRolloutTest, StagedRolloutThenRevertAcrossThreeAgents) {
  ASSERT_LT(bucket_of(web_in().id, "hello"), 50);
  ASSERT_GE(bucket_of(web_out().id, "hello"), 50);

  commit_release("1.0.0", 100);
  start_agents();
  EXPECT_TRUE(says(web_in(), "1.0.0"));
  EXPECT_TRUE(says(web_out(), "1.0.0"));

  // 2.0.0 to half the web hosts: exactly the one whose bucket is below 50.
  const std::string half = commit_release("2.0.0", 50);
  EXPECT_TRUE(says(web_in(), "2.0.0"));
  const nlohmann::json out = status_at(web_out(), half);
  EXPECT_EQ(http_get(web_out().port, "/"), "hello 1.0.0\n")
      << "outside the share, a host keeps the release it runs";
  ASSERT_EQ(out["services"].size(), 1u) << out.dump(2);
  EXPECT_EQ(out["services"][0]["state"], "undeclared");
  EXPECT_EQ(out["labels"]["role"], "web");

  // The db host never runs hello: its selector does not match.
  const nlohmann::json db_status = status_at(db(), half);
  EXPECT_TRUE(db_status["services"].empty()) << db_status.dump(2);
  EXPECT_EQ(db_status["labels"]["role"], "db");
  EXPECT_EQ(db_status["lastPass"]["outcome"], "converged");

  // Raise to 100 %: every web host.
  const std::string full = commit_release("2.0.0", 100);
  EXPECT_TRUE(says(web_out(), "2.0.0"));
  EXPECT_EQ(http_get(web_in().port, "/"), "hello 2.0.0\n");

  // Roll back: revert both commits of the rollout; every web host returns to 1.0.0.
  m_repo->revert(full);
  const std::string back = m_repo->revert(half);
  EXPECT_TRUE(says(web_in(), "1.0.0"));
  EXPECT_TRUE(says(web_out(), "1.0.0"));
  for (FleetHost* host : {&web_in(), &web_out()}) {
    const nlohmann::json status = status_at(*host, back);
    EXPECT_EQ(status["services"][0]["state"], "converged") << status.dump(2);
    EXPECT_EQ(status["services"][0]["current"]["version"], "1.0.0");
  }
  EXPECT_FALSE(fs::exists(db().root / "services" / "hello"));
}

}  // namespace
}  // namespace tether::test
