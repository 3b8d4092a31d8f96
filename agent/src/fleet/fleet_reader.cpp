#include "fleet/fleet_reader.hpp"

#include "analysis/prometheus_client.hpp"
#include "fleet/prometheus_fleet.hpp"

namespace tether::fleet {

Result<std::vector<HostView>> AgentsReader::read(Millis timeout) {
  std::vector<HostView> hosts;
  for (const Reply& reply : m_source.fetch(m_targets, timeout)) hosts.push_back(host_view(reply));
  return hosts;
}

Result<std::vector<HostView>> PrometheusReader::read(Millis timeout) {
  const PrometheusClient client(PrometheusConfig{m_url, timeout}, k_max_answer_bytes);
  FleetSamples samples;
  for (const std::string& family : fleet_families()) {
    const std::string query = fleet_query(family, m_job);
    auto answer = client.query_vector(query);
    if (!answer) {
      Error error = answer.error().with_context("query " + query);
      // It answered, but not as Prometheus' query API does.
      if (error.hint.empty() && error.message.find("cannot ask") == std::string::npos)
        error.hint = "is --prometheus the Prometheus server that scrapes the agents?";
      return error;
    }
    samples[family] = std::move(*answer);
  }
  if (samples["up"].empty())
    return Error{"Prometheus at " + m_url + " scrapes no target of job \"" + m_job + "\"",
                 "name the job that scrapes the agents' /metrics with --job"};
  return hosts_from_samples(samples);
}

}  // namespace tether::fleet
