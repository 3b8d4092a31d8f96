#include "apply/history_store.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace tether {
namespace {

nlohmann::json to_json(const ServiceHistory& h) {
  nlohmann::json json = {{"lastGood", h.last_good_dir}};
  if (!h.previous_good_dir.empty()) json["previousGood"] = h.previous_good_dir;
  if (!h.failed_dirs.empty()) json["failed"] = h.failed_dirs;
  if (!h.migrations_accepted_from.empty())
    json["migrationsAcceptedFrom"] = h.migrations_accepted_from;
  if (h.quarantine) {
    const Quarantine& q = *h.quarantine;
    json["quarantine"] = {{"dir", q.dir_name},
                          {"version", q.version},
                          {"commit", q.commit},
                          {"specDigest", q.spec_digest},
                          {"reason", q.reason},
                          {"time", q.time}};
  }
  return json;
}

ServiceHistory from_json(const nlohmann::json& json) {
  ServiceHistory h;
  h.last_good_dir = json.value("lastGood", "");
  h.previous_good_dir = json.value("previousGood", "");
  h.migrations_accepted_from = json.value("migrationsAcceptedFrom", "");
  if (const auto failed = json.find("failed"); failed != json.end() && failed->is_array()) {
    for (const auto& dir : *failed) {
      if (dir.is_string()) h.failed_dirs.push_back(dir.get<std::string>());
    }
  }
  if (json.contains("quarantine") && json["quarantine"].is_object()) {
    const auto& q = json["quarantine"];
    h.quarantine = Quarantine{q.value("dir", ""),
                              q.value("version", ""),
                              q.value("commit", ""),
                              q.value("specDigest", ""),
                              q.value("reason", ""),
                              q.value("time", "")};
  }
  return h;
}

}  // namespace

Result<History> HistoryStore::load() const {
  if (!std::filesystem::exists(m_path)) return History{};
  auto text = read_file(m_path);
  if (!text) return text.error();
  try {
    History history;
    const nlohmann::json json = nlohmann::json::parse(*text);  // must outlive items()
    for (const auto& [service, entry] : json.items()) history[service] = from_json(entry);
    return history;
  } catch (const nlohmann::json::exception& e) {
    return Error{m_path.string() + " is not valid JSON: " + e.what(),
                 "move it aside; quarantines and last-good marks start afresh"};
  }
}

Status HistoryStore::save(const History& history) const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [service, entry] : history) json[service] = to_json(entry);
  if (Status made = make_dirs(m_path.parent_path()); !made) return made;
  return write_file_atomic(m_path, json_text(json, 2) + "\n");
}

}  // namespace tether
