// Issue #10 part 1: hosts propose the revert after an automatic rollback. Three agents (own
// roots and host ids) against a real git daemon that accepts pushes: all roll back a broken
// release, exactly one branch tether/revert-<sha12> appears, it restores the manifest, and
// merging it leaves every host where it is. With push: false the proposal is only recorded.
#include "agent_fixture.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <iostream>
#include <signal.h>

namespace tether::test {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;

struct Host {
  std::string id;
  int port = 0;
  fs::path root;
  fs::path config;
};

/// `git ls-remote` of the state repo as ref -> sha.
std::map<std::string, std::string> ls_remote(const std::string& url) {
  std::map<std::string, std::string> refs;
  for (const std::string& line : lines_of(run_ok({"git", "ls-remote", url}))) {
    const size_t tab = line.find('\t');
    refs[line.substr(tab + 1)] = line.substr(0, tab);
  }
  return refs;
}

class RevertProposalTest : public AgentTest {
 protected:
  RevertProposalTest() {
    for (int i = 1; i <= 3; ++i) {
      Host host;
      host.id = "host-" + std::to_string(i);
      host.port = free_port();
      host.root = m_tmp / ("root-" + std::to_string(i));
      host.config = m_tmp / (host.id + ".yaml");
      m_hosts.push_back(host);
    }
  }

  ~RevertProposalTest() override {
    for (const Host& host : m_hosts) {
      const std::string text = read_text(host.root / "services/hello/run/exec.pid");
      if (!text.empty()) ::kill(-nlohmann::json::parse(text).at("pid").get<pid_t>(), SIGKILL);
    }
  }

  void write_configs(bool push) {
    for (const Host& host : m_hosts) {
      std::ofstream(host.config) << "apiVersion: tether.dev/v1\nkind: Agent\n"
                                 << "repo: {url: \"" << repo_url() << "\", branch: main}\n"
                                 << "root: " << host.root.string() << "\n"
                                 << "host: {id: " << host.id << "}\n"
                                 << "proposeRevert: {enabled: true, push: "
                                 << (push ? "true" : "false") << "}\n";
    }
  }

  /// hello `version` for every host, each on its own port (host files override config and
  /// health), the way fleet_rollout_test does it.
  std::string commit_release(const std::string& version, Build build = Build::healthy) {
    for (const Host& host : m_hosts) write_hello_host(host.id, host.port);
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    m_repo->write("services/hello.yaml", hello_manifest(release(version, build)));
    return m_repo->commit("hello " + version);
  }

  CommandResult run_once(const Host& host) const {
    return run_command({TETHER_BIN, "run", "--once", "--config", host.config.string()},
                       {},
                       std::chrono::seconds(120));
  }

  /// `tether run --once` on every host at the same time (their pushes race).
  std::vector<CommandResult> run_all() const {
    std::vector<std::future<CommandResult>> runs;
    for (const Host& host : m_hosts) {
      runs.push_back(std::async(std::launch::async, [this, &host] { return run_once(host); }));
    }
    std::vector<CommandResult> results;
    for (auto& run : runs) results.push_back(run.get());
    return results;
  }

  static nlohmann::json status_json(const Host& host) {
    const CommandResult status =
        run_command({TETHER_BIN, "status", "--json", "--root", host.root.string()},
                    {},
                    std::chrono::seconds(60));
    return nlohmann::json::parse(status.out);
  }

  static pid_t pid_of(const Host& host) {
    return nlohmann::json::parse(read_text(host.root / "services/hello/run/exec.pid"))
        .at("pid")
        .get<pid_t>();
  }

  std::string git_bare(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"git", "-C", m_repo->bare().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_ok(argv);
  }

  std::vector<Host> m_hosts;
};

TEST_F(RevertProposalTest, ThreeHostsRollBackAndExactlyOneRevertBranchIsProposed) {
  write_configs(/*push=*/true);
  const std::string v2 = commit_release("2.0.0");
  for (const CommandResult& run : run_all()) ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const Host& host : m_hosts) {
    ASSERT_TRUE(eventually([&] { return http_get(host.port, "/") == "hello 2.0.0\n"; },
                           std::chrono::seconds(15)))
        << host.id;
  }

  const std::string bad = commit_release("3.0.0", Build::broken_health);
  const auto refs_before = ls_remote(repo_url());
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CommandResult> runs = run_all();
  const auto took = std::chrono::steady_clock::now() - start;
  std::cout << "three concurrent passes with auto-rollback and proposal: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].exit_code, 1) << "the failed upgrade still fails the pass\n" << runs[i].err;
    EXPECT_NE(runs[i].err.find("revert proposal"), std::string::npos) << runs[i].err;
    EXPECT_TRUE(eventually([&] { return http_get(m_hosts[i].port, "/") == "hello 2.0.0\n"; },
                           std::chrono::seconds(15)))
        << m_hosts[i].id << " rolled back";
  }

  // Exactly one new ref, named after the commit that declared 3.0.0; nothing else moved.
  const std::string branch = "tether/revert-" + bad.substr(0, 12);
  auto refs_after = ls_remote(repo_url());
  ASSERT_EQ(refs_after.count("refs/heads/" + branch), 1u) << branch;
  const std::string proposal_tip = refs_after["refs/heads/" + branch];
  refs_after.erase("refs/heads/" + branch);
  EXPECT_EQ(refs_after, refs_before) << "no other ref changed";

  // The branch's tip: on top of main's tip, services/hello.yaml exactly as at v2.
  EXPECT_EQ(git_bare({"rev-parse", proposal_tip + "^"}), bad + "\n");
  EXPECT_EQ(git_bare({"show", proposal_tip + ":services/hello.yaml"}),
            git_bare({"show", v2 + ":services/hello.yaml"}));
  const std::string message = git_bare({"log", "-1", "--format=%B", proposal_tip});
  std::cout << "the proposal's commit message:\n" << message;
  EXPECT_NE(message.find("This reverts commit " + bad), std::string::npos) << message;
  EXPECT_NE(message.find("Health probe:    http GET http://127.0.0.1:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("/healthz expecting 200"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << "the last error\n" << message;
  EXPECT_NE(message.find("auto-rollback 3.0.0 -> 2.0.0: ok"), std::string::npos)
      << "the journal excerpt\n"
      << message;

  // Every host records it: one pushed, the others found it already proposed.
  std::map<std::string, int> states;
  const Host* pusher = nullptr;
  for (const Host& host : m_hosts) {
    const nlohmann::json status = status_json(host);
    const nlohmann::json& proposal = status["services"][0]["revertProposal"];
    ASSERT_TRUE(proposal.is_object()) << status.dump(2);
    EXPECT_EQ(proposal["branch"], branch);
    EXPECT_EQ(proposal["revertedCommit"], bad);
    ++states[proposal["state"].get<std::string>()];
    if (proposal["state"] == "pushed") {
      pusher = &host;
      EXPECT_EQ(proposal["revertCommit"], proposal_tip);
    }
    const auto entries = journal(host.root);
    EXPECT_EQ(entries.back()["action"], "revert-proposal") << entries.back().dump();
    const std::string text = run_command({TETHER_BIN, "status", "--root", host.root.string()}).out;
    EXPECT_NE(text.find("revert proposal: "), std::string::npos) << text;
    EXPECT_NE(text.find(branch), std::string::npos) << text;
  }
  EXPECT_EQ(states["pushed"], 1) << "exactly one host pushed";
  EXPECT_EQ(states["already-proposed"], 2) << "the others found the branch";
  ASSERT_NE(pusher, nullptr);
  expect_valid_status(status_json(*pusher).dump());

  // `tether revert --proposal` on the host that pushed says what the branch says.
  const CommandResult shown =
      run_command({TETHER_BIN, "revert", "--proposal", "hello", "--root", pusher->root.string()});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("branch:  " + branch), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(message.substr(0, message.size() - 1)), std::string::npos)
      << "the same message\n"
      << shown.out << "\n---\n"
      << message;

  // A later pass does not propose again (and says the host is not converged: quarantined).
  const size_t entries_before = journal(m_hosts[0].root).size();
  EXPECT_EQ(run_once(m_hosts[0]).exit_code, 1);
  EXPECT_EQ(journal(m_hosts[0].root).size(), entries_before);

  // Merge it (fast-forward main to the branch): every host stays on the 2.0.0 process the
  // auto-rollback started, no restart.
  std::map<std::string, size_t> journal_sizes;
  std::map<std::string, pid_t> pids;
  for (const Host& host : m_hosts) {
    journal_sizes[host.id] = journal(host.root).size();
    pids[host.id] = pid_of(host);
  }
  git_bare({"update-ref", "refs/heads/main", proposal_tip, bad});
  for (const CommandResult& run : run_all()) EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const Host& host : m_hosts) {
    EXPECT_EQ(pid_of(host), pids[host.id]) << host.id << ": 2.0.0 kept running";
    EXPECT_EQ(::kill(pids[host.id], 0), 0) << host.id;
    EXPECT_EQ(journal(host.root).size(), journal_sizes[host.id])
        << host.id << ": nothing applied, nothing restarted";
    EXPECT_EQ(http_get(host.port, "/"), "hello 2.0.0\n");
    const nlohmann::json status = status_json(host);
    EXPECT_FALSE(status["services"][0].contains("quarantine")) << status.dump(2);
    EXPECT_FALSE(status["services"][0].contains("revertProposal")) << status.dump(2);
  }
}

TEST_F(RevertProposalTest, AConfigFileFailureRevertsTheConfigCommitNotTheVersionBump) {
  // #17: 3.0.0 passed; a later commit changes only the host's config file, which the release
  // cannot start with. Walking services/hello.yaml alone blamed the 3.0.0 bump; the commit
  // that made the failing fingerprint is the config change.
  m_hosts.resize(1);
  const Host& host = m_hosts[0];
  write_configs(/*push=*/true);
  commit_release("2.0.0");
  ASSERT_EQ(run_once(host).exit_code, 0);
  const std::string bump = commit_release("3.0.0");
  ASSERT_EQ(run_once(host).exit_code, 0);
  ASSERT_EQ(http_get(host.port, "/"), "hello 3.0.0\n");
  const std::string config = "config/hello/" + host.id + ".conf";
  m_repo->write(config,
                "port=" + std::to_string(host.port) + "\nmessage=hello\nlisten_backlog=64\n");
  const std::string broken = m_repo->commit("hello: a listen backlog (unknown to this build)");
  m_repo->write("README.md", "# state\n");
  m_repo->commit("a commit that changes nothing the host runs");

  const CommandResult run = run_once(host);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(http_get(host.port, "/"), "hello 3.0.0\n") << "rolled back to the config that passed";
  const nlohmann::json proposal = status_json(host)["services"][0]["revertProposal"];
  ASSERT_TRUE(proposal.is_object()) << status_json(host).dump(2) << run.err;
  EXPECT_EQ(proposal["state"], "pushed") << proposal.dump(2);
  EXPECT_EQ(proposal["revertedCommit"], broken) << "not the version bump " << bump;
  const std::string branch = "tether/revert-" + broken.substr(0, 12);
  EXPECT_EQ(proposal["branch"], branch);
  const auto refs = ls_remote(repo_url());
  ASSERT_EQ(refs.count("refs/heads/" + branch), 1u);
  EXPECT_EQ(refs.count("refs/heads/tether/revert-" + bump.substr(0, 12)), 0u);
  // The proposal restores the config file and keeps 3.0.0 declared.
  const std::string tip = refs.at("refs/heads/" + branch);
  EXPECT_EQ(git_bare({"show", tip + ":" + config}), git_bare({"show", bump + ":" + config}));
  EXPECT_EQ(git_bare({"show", tip + ":services/hello.yaml"}),
            git_bare({"show", bump + ":services/hello.yaml"}));
}

TEST_F(RevertProposalTest, WithPushFalseTheDaemonOnlyRecordsTheProposal) {
  m_hosts.resize(1);
  const Host& host = m_hosts[0];
  write_configs(/*push=*/false);
  commit_release("2.0.0");
  const int api_port = free_port();
  bp::child agent(TETHER_BIN,
                  bp::args = {"run",
                              "--config",
                              host.config.string(),
                              "--interval",
                              "300ms",
                              "--api-listen",
                              "127.0.0.1:" + std::to_string(api_port)},
                  bp::std_out > bp::null,
                  bp::std_err > (m_tmp / "agent.log").string());
  ASSERT_TRUE(eventually([&] { return http_get(host.port, "/") == "hello 2.0.0\n"; },
                         std::chrono::seconds(20)))
      << read_text(m_tmp / "agent.log");
  const auto refs_before_bad = ls_remote(repo_url());
  const std::string bad = commit_release("3.0.0", Build::broken_health);
  const auto refs_before = ls_remote(repo_url());
  ASSERT_NE(refs_before, refs_before_bad);

  // GET /status shows the proposal once the agent rolled back and recorded it.
  nlohmann::json status;
  const bool recorded = eventually(
      [&] {
        status = nlohmann::json::parse(http_get(api_port, "/status"), nullptr, false);
        return !status.is_discarded() && status["services"].size() == 1 &&
               status["services"][0].contains("revertProposal");
      },
      std::chrono::seconds(30));
  // Three more polls: a recorded proposal is not made again.
  const auto polls = [&] {
    const std::string metrics = http_get(api_port, "/metrics");
    const std::string key = "\ntether_git_polls_total ";
    const size_t at = metrics.find(key);
    return at == std::string::npos ? -1LL : std::stoll(metrics.substr(at + key.size()));
  };
  const long long polled = polls();
  EXPECT_TRUE(eventually([&] { return polls() >= polled + 3; }, std::chrono::seconds(20)));
  ::kill(agent.id(), SIGTERM);
  agent.wait();
  ASSERT_TRUE(recorded) << status.dump(2) << read_text(m_tmp / "agent.log");
  const nlohmann::json& proposal = status["services"][0]["revertProposal"];
  EXPECT_EQ(proposal["state"], "recorded");
  EXPECT_EQ(proposal["branch"], "tether/revert-" + bad.substr(0, 12));
  EXPECT_EQ(proposal["revertedCommit"], bad);
  EXPECT_TRUE(proposal["revertCommit"].is_string()) << "the revert was made, just not pushed";
  EXPECT_EQ(proposal["attempts"], 1) << "recorded once, not redone on every poll";
  expect_valid_status(status.dump());
  EXPECT_EQ(ls_remote(repo_url()), refs_before) << "nothing pushed";

  const std::string text = run_command({TETHER_BIN, "status", "--root", host.root.string()}).out;
  EXPECT_NE(text.find("recorded only"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(host.root / "state" / "revert-scratch"))
      << "the scratch repo is removed after the attempt";
  size_t proposal_entries = 0;
  for (const auto& entry : journal(host.root)) {
    if (entry["action"] == "revert-proposal") ++proposal_entries;
  }
  EXPECT_EQ(proposal_entries, 1u) << "one journal event, however many polls ran";
}

TEST_F(RevertProposalTest, ARefusedPushNeverFailsThePassAndIsRetriedLater) {
  m_hosts.resize(1);
  const Host& host = m_hosts[0];
  write_configs(/*push=*/true);
  commit_release("2.0.0");
  ASSERT_EQ(run_once(host).exit_code, 0);
  const std::string bad = commit_release("3.0.0", Build::broken_health);
  // The server refuses every push from now on (branch protection, say).
  const fs::path hook = m_repo->bare() / "hooks" / "pre-receive";
  write_text(hook, "#!/bin/sh\necho 'protected: no pushes today' >&2\nexit 1\n");
  fs::permissions(hook, fs::perms::owner_all);
  const auto refs_before = ls_remote(repo_url());

  const CommandResult run = run_once(host);
  EXPECT_EQ(run.exit_code, 1) << "the rollback fails the pass, as without proposals\n" << run.err;
  EXPECT_EQ(http_get(host.port, "/"), "hello 2.0.0\n");
  EXPECT_EQ(ls_remote(repo_url()), refs_before);
  nlohmann::json proposal = status_json(host)["services"][0]["revertProposal"];
  EXPECT_EQ(proposal["state"], "failed") << proposal.dump(2);
  EXPECT_NE(proposal["error"].get<std::string>().find("tether/revert-" + bad.substr(0, 12)),
            std::string::npos)
      << proposal.dump(2);
  EXPECT_EQ(proposal["attempts"], 1);
  const pid_t pid = pid_of(host);

  // The next pass does not retry yet (the first retry waits 30 s); its exit status is the
  // quarantine's (1: not converged), never the proposal's.
  const size_t entries = journal(host.root).size();
  const CommandResult quiet = run_once(host);
  EXPECT_EQ(quiet.exit_code, 1) << quiet.err;
  EXPECT_EQ(journal(host.root).size(), entries) << "no attempt before its time";
  EXPECT_EQ(pid_of(host), pid);

  // Time passes (the retry time is moved into the past) and the server accepts pushes again.
  fs::remove(hook);
  const fs::path store = host.root / "state" / "revert-proposals.json";
  nlohmann::json records = nlohmann::json::parse(read_text(store));
  records["hello"]["nextAttemptUnix"] = 1;
  write_text(store, records.dump());
  EXPECT_EQ(run_once(host).exit_code, 1);
  proposal = status_json(host)["services"][0]["revertProposal"];
  EXPECT_EQ(proposal["state"], "pushed") << proposal.dump(2);
  EXPECT_EQ(proposal["attempts"], 2);
  EXPECT_EQ(ls_remote(repo_url()).count("refs/heads/tether/revert-" + bad.substr(0, 12)), 1u);
  EXPECT_EQ(pid_of(host), pid) << "proposing never touches the service";
}

}  // namespace
}  // namespace tether::test
