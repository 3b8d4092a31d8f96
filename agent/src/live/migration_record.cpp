#include "live/migration_record.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

#include <system_error>

namespace tether {

fs::path migration_record_path(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / "migrations.json";
}

std::map<std::string, std::string> read_migration_states(const Layout& layout,
                                                         const std::string& service) {
  std::map<std::string, std::string> states;
  std::error_code ec;
  const fs::path path = migration_record_path(layout, service);
  if (!fs::exists(path, ec)) return states;
  auto text = read_file(path);
  if (!text) return states;
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);  // must outlive items()
    const auto releases = json.find("releases");
    if (releases == json.end() || !releases->is_object()) return states;
    for (const auto& [dir, entry] : releases->items()) {
      if (entry.is_object() && entry.contains("state") && entry["state"].is_string())
        states.emplace(dir, entry["state"].get<std::string>());
    }
  } catch (const nlohmann::json::exception&) {
    states.clear();
  }
  return states;
}

Status record_migration_state(const Layout& layout,
                              const std::string& service,
                              const std::string& dir,
                              const std::string& state) {
  nlohmann::json releases = nlohmann::json::object();
  std::error_code ec;
  for (const auto& [known, recorded] : read_migration_states(layout, service)) {
    if (fs::is_directory(layout.release_dir(service, known), ec))
      releases[known] = {{"state", recorded}};
  }
  releases[dir] = {{"state", state}, {"recordedAt", now_rfc3339()}};
  const nlohmann::json json = {{"releases", releases}};
  return write_file_atomic(migration_record_path(layout, service), json_text(json, 2) + "\n");
}

}  // namespace tether
