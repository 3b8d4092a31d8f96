#include "live/release_record.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"
#include "core/layout.hpp"
#include "live/spec_json.hpp"

#include <nlohmann/json.hpp>

namespace tether {

std::string to_json_text(const ReleaseRecord& r) {
  nlohmann::json json = {
      {"service", r.service},
      {"version", r.id.version},
      {"commit", r.id.commit},
      {"binary", {{"path", r.binary_path}, {"sha256", r.id.binary_sha256}}},
      {"artifact", {{"url", r.artifact_url}, {"sha256", r.artifact_sha256}}},
      {"config", {{"hash", r.id.config_hash}, {"files", r.config_digests}}},
      {"stateCommit", r.state_commit},
      {"installedAt", r.installed_at},
  };
  if (r.run) json["run"] = run_to_json(*r.run);
  if (r.health) json["health"] = health_to_json(*r.health);
  if (!r.secret_targets.empty()) json["config"]["secretTargets"] = r.secret_targets;
  if (!r.shared.empty()) json["shared"] = {{"dirs", r.shared.dirs}, {"files", r.shared.files}};
  return json_text(json, 2) + "\n";
}

Result<ReleaseRecord> release_record_from_json(const std::string& text) {
  try {
    const auto json = nlohmann::json::parse(text);
    ReleaseRecord r;
    r.service = json.at("service").get<std::string>();
    r.id.version = json.at("version").get<std::string>();
    r.id.commit = json.at("commit").get<std::string>();
    r.binary_path = json.at("binary").at("path").get<std::string>();
    r.id.binary_sha256 = json.at("binary").at("sha256").get<std::string>();
    r.artifact_url = json.at("artifact").at("url").get<std::string>();
    r.artifact_sha256 = json.at("artifact").at("sha256").get<std::string>();
    r.id.config_hash = json.at("config").at("hash").get<std::string>();
    r.config_digests = json.at("config").at("files").get<std::map<std::string, std::string>>();
    r.secret_targets = json.at("config").value("secretTargets", std::set<std::string>{});
    r.state_commit = json.at("stateCommit").get<std::string>();
    r.installed_at = json.at("installedAt").get<std::string>();
    if (json.contains("run")) r.run = run_from_json(json.at("run"));
    if (json.contains("health")) r.health = health_from_json(json.at("health"));
    if (json.contains("shared")) {
      r.shared.dirs = json.at("shared").value("dirs", std::vector<std::string>{});
      r.shared.files = json.at("shared").value("files", std::vector<std::string>{});
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("invalid release.json: ") + e.what(), ""};
  }
}

Result<ReleaseRecord> read_release_record(const std::filesystem::path& release_dir) {
  auto text = read_file(release_dir / k_release_record);
  if (!text) return text.error();
  auto record = release_record_from_json(*text);
  if (!record) return record.error().with_context((release_dir / k_release_record).string());
  return record;
}

}  // namespace tether
