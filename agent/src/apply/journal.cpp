#include "apply/journal.hpp"

#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace tether {
namespace {

nlohmann::json release_json(const std::optional<JournalRelease>& release) {
  if (!release) return nullptr;
  return {{"version", release->version}, {"commit", release->commit}, {"dir", release->dir}};
}

std::optional<JournalRelease> release_from(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  return JournalRelease{json.value("version", ""), json.value("commit", ""), json.value("dir", "")};
}

bool ends_without_newline(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0) return false;
  in.seekg(-1, std::ios::end);
  char last = '\n';
  in.get(last);
  return last != '\n';
}

/// Crash tests: writes half of `line` (no newline), as a power cut mid-write would, and dies.
[[noreturn]] void tear_and_die(const std::filesystem::path& path, const std::string& line) {
  std::ofstream(path, std::ios::app | std::ios::binary) << line.substr(0, line.size() / 2);
  fault::die();
}

}  // namespace

JournalRelease journal_release(const ReleaseId& id) {
  return JournalRelease{id.version, id.commit, id.dir_name()};
}

std::optional<JournalRelease> journal_release(const std::optional<ReleaseId>& id) {
  if (!id) return std::nullopt;
  return journal_release(*id);
}

std::string to_json_line(const JournalEntry& e) {
  nlohmann::json json = {{"time", e.time},
                         {"stateCommit", e.state_commit},
                         {"service", e.service},
                         {"action", e.action},
                         {"from", release_json(e.from)},
                         {"to", release_json(e.to)},
                         {"result", e.result}};
  if (!e.error.empty()) json["error"] = e.error;
  if (!e.reason.empty()) json["reason"] = e.reason;
  if (!e.started.empty()) json["started"] = e.started;
  if (!e.strategy.empty()) json["strategy"] = e.strategy;
  // Errors quote hostile input (archive entry names) that may not be UTF-8: replace, not throw.
  return json_text(json);
}

std::optional<JournalEntry> from_json_line(const std::string& line) {
  if (line.empty()) return std::nullopt;
  try {
    const auto json = nlohmann::json::parse(line);
    return JournalEntry{json.value("time", ""),
                        json.value("stateCommit", ""),
                        json.value("service", ""),
                        json.value("action", ""),
                        release_from(json.value("from", nlohmann::json())),
                        release_from(json.value("to", nlohmann::json())),
                        json.value("result", ""),
                        json.value("error", ""),
                        json.value("reason", ""),
                        json.value("started", ""),
                        json.value("strategy", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // torn line from a crash mid-append
  }
}

Status Journal::append(const JournalEntry& entry) const {
  if (Status made = make_dirs(m_path.parent_path()); !made) return made;
  // A crash mid-append leaves a torn last line; start on a fresh line so this entry is not
  // glued to the fragment and lost with it.
  std::string line = to_json_line(entry);
  if (ends_without_newline(m_path)) line.insert(0, "\n");
  if (fault::hit("mid-journal-write")) tear_and_die(m_path, line);
  return append_line_synced(m_path, line);
}

Result<std::vector<JournalEntry>> Journal::read_all() const {
  std::vector<JournalEntry> entries;
  std::ifstream in(m_path);
  if (!in) {
    if (!std::filesystem::exists(m_path)) return entries;
    return Error{"cannot read " + m_path.string() + ": " + errno_text(), ""};
  }
  std::string line;
  while (std::getline(in, line)) {
    if (auto entry = from_json_line(line)) entries.push_back(std::move(*entry));
  }
  return entries;
}

}  // namespace tether
