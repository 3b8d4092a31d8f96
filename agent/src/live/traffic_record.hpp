#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tether {

/// Where a blue-green service's proxy sends new clients, as the switch last set it and read it
/// back (`services/<name>/run/traffic.json`). Written at every move of the proxy (to the new
/// release, and back), so during a switch it names the release that takes traffic while the
/// pid records still name the old one as serving. `tether status` and GET /status show it.
struct TrafficRecord {
  int port = 0;
  std::string release;  ///< the release dir listening on that port
  std::string proxy;    ///< the proxy, as its driver describes it
  std::string since;    ///< RFC 3339 UTC: when the proxy was moved
  bool operator==(const TrafficRecord&) const = default;
};

[[nodiscard]] std::filesystem::path traffic_record_file(const Layout& layout,
                                                        const std::string& service);
[[nodiscard]] Status write_traffic_record(const std::filesystem::path& file,
                                          const TrafficRecord& record);
/// nullopt when there is none (a restart-switched service) or it cannot be parsed.
[[nodiscard]] std::optional<TrafficRecord> read_traffic_record(const std::filesystem::path& file);

}  // namespace tether
