// Issue #10 part 2: a pull-based preview of a ref against each host's LIVE state. Three real
// agents (one state repo behind a git daemon); one host's binary is modified by hand. `tether
// fleet plan --ref pr-web` must report the bump everywhere and the drift repair on that host
// only, and nothing on any host may change: current links, pids, journals, every file's hash,
// the agents' Git refs.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <future>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;

struct PreviewHost {
  std::string id;
  int port = 0;      ///< where its hello listens
  int api_port = 0;  ///< its agent's API
  fs::path root;
  std::string interval;  ///< the drifted host polls rarely: its agent would repair the drift
  bp::child process;
};

/// Everything on a host that a preview must leave alone, as text to compare: every file under
/// the root with its sha256 (symlinks with their target), the agent's Git refs, the service pid
/// and whether it lives. Left out: what a polling agent rewrites by itself (state/last-pass.json,
/// service logs) and the mirror's objects (only its refs matter).
std::string host_snapshot(const fs::path& root) {
  std::string out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path relative = fs::relative(it->path(), root);
    const std::string name = relative.string();
    if (name.rfind("repo.git", 0) == 0 || name == "state/last-pass.json" ||
        name.find("/log/") != std::string::npos) {
      if (it->is_directory() && name == "repo.git") it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      out += name + " -> " + fs::read_symlink(it->path()).string() + "\n";
    } else if (it->is_regular_file()) {
      out += name + " " + run_ok({"sha256sum", it->path().string()}).substr(0, 64) + "\n";
    }
  }
  out += run_ok({"git", "-C", (root / "repo.git").string(), "for-each-ref"});
  const std::string pid_text = read_text(root / "services" / "hello" / "run" / "exec.pid");
  if (!pid_text.empty()) {
    const pid_t pid = nlohmann::json::parse(pid_text).at("pid").get<pid_t>();
    out += "pid " + std::to_string(pid) + (::kill(pid, 0) == 0 ? " alive\n" : " dead\n");
  }
  return out;
}

class PlanPreviewTest : public AgentTest {
 protected:
  PlanPreviewTest() : m_dead_port(free_port()) {
    for (const char* id : {"pv-1", "pv-2", "pv-3"}) {
      PreviewHost host;
      host.id = id;
      host.port = free_port();
      host.api_port = free_port();
      host.root = m_tmp / ("root-" + host.id);
      host.interval = host.id == "pv-2" ? "1h" : "300ms";
      m_hosts.push_back(std::move(host));
    }
  }

  ~PlanPreviewTest() override {
    for (PreviewHost& host : m_hosts) {
      if (host.process.valid() && host.process.running()) {
        ::kill(host.process.id(), SIGTERM);
        host.process.wait();
      }
      const std::string text = read_text(host.root / "services" / "hello" / "run" / "exec.pid");
      if (!text.empty()) ::kill(-nlohmann::json::parse(text).at("pid").get<pid_t>(), SIGKILL);
    }
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const PreviewHost& host : m_hosts)
      std::cerr << "--- " << host.id << " log:\n" << read_text(m_tmp / (host.id + ".log"));
  }

  PreviewHost& drifted() { return m_hosts[1]; }

  /// hello `version` for every host on its own port; the host files override config+health.
  void write_release(const std::string& version) {
    for (const PreviewHost& host : m_hosts) write_hello_host(host.id, host.port);
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    m_repo->write("services/hello.yaml", hello_manifest(release(version)));
  }

  /// hello `version` committed on a new branch `branch` of the state repo (main stays).
  void push_branch(const std::string& branch, const std::string& version) {
    const std::string work = m_repo->work().string();
    run_ok({"git", "-C", work, "checkout", "-q", "-b", branch});
    write_release(version);
    run_ok({"git", "-C", work, "add", "-A"});
    run_ok({"git", "-C", work, "commit", "-q", "-m", "hello " + version});
    run_ok({"git", "-C", work, "push", "-q", "origin", branch});
    run_ok({"git", "-C", work, "checkout", "-q", "main"});
  }

  void start_agents() {
    for (PreviewHost& host : m_hosts) {
      host.process = bp::child(TETHER_BIN,
                               bp::args = {"run",
                                           "--interval",
                                           host.interval,
                                           "--repo",
                                           repo_url(),
                                           "--root",
                                           host.root.string(),
                                           "--host-id",
                                           host.id,
                                           "--api-listen",
                                           "127.0.0.1:" + std::to_string(host.api_port)},
                               bp::std_out > bp::null,
                               bp::std_err > (m_tmp / (host.id + ".log")).string());
    }
    // The rarely polling agent's first pass would wait a random share of an hour: kick it once
    // its API (started after it blocked SIGHUP) answers.
    ASSERT_TRUE(eventually([&] { return http_get(drifted().api_port, "/healthz") == "ok\n"; },
                           std::chrono::seconds(20)));
    ::kill(drifted().process.id(), SIGHUP);
  }

  /// Waits until every agent finished a pass at `commit` with hello serving `version`.
  void wait_converged(const std::string& commit, const std::string& version) {
    for (const PreviewHost& host : m_hosts) {
      ASSERT_TRUE(eventually(
          [&] {
            const auto status =
                nlohmann::json::parse(http_get(host.api_port, "/status"), nullptr, false);
            return !status.is_discarded() && status.value("desiredCommit", "") == commit &&
                   status["lastPass"].is_object() &&
                   http_get(host.port, "/") == "hello " + version + "\n";
          },
          std::chrono::seconds(30)))
          << host.id;
    }
  }

  /// Replaces the live binary by a modified copy, as someone patching a host by hand would.
  void modify_binary(const PreviewHost& host) {
    const fs::path binary = host.root / "services" / "hello" / "current" / "bin" / "hello";
    const fs::path copy = binary.string() + ".patched";
    fs::copy_file(binary, copy);
    write_text(copy, read_text(copy) + "patched by hand\n");
    fs::permissions(copy, fs::perms::owner_all);
    fs::rename(copy, binary);
  }

  [[nodiscard]] fs::path targets_file(bool with_dead) const {
    std::string text;
    for (const PreviewHost& host : m_hosts)
      text += "127.0.0.1:" + std::to_string(host.api_port) + "\n";
    if (with_dead) text += "127.0.0.1:" + std::to_string(m_dead_port) + "\n";
    const fs::path file = m_tmp / (with_dead ? "fleet-dead.txt" : "fleet.txt");
    write_text(file, text);
    return file;
  }

  CommandResult fleet_plan(const std::string& ref,
                           const std::string& format,
                           bool with_dead,
                           std::chrono::milliseconds* took = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    CommandResult result = run_command({TETHER_BIN,
                                        "fleet",
                                        "plan",
                                        "--targets",
                                        targets_file(with_dead).string(),
                                        "--ref",
                                        ref,
                                        "--format",
                                        format,
                                        "--timeout",
                                        "60s"});
    if (took != nullptr) {
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    return result;
  }

  int m_dead_port;
  std::vector<PreviewHost> m_hosts;
};

const nlohmann::json& host_named(const nlohmann::json& fleet, const std::string& id) {
  for (const auto& host : fleet["hosts"]) {
    if (host["host"] == id) return host;
  }
  throw std::runtime_error("no host " + id + " in " + fleet.dump(2));
}

TEST_F(PlanPreviewTest, FleetPlanReportsTheBumpEverywhereAndTheDriftRepairWhereItIs) {
  write_release("1.0.0");
  const std::string main_commit = m_repo->commit("hello 1.0.0");
  ASSERT_NO_FATAL_FAILURE(start_agents());
  ASSERT_NO_FATAL_FAILURE(wait_converged(main_commit, "1.0.0"));
  push_branch("pr-web", "1.1.0");
  modify_binary(drifted());

  std::map<std::string, std::string> before;
  for (const PreviewHost& host : m_hosts) before[host.id] = host_snapshot(host.root);
  const size_t journal_lines = journal(drifted().root).size();

  std::chrono::milliseconds took{};
  const CommandResult json_run = fleet_plan("pr-web", "json", /*with_dead=*/false, &took);
  std::cout << "fleet plan over 3 agents took " << took.count() << " ms\n";
  ASSERT_EQ(json_run.exit_code, 0) << json_run.out << json_run.err;
  const auto fleet = nlohmann::json::parse(json_run.out);
  EXPECT_EQ(fleet["format"], "tether.fleet-plan/v1");
  EXPECT_EQ(fleet["complete"], true);
  ASSERT_EQ(fleet["changes"].size(), 1u) << fleet.dump(2);
  EXPECT_EQ(fleet["changes"][0]["action"], "upgrade");
  EXPECT_EQ(fleet["changes"][0]["service"], "hello");
  EXPECT_EQ(fleet["changes"][0]["from"], "1.0.0");
  EXPECT_EQ(fleet["changes"][0]["to"], "1.1.0");
  EXPECT_EQ(fleet["changes"][0]["count"], 3);
  EXPECT_EQ(fleet["driftRepaired"], nlohmann::json::array({"pv-2"})) << fleet.dump(2);
  EXPECT_TRUE(fleet["driftKept"].empty());
  for (const PreviewHost& host : m_hosts) {
    const nlohmann::json& preview = host_named(fleet, host.id);
    ASSERT_EQ(preview["services"].size(), 1u) << preview.dump(2);
    const nlohmann::json& hello = preview["services"][0];
    EXPECT_EQ(hello["action"], "upgrade") << host.id;
    EXPECT_EQ(preview["refName"], "refs/heads/pr-web");
    EXPECT_EQ(preview["signature"], "not-required");
    if (host.id == drifted().id) {
      EXPECT_EQ(hello["drift"], true) << preview.dump(2);
      EXPECT_EQ(hello["repairsDrift"], true);
      EXPECT_NE(hello["driftReason"].get<std::string>().find("binary bin/hello was modified"),
                std::string::npos)
          << preview.dump(2);
    } else {
      EXPECT_EQ(hello["drift"], false) << preview.dump(2);
    }
  }

  // The markdown comment: the summary line first; a dead target makes the exit status 1.
  const CommandResult markdown = fleet_plan("pr-web", "markdown", /*with_dead=*/true);
  EXPECT_EQ(markdown.exit_code, 1) << markdown.out << markdown.err;
  std::cout << markdown.out;
  EXPECT_NE(markdown.out.find("**3 hosts upgrade hello 1.0.0 → 1.1.0; 1 host has drift that this "
                              "PR would also repair; 1 host unreachable**"),
            std::string::npos)
      << markdown.out;
  EXPECT_NE(markdown.out.find("| pv-2 | hello |"), std::string::npos) << markdown.out;
  EXPECT_NE(markdown.out.find("repaired: live release is damaged: binary bin/hello was modified"),
            std::string::npos)
      << markdown.out;

  // The same preview on the host itself, from the CLI (no agent needed).
  const CommandResult local = run_command({TETHER_BIN,
                                           "plan",
                                           "--live",
                                           "--ref",
                                           "pr-web",
                                           "--repo",
                                           repo_url(),
                                           "--root",
                                           drifted().root.string(),
                                           "--host",
                                           drifted().id,
                                           "--format",
                                           "json"});
  ASSERT_EQ(local.exit_code, 0) << local.out << local.err;
  const auto local_json = nlohmann::json::parse(local.out);
  EXPECT_EQ(local_json["format"], "tether.plan-preview/v1");
  EXPECT_EQ(local_json["appliedCommit"], main_commit);
  EXPECT_EQ(local_json["services"][0]["action"], "upgrade");
  EXPECT_EQ(local_json["services"][0]["desired"]["version"], "1.1.0");
  EXPECT_EQ(local_json["services"][0]["live"]["version"], "1.0.0");
  EXPECT_EQ(local_json["services"][0]["drift"], true);
  EXPECT_EQ(local_json["drifted"], 1);
  write_text(m_tmp / "preview.json", local.out);
  const CommandResult valid =
      run_command({"/usr/bin/python3",
                   std::string(TETHER_SOURCE_DIR) + "/tests/schema/validate_json.py",
                   std::string(TETHER_SOURCE_DIR) + "/manifests-schema/plan-preview.schema.json",
                   (m_tmp / "preview.json").string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << local.out;

  // Nothing changed on any host: files, links, refs, pids; no journal entry.
  for (const PreviewHost& host : m_hosts)
    EXPECT_EQ(host_snapshot(host.root), before[host.id]) << host.id;
  EXPECT_EQ(journal(drifted().root).size(), journal_lines);
  for (const PreviewHost& host : m_hosts)
    EXPECT_EQ(http_get(host.port, "/"), "hello 1.0.0\n") << host.id;
}

TEST_F(PlanPreviewTest, UnknownOrHostileRefsAreRefusedByName) {
  write_release("1.0.0");
  const std::string main_commit = m_repo->commit("hello 1.0.0");
  ASSERT_NO_FATAL_FAILURE(start_agents());
  ASSERT_NO_FATAL_FAILURE(wait_converged(main_commit, "1.0.0"));
  const std::string before = host_snapshot(m_hosts[0].root);

  httplib::Client client("127.0.0.1", m_hosts[0].api_port);
  client.set_read_timeout(60);
  auto missing = client.Get("/plan?ref=no-such-branch");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404) << missing->body;
  const auto error = nlohmann::json::parse(missing->body);
  EXPECT_NE(error["error"].get<std::string>().find("no-such-branch not found"), std::string::npos)
      << missing->body;
  EXPECT_EQ(error["ref"], "no-such-branch");

  for (const char* hostile :
       {"/plan?ref=--upload-pack%3Dtouch%20x", "/plan?ref=main/../x", "/plan?ref=", "/plan"}) {
    auto refused = client.Get(hostile);
    ASSERT_TRUE(refused) << hostile;
    EXPECT_EQ(refused->status, 400) << hostile << "\n" << refused->body;
  }

  const CommandResult fleet = fleet_plan("no-such-branch", "text", /*with_dead=*/false);
  EXPECT_EQ(fleet.exit_code, 1) << fleet.out << fleet.err;
  EXPECT_NE(fleet.out.find("3 hosts could not preview no-such-branch"), std::string::npos)
      << fleet.out;
  EXPECT_NE(fleet.out.find("HTTP 404: ref no-such-branch not found"), std::string::npos)
      << fleet.out;

  const CommandResult usage = fleet_plan("-x", "text", /*with_dead=*/false);
  EXPECT_EQ(usage.exit_code, 2) << usage.out << usage.err;

  const CommandResult local = run_command({TETHER_BIN,
                                           "plan",
                                           "--live",
                                           "--ref",
                                           "no-such-branch",
                                           "--repo",
                                           repo_url(),
                                           "--root",
                                           m_hosts[0].root.string(),
                                           "--host",
                                           m_hosts[0].id});
  EXPECT_EQ(local.exit_code, 3) << local.out << local.err;
  EXPECT_NE(local.err.find("ref no-such-branch not found at " + repo_url()), std::string::npos)
      << local.err;

  // The fetch's deadline: setting up the scratch repo alone takes longer than 1 ms.
  const CommandResult slow = run_command({TETHER_BIN,
                                          "plan",
                                          "--live",
                                          "--ref",
                                          "main",
                                          "--timeout",
                                          "1ms",
                                          "--repo",
                                          repo_url(),
                                          "--root",
                                          m_hosts[0].root.string(),
                                          "--host",
                                          m_hosts[0].id});
  EXPECT_EQ(slow.exit_code, 4) << slow.out << slow.err;
  EXPECT_NE(slow.err.find("fetching main from " + repo_url() + " took too long"), std::string::npos)
      << slow.err;

  // A flood of previews of the branch the agent follows: one runs at a time, the rest get 429
  // at once; the agent's tracking ref does not move (the snapshot holds its refs).
  std::vector<std::future<int>> flood;
  for (int i = 0; i < 6; ++i) {
    flood.push_back(std::async(std::launch::async, [&] {
      httplib::Client one("127.0.0.1", m_hosts[0].api_port);
      one.set_read_timeout(60);
      auto answer = one.Get("/plan?ref=main");
      return answer ? answer->status : 0;
    }));
  }
  std::map<int, int> statuses;
  for (auto& answer : flood) ++statuses[answer.get()];
  std::cout << "6 concurrent previews: " << statuses[200] << " x 200, " << statuses[429]
            << " x 429\n";
  EXPECT_EQ(statuses[200] + statuses[429], 6);
  EXPECT_GE(statuses[200], 1);
  EXPECT_EQ(http_get(m_hosts[0].api_port, "/healthz"), "ok\n");

  EXPECT_EQ(host_snapshot(m_hosts[0].root), before);
}

}  // namespace
}  // namespace tether::test
