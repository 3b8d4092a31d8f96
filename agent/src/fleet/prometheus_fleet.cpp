#include "fleet/prometheus_fleet.hpp"

#include "core/files.hpp"

#include <chrono>
#include <cmath>

namespace tether::fleet {
namespace {

using Samples = std::vector<VectorSample>;

const Samples& samples_of(const FleetSamples& samples, const char* family) {
  static const Samples none;
  const auto it = samples.find(family);
  return it == samples.end() ? none : it->second;
}

std::string label_of(const VectorSample& sample, const char* name) {
  const auto it = sample.labels.find(name);
  return it == sample.labels.end() ? std::string() : it->second;
}

/// An info or 0/1 family's "yes": the sample is there and reads 1.
bool set(const VectorSample& sample) { return sample.value == 1; }

/// What one agent's series say, gathered before they become a HostView.
struct ScrapedAgent {
  HostView host;
  std::map<std::string, ServiceView> services;  ///< by name
  std::map<std::string, bool> declared;         ///< services with a tether_service_state
  bool refused = false;
  bool unreachable = false;

  ServiceView& service(const std::string& name) {
    ServiceView& view = services[name];
    view.service = name;
    return view;
  }
};

/// `instance` -> its agent, for every target `up` lists.
using Agents = std::map<std::string, ScrapedAgent>;

Agents agents_from_up(const Samples& up) {
  Agents agents;
  for (const VectorSample& sample : up) {
    const std::string instance = label_of(sample, "instance");
    if (instance.empty()) continue;
    ScrapedAgent& agent = agents[instance];
    agent.host.target = instance;
    if (!set(sample)) agent.host.problem = "down in Prometheus (up == 0: its last scrape failed)";
  }
  return agents;
}

/// Calls `add(agent, sample)` for every sample of `family` whose instance is an answering agent.
template <typename Add>
void each_sample(Agents& agents, const FleetSamples& samples, const char* family, Add add) {
  for (const VectorSample& sample : samples_of(samples, family)) {
    const auto it = agents.find(label_of(sample, "instance"));
    if (it != agents.end() && it->second.host.reachable()) add(it->second, sample);
  }
}

void add_agent_facts(Agents& agents, const FleetSamples& samples) {
  each_sample(agents, samples, "tether_agent_info", [](ScrapedAgent& agent, const auto& sample) {
    if (set(sample)) agent.host.host = label_of(sample, "host_id");
  });
  each_sample(agents, samples, "tether_state_info", [](ScrapedAgent& agent, const auto& sample) {
    if (!set(sample)) return;
    agent.host.desired_commit = label_of(sample, "applied");
    agent.host.tip_commit = label_of(sample, "tip");
  });
  each_sample(agents, samples, "tether_state_refused", [](ScrapedAgent& agent, const auto& sample) {
    agent.refused = set(sample);
  });
  each_sample(
      agents, samples, "tether_state_unreachable", [](ScrapedAgent& agent, const auto& sample) {
        agent.unreachable = set(sample);
      });
  each_sample(agents,
              samples,
              "tether_last_reconcile_timestamp_seconds",
              [](ScrapedAgent& agent, const auto& sample) {
                if (!std::isfinite(sample.value) || sample.value < 0) return;
                const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::duration<double>(sample.value));
                agent.host.last_pass = LastPass{
                    rfc3339_of(std::chrono::system_clock::time_point(since_epoch)), "", ""};
              });
}

void add_service_facts(Agents& agents, const FleetSamples& samples) {
  each_sample(agents, samples, "tether_service_state", [](ScrapedAgent& agent, const auto& sample) {
    if (!set(sample)) return;
    const std::string name = label_of(sample, "service");
    agent.service(name).state = folded_state(label_of(sample, "state"));
    agent.declared[name] = true;
  });
  each_sample(
      agents, samples, "tether_desired_release_info", [](ScrapedAgent& agent, const auto& sample) {
        if (!set(sample)) return;
        agent.service(label_of(sample, "service")).desired = ReleaseView{
            label_of(sample, "version"), label_of(sample, "commit"), label_of(sample, "image")};
      });
  each_sample(agents, samples, "tether_service_info", [](ScrapedAgent& agent, const auto& sample) {
    if (!set(sample)) return;
    agent.service(label_of(sample, "service")).current =
        ReleaseView{label_of(sample, "version"), label_of(sample, "commit"), ""};
  });
  each_sample(agents, samples, "tether_rollout_wave", [](ScrapedAgent& agent, const auto& sample) {
    if (std::isfinite(sample.value) && sample.value >= 1 && sample.value <= 1000)
      agent.service(label_of(sample, "service")).wave = static_cast<int>(sample.value);
  });
  each_sample(
      agents, samples, "tether_rollout_waiting", [](ScrapedAgent& agent, const auto& sample) {
        if (set(sample))
          agent.service(label_of(sample, "service")).waiting = label_of(sample, "reason");
      });
}

/// The outcome GET /status names: the flags for a refused tip or an unreachable repo; else
/// failed when a service's last attempt failed.
std::string outcome_of(const ScrapedAgent& agent) {
  if (agent.refused) return "refused";
  if (agent.unreachable) return "unreachable";
  for (const auto& [name, service] : agent.services) {
    if (service.state == FleetState::failed) return "failed";
  }
  return "converged";
}

HostView finished(ScrapedAgent agent) {
  HostView host = std::move(agent.host);
  if (!host.reachable()) return host;
  for (auto& [name, service] : agent.services) {
    if (service.service.empty()) continue;  // a sample without a service label
    if (!agent.declared.contains(name)) {
      // Live on disk but not declared for this host, as GET /status says it.
      service.state = FleetState::undeclared;
      service.desired.reset();
    } else if (!service.desired) {
      service.desired = ReleaseView{};
    }
    host.services.push_back(std::move(service));  // by name: a std::map's order
  }
  if (host.last_pass) host.last_pass->outcome = outcome_of(agent);
  return host;
}

}  // namespace

const std::vector<std::string>& fleet_families() {
  static const std::vector<std::string> families = {"up",
                                                    "tether_agent_info",
                                                    "tether_state_info",
                                                    "tether_state_refused",
                                                    "tether_state_unreachable",
                                                    "tether_last_reconcile_timestamp_seconds",
                                                    "tether_service_state",
                                                    "tether_desired_release_info",
                                                    "tether_service_info",
                                                    "tether_rollout_wave",
                                                    "tether_rollout_waiting"};
  return families;
}

std::string fleet_query(const std::string& family, const std::string& job) {
  std::string quoted;
  for (const char c : job) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c == '\n' ? ' ' : c;
  }
  return family + "{job=\"" + quoted + "\"}";
}

std::vector<HostView> hosts_from_samples(const FleetSamples& samples) {
  Agents agents = agents_from_up(samples_of(samples, "up"));
  add_agent_facts(agents, samples);
  add_service_facts(agents, samples);
  std::vector<HostView> hosts;
  hosts.reserve(agents.size());
  for (auto& [instance, agent] : agents) hosts.push_back(finished(std::move(agent)));
  return hosts;
}

}  // namespace tether::fleet
