#pragma once

#include "command.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>

namespace tether::test {

/// A hello release artifact built by scripts/make-release.sh from the built example binary.
struct HelloRelease {
  std::string version;
  std::string commit;  ///< a made-up 40-hex source commit, distinct per version
  std::filesystem::path artifact;
  std::string artifact_sha256;
  std::string binary_sha256;
};

/// How a hello build behaves (make-release.sh markers).
/// failing_requests: every 10th GET / answers 500 while /healthz stays green (FAIL_RATE 0.1).
enum class Build { healthy, broken_health, crash_at_start, failing_requests };

/// Everything an end-to-end test needs: a state repo served by a real `git daemon`, release
/// artifacts on disk, an agent root, and the real `tether` binary. Services started by the
/// agent are killed at teardown (they outlive `tether` by design).
class AgentTest : public ::testing::Test {
 protected:
  AgentTest();
  ~AgentTest() override;

  /// Builds (once per version) hello-<version>.tar.gz; a broken `build` for health tests.
  const HelloRelease& release(const std::string& version, Build build = Build::healthy);
  /// services/hello.yaml for `r`; `artifact_sha256` overrides the real digest when set.
  std::string hello_manifest(const HelloRelease& r, const std::string& artifact_sha256 = "") const;
  /// m_health with this test's port filled in.
  std::string health_section() const;
  /// hosts/<host_id>.yaml giving that host hello on its own `port` (config file and health
  /// probe), with `labels` ("{role: web}") when set, and the config file it names. Not committed.
  void write_hello_host(const std::string& host_id, int port, const std::string& labels = "");
  /// services/<name>.yaml and config/<name>/hello.conf: hello `r` listening on `port` and
  /// saying "<name>", its HTTP gate probing `probed_port` every `interval` until `successes`
  /// in a row (deadline 3 s), after `depends_on` when set. Not committed.
  void write_named_hello(const std::string& name,
                         const HelloRelease& r,
                         int port,
                         int probed_port,
                         const std::string& interval,
                         int successes,
                         const std::string& depends_on = "");
  /// Commits the hello manifest (and its config file) for `version`; returns the state commit.
  std::string commit_hello(const std::string& version, Build build = Build::healthy);

  /// Commits hello `version`, runs the agent once and waits until the service answers it.
  /// Fatal-fails the test otherwise: wrap in ASSERT_NO_FATAL_FAILURE.
  void deploy(const std::string& version);

  /// `tether <args...> --root <root>`, plus `--repo/--host-id` for `run`.
  CommandResult tether(std::vector<std::string> args) const;

  /// The agent as a daemon: `tether run --interval INTERVAL` (with `--api-listen` on
  /// 127.0.0.1:`api_port` when not 0, then `extra`) in the background, its log in
  /// m_tmp/agent.log. SIGKILLed at the end of the test unless stopped before.
  pid_t start_daemon(const std::string& interval,
                     int api_port = 0,
                     const std::vector<std::string>& extra = {});
  /// SIGTERMs the daemon, as an init system stops it, and waits: its exit status.
  int stop_daemon();
  /// The daemon's log so far.
  [[nodiscard]] std::string daemon_log() const { return read_text(m_tmp / "agent.log"); }
  /// What the hello service answers on GET / ("" if nothing).
  std::string hello_says() const { return http_get(m_port, "/"); }
  /// Waits up to 15 s for hello to answer `expected`.
  bool hello_eventually_says(const std::string& expected) const;

  /// Holds a GET /status `document` to manifests-schema/status.schema.json (python3-jsonschema).
  void expect_valid_status(const std::string& document) const;

  /// The pid the agent recorded for the hello service (0 when none is recorded).
  [[nodiscard]] pid_t service_pid() const;
  /// The release dir `current` points at ("" if none).
  std::string current_release_dir() const;
  std::string release_dir_of(const std::string& version);
  /// The state repo `tether run` is pointed at: the git daemon's, unless m_repo_url is set.
  [[nodiscard]] std::string repo_url() const {
    return m_repo_url.empty() ? m_daemon->url("state.git") : m_repo_url;
  }

  TempDir m_tmp;
  std::filesystem::path m_root;
  std::unique_ptr<StateRepo> m_repo;
  std::unique_ptr<GitDaemon> m_daemon;
  int m_port = 0;
  std::string m_repo_url;
  std::map<std::string, HelloRelease> m_releases;
  pid_t m_daemon_pid = 0;  ///< start_daemon()'s, until stop_daemon()
  /// The health: section every hello manifest gets (fast timings for tests).
  std::string m_health =
      "  health:\n    http: {url: \"http://127.0.0.1:PORT/healthz\"}\n"
      "    timeout: 1s\n    interval: 100ms\n    successes: 2\n    deadline: 4s\n";
};

/// Lines of `text`, split on '\n', without empty ones.
std::vector<std::string> lines_of(const std::string& text);

/// The agent's journal under `root`, one JSON object per line.
std::vector<nlohmann::json> journal(const std::filesystem::path& root);

}  // namespace tether::test
