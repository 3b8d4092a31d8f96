#pragma once

// The fleet as Prometheus sees it (`tether fleet status|wait --prometheus`): the agents'
// /metrics, scraped, read back into the HostViews GET /status gives. Pure: no I/O.

#include "analysis/prometheus_answer.hpp"
#include "fleet/host_view.hpp"

#include <map>
#include <string>
#include <vector>

namespace tether::fleet {

/// The metric families a HostView is built from, one instant query each (not one per host).
/// `up` says which targets exist and which are down; the others are the agents' own
/// (api/metrics.cpp, docs/monitoring.md).
[[nodiscard]] const std::vector<std::string>& fleet_families();

/// The instant query for `family` over the agents scraped as job `job`: `family{job="..."}`.
[[nodiscard]] std::string fleet_query(const std::string& family, const std::string& job);

/// Family name -> every sample its query returned (a family Prometheus has no series of may be
/// missing or empty).
using FleetSamples = std::map<std::string, std::vector<VectorSample>>;

/// One HostView per `up` sample, keyed and ordered by its `instance` label (the target, as in
/// a targets file). A target whose `up` is 0 is unreachable ("down in Prometheus", like a
/// refused connection); an agent with no tether_* series yet (no pass finished) answers with no
/// services and no last pass. Samples of instances `up` does not list are ignored. What
/// /metrics does not carry stays empty: a service's lastError, its quarantine's reason and the
/// last pass's problem text.
[[nodiscard]] std::vector<HostView> hosts_from_samples(const FleetSamples& samples);

}  // namespace tether::fleet
