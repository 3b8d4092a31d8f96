#pragma once

#include "agent_fixture.hpp"
#include "archive_builder.hpp"
#include "hostile_http_server.hpp"

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

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

  /// Deploys v1 and starts the daemon; fatal-fails if it cannot.
  void start_host();
  /// The catalogue (hostile_input_test.cpp): refused commits, a broken Git remote, poisoned or
  /// unreachable artifacts and a disk that refuses them.
  std::vector<HostileCase> manifest_cases();
  std::vector<HostileCase> git_cases();
  std::vector<HostileCase> artifact_cases();
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
  /// SIGHUP, then waits for the pass to finish; returns GET /status.
  nlohmann::json poll_now();
  [[nodiscard]] nlohmann::json api_status() const;
  [[nodiscard]] std::filesystem::path releases() const {
    return m_root / "services/hello/releases";
  }

  HostileHttpServer m_http;
  int m_api_port = 0;
  std::optional<boost::process::child> m_agent;
  std::string m_v1_dir;
  pid_t m_service_pid = 0;
  bool m_mounted = false;
};

/// sha256sum of a file.
std::string sha256_of(const std::filesystem::path& file);

}  // namespace tether::test
