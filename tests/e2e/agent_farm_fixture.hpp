#pragma once

#include "agent_fixture.hpp"

#include <boost/process.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace tether::test {

/// One of an AgentFarmTest's agents: a real `tether run` with its own root, API port and hello.
struct FarmAgent {
  std::string id;
  int port = 0;      ///< where its hello listens
  int api_port = 0;  ///< its GET /status and /metrics
  std::filesystem::path root;
  boost::process::child process;
};

/// Several real agents on one state repo (the fleet commands' tests): each its own host file,
/// root, hello port and API port, and one more port nobody listens on (a host that is gone).
/// Agents and the services they started are stopped at teardown; a failing test prints every
/// agent's log.
class AgentFarmTest : public AgentTest {
 protected:
  /// Agents named `<prefix>-1` .. `<prefix>-<count>`.
  AgentFarmTest(const std::string& prefix, int count);
  ~AgentFarmTest() override;
  void TearDown() override;

  /// hello `version` for every agent, each on its own port (its host file overrides the
  /// config file and the health probe), committed; the state commit.
  std::string commit_release(const std::string& version, Build build = Build::healthy);
  /// `tether run` for every agent, polling every `interval`.
  void start_agents(const std::string& interval);

  int m_dead_port;
  std::vector<FarmAgent> m_agents;
};

}  // namespace tether::test
