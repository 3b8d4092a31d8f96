#include "agent_farm_fixture.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <signal.h>

namespace tether::test {

namespace bp = boost::process;
namespace fs = std::filesystem;

AgentFarmTest::AgentFarmTest(const std::string& prefix, int count) : m_dead_port(free_port()) {
  for (int i = 1; i <= count; ++i) {
    FarmAgent agent;
    agent.id = prefix + "-" + std::to_string(i);
    agent.port = free_port();
    agent.api_port = free_port();
    agent.root = m_tmp / ("root-" + agent.id);
    m_agents.push_back(std::move(agent));
  }
}

AgentFarmTest::~AgentFarmTest() {
  for (FarmAgent& agent : m_agents) {
    if (agent.process.valid() && agent.process.running()) {
      ::kill(agent.process.id(), SIGTERM);
      agent.process.wait();
    }
    // The services outlive their agent by design: their process groups go too.
    std::error_code ec;
    for (const auto& service : fs::directory_iterator(agent.root / "services", ec)) {
      const std::string text = read_text(service.path() / "run" / "exec.pid");
      if (!text.empty()) ::kill(-nlohmann::json::parse(text).at("pid").get<pid_t>(), SIGKILL);
    }
  }
}

void AgentFarmTest::TearDown() {
  if (!HasFailure()) return;
  for (const FarmAgent& agent : m_agents)
    std::cerr << "--- " << agent.id << " log:\n" << read_text(m_tmp / (agent.id + ".log"));
}

std::string AgentFarmTest::commit_release(const std::string& version, Build build) {
  for (const FarmAgent& agent : m_agents) write_hello_host(agent.id, agent.port);
  m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
  m_repo->write("services/hello.yaml", hello_manifest(release(version, build)));
  return m_repo->commit("hello " + version);
}

void AgentFarmTest::start_agents(const std::string& interval) {
  for (FarmAgent& agent : m_agents) {
    agent.process = bp::child(TETHER_BIN,
                              bp::args = {"run",
                                          "--interval",
                                          interval,
                                          "--repo",
                                          repo_url(),
                                          "--root",
                                          agent.root.string(),
                                          "--host-id",
                                          agent.id,
                                          "--api-listen",
                                          "127.0.0.1:" + std::to_string(agent.api_port)},
                              bp::std_out > bp::null,
                              bp::std_err > (m_tmp / (agent.id + ".log")).string());
  }
}

}  // namespace tether::test
