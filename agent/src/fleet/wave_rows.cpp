#include "fleet/wave_rows.hpp"

#include <map>
#include <tuple>

namespace tether::fleet {

std::vector<WaveRow> wave_rows(const std::vector<HostView>& hosts, std::string_view only) {
  std::map<std::tuple<std::string, int, ReleaseView>, WaveRow> rows;
  for (const HostView& host : hosts) {
    for (const ServiceView& service : host.services) {
      if (service.wave < 1 || !service.desired) continue;
      if (!only.empty() && service.service != only) continue;
      WaveRow& row = rows[{service.service, service.wave, *service.desired}];
      row.service = service.service;
      row.wave = service.wave;
      row.release = *service.desired;
      ++row.hosts;
      if (effective_state(service) == FleetState::converged) ++row.converged;
      if (service.waiting == "pause") ++row.pause;
      if (service.waiting == "halted") ++row.halted;
    }
  }
  std::vector<WaveRow> out;
  out.reserve(rows.size());
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

}  // namespace tether::fleet
