#include "apply/journal.hpp"
#include "cli/commands.hpp"
#include "core/files.hpp"
#include "core/layout.hpp"
#include "live/live_probe.hpp"
#include "live/process_record.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tether {
namespace {

const char* process_text(ProcessState state) {
  switch (state) {
    case ProcessState::running:
      return "running";
    case ProcessState::stopped:
      return "not running";
    case ProcessState::not_supervised:
      break;
  }
  return "not supervised";
}

/// The newest journal entry per service.
std::map<std::string, JournalEntry> last_entries(const Layout& layout) {
  std::map<std::string, JournalEntry> last;
  if (auto entries = Journal(layout.journal()).read_all()) {
    for (const auto& entry : *entries) {
      if (entry.action != "prune") last[entry.service] = entry;
    }
  }
  return last;
}

nlohmann::json service_json(const LiveService& s, const JournalEntry* last) {
  const InstalledRelease* current = s.current();
  nlohmann::json json = {{"service", s.name}, {"process", process_text(s.process)}};
  json["current"] = current ? nlohmann::json{{"version", current->id.version},
                                             {"commit", current->id.commit},
                                             {"dir", current->dir_name},
                                             {"intact", current->intact},
                                             {"damage", current->damage}}
                            : nlohmann::json(nullptr);
  json["installed"] = s.installed.size();
  if (last) json["lastChange"] = nlohmann::json::parse(to_json_line(*last));
  return json;
}

std::string service_text(const Layout& layout, const LiveService& s, const JournalEntry* last) {
  const InstalledRelease* current = s.current();
  std::string out = s.name + "\n";
  if (current) {
    out += "  live:     " + current->id.short_text() + "  (releases/" + current->dir_name + ")\n";
    if (!current->intact) out += "  DAMAGED:  " + current->damage + "; the next run repairs it\n";
  } else {
    out += "  live:     nothing (current " +
           (s.current_dir ? "points at unknown " + *s.current_dir : "is absent") + ")\n";
  }
  std::string process = process_text(s.process);
  if (auto record = read_process_record(layout.pid_file(s.name));
      record && s.process == ProcessState::running) {
    process += ", pid " + std::to_string(record->pid);
  }
  out += "  process:  " + process + "\n";
  out += "  releases: " + std::to_string(s.installed.size()) + " installed\n";
  if (last) {
    out += "  last:     " + last->action + " " + (last->to ? last->to->version : "") + " at " +
           last->time + ": " + last->result +
           (last->error.empty() ? "" : " (" + last->error + ")") + "\n";
  }
  return out;
}

}  // namespace

int status_command(const SettingsFlags& settings, const StatusFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    std::fprintf(stderr, "tether status: %s\n", config.error().describe().c_str());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  const Live live = probe_all(layout);
  const auto last = last_entries(layout);
  auto commit = read_file(layout.state_dir() / "last-good-commit");
  const std::string state_commit = commit ? commit->substr(0, commit->find('\n')) : "";
  if (flags.json) {
    nlohmann::json json = {{"root", config->root},
                           {"stateCommit", state_commit},
                           {"services", nlohmann::json::array()}};
    for (const auto& [name, service] : live) {
      const auto it = last.find(name);
      json["services"].push_back(service_json(service, it == last.end() ? nullptr : &it->second));
    }
    std::puts(json.dump(2).c_str());
    return k_exit_ok;
  }
  std::printf("root %s, state commit %s\n",
              config->root.c_str(),
              state_commit.empty() ? "(none applied yet)" : state_commit.substr(0, 12).c_str());
  if (live.empty()) std::puts("no services installed");
  for (const auto& [name, service] : live) {
    const auto it = last.find(name);
    std::fputs(service_text(layout, service, it == last.end() ? nullptr : &it->second).c_str(),
               stdout);
  }
  return k_exit_ok;
}

}  // namespace tether
