#include "apply/drill_store.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

#include <system_error>

namespace tether {

std::filesystem::path drills_path(const Layout& layout) {
  return layout.state_dir() / "drills.json";
}

DrillRecords DrillStore::load() const {
  DrillRecords drills;
  std::error_code ec;
  if (!std::filesystem::exists(m_path, ec)) return drills;
  auto text = read_file(m_path);
  if (!text) return drills;
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);  // must outlive items()
    for (const auto& [service, entry] : json.items()) {
      if (!entry.is_object()) continue;
      drills[service] = DrillRecord{entry.value("time", ""),
                                    entry.value("finished", 0.0),
                                    entry.value("ok", false),
                                    entry.value("rollbackSeconds", 0.0),
                                    entry.value("backSeconds", 0.0)};
    }
  } catch (const nlohmann::json::exception&) {
    drills.clear();
  }
  return drills;
}

Status DrillStore::record(const std::string& service, const DrillRecord& drill) const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, known] : load()) {
    json[name] = {{"time", known.time},
                  {"finished", known.finished_unix_seconds},
                  {"ok", known.ok},
                  {"rollbackSeconds", known.rollback_seconds},
                  {"backSeconds", known.back_seconds}};
  }
  json[service] = {{"time", drill.time},
                   {"finished", drill.finished_unix_seconds},
                   {"ok", drill.ok},
                   {"rollbackSeconds", drill.rollback_seconds},
                   {"backSeconds", drill.back_seconds}};
  if (Status made = make_dirs(m_path.parent_path()); !made) return made;
  return write_file_atomic(m_path, json_text(json, 2) + "\n");
}

}  // namespace tether
