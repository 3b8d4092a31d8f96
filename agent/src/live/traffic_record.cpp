#include "live/traffic_record.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace tether {

std::filesystem::path traffic_record_file(const Layout& layout, const std::string& service) {
  return layout.pid_file(service).parent_path() / "traffic.json";
}

Status write_traffic_record(const std::filesystem::path& file, const TrafficRecord& record) {
  const nlohmann::json json = {{"port", record.port},
                               {"release", record.release},
                               {"proxy", record.proxy},
                               {"since", record.since}};
  // A container service has no run directory of its own until its first switch writes here.
  if (Status made = make_dirs(file.parent_path()); !made) return made;
  return write_file_atomic(file, json_text(json) + "\n");
}

std::optional<TrafficRecord> read_traffic_record(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return std::nullopt;
  try {
    const auto json = nlohmann::json::parse(*text);
    return TrafficRecord{json.at("port").get<int>(),
                         json.value("release", ""),
                         json.value("proxy", ""),
                         json.value("since", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace tether
