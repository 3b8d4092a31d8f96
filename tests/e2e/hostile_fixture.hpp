#pragma once

#include "agent_fixture.hpp"
#include "archive_builder.hpp"
#include "hostile_http_server.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

namespace tether::test {

/// One hostile input: how to inflict it, what its error must say, and how to undo it.
struct HostileCase {
  std::string name;
  /// Changes the world after the state repo's work tree was reset to the good v1 files.
  /// Whatever it leaves changed in the work tree is committed and pushed.
  std::function<void()> arrange;
  /// Substrings the error must contain in GET /status and `tether status`: the file, field or
  /// URL it is about, and what is wrong.
  std::vector<std::string> expect;
  std::function<void()> restore = [] {};
};

/// A host serving hello 1.0.0 with one `tether run` daemon (SIGHUP polls), a hostile artifact
/// server, and a small tmpfs as its releases dir (to fill it, make it read-only or immutable).
/// Every case runs against the same agent, which must survive them all.
class HostileTest : public AgentTest {
 protected:
  HostileTest();
  ~HostileTest() override;

  /// Deploys v1 and starts the daemon (notify.url and a webhook secret configured); fatal-fails
  /// if it cannot.
  void start_host();
  /// The catalogue (hostile_input_test.cpp): refused commits, a broken Git remote, poisoned or
  /// unreachable artifacts and a disk that refuses them.
  std::vector<HostileCase> manifest_cases();
  std::vector<HostileCase> git_cases();
  std::vector<HostileCase> artifact_cases();
  /// Issue #18 (hostile_archive_cases.cpp, hostile_bounds_cases.cpp): archives that try to
  /// escalate or corrupt, and inputs that try to exhaust the parser or the tree reader.
  std::vector<HostileCase> archive_cases();
  std::vector<HostileCase> bounds_cases();
  /// Slow-loris and greedy clients against the API (hostile_api.cpp): /status, /metrics and
  /// the webhook keep answering, every slow connection is cut at its deadline.
  void check_api_under_slow_clients();
  /// A good release whose archive carries setuid bits, world-writable files and a config
  /// target hard-linked to the binary installs with all of it defused (hostile_api.cpp).
  void check_release_is_defused(const std::string& version);
  /// SIGTERM, with a slow client connected: the agent exits 0 within 5 s.
  void check_stops_promptly();
  /// Inflicts `c`, makes the agent poll once and checks the four outcomes.
  void check(const HostileCase& c);

  /// Writes exactly the good v1 state into the work tree (other files removed).
  void reset_work_tree() const;
  /// services/hello.yaml: v2 with this artifact URL and digest (the real ones when empty).
  void declare_v2_artifact(const std::string& url, const std::string& sha256 = "");
  /// A tar.gz of `entries` in m_tmp; returns its file:// URL and sets `sha256`.
  std::string hostile_tarball(const std::string& name,
                              const std::vector<ArchiveEntry>& entries,
                              std::string& sha256) const;
  /// services/hello.yaml for v2 from the tarball of `entries`, with `limits` (a YAML flow
  /// mapping such as "{maxFiles: 10}") when given.
  void declare_v2_tarball(const std::string& name,
                          const std::vector<ArchiveEntry>& entries,
                          const std::string& limits = "");
  /// SIGHUP (or a signed POST /sync: `webhook`), then waits for the pass to finish; returns
  /// GET /status.
  nlohmann::json poll_now(bool webhook = false);
  /// POST /sync with `body` signed by the webhook secret (or not): status code and body.
  std::pair<int, std::string> post_sync(const std::string& body, bool sign) const;
  /// How many events the agent's notifier has delivered to notify.url so far.
  [[nodiscard]] int notifications() const;
  [[nodiscard]] nlohmann::json api_status() const;
  [[nodiscard]] std::filesystem::path releases() const {
    return m_root / "services/hello/releases";
  }

  HostileHttpServer m_http;
  /// notify.url: counts the events the agent POSTs (its notifier thread runs all along).
  struct NotifyHook;
  std::unique_ptr<NotifyHook> m_hook;
  std::string m_webhook_secret = "hostile-test-secret";
  int m_api_port = 0;
  std::optional<boost::process::child> m_agent;
  std::string m_v1_dir;
  pid_t m_service_pid = 0;
  bool m_mounted = false;
};

/// sha256sum of a file.
std::string sha256_of(const std::filesystem::path& file);

}  // namespace tether::test
