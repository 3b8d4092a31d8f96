#include "apply/history_store.hpp"
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

/// Everything status says about one service.
struct ServiceReport {
  const LiveService& live;
  const JournalEntry* last = nullptr;
  const Quarantine* quarantine = nullptr;
};

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

nlohmann::json service_json(const ServiceReport& r) {
  const InstalledRelease* current = r.live.current();
  nlohmann::json json = {{"service", r.live.name}, {"process", process_text(r.live.process)}};
  json["current"] = current ? nlohmann::json{{"version", current->id.version},
                                             {"commit", current->id.commit},
                                             {"dir", current->dir_name},
                                             {"intact", current->intact},
                                             {"damage", current->damage}}
                            : nlohmann::json(nullptr);
  json["installed"] = r.live.installed.size();
  if (r.last) json["lastChange"] = nlohmann::json::parse(to_json_line(*r.last));
  if (r.quarantine) {
    json["quarantine"] = {{"version", r.quarantine->version},
                          {"commit", r.quarantine->commit},
                          {"dir", r.quarantine->dir_name},
                          {"reason", r.quarantine->reason},
                          {"time", r.quarantine->time}};
  }
  return json;
}

std::string quarantine_text(const ServiceReport& r) {
  const Quarantine& q = *r.quarantine;
  const InstalledRelease* current = r.live.current();
  return "  QUARANTINED: " + q.version + " (" + q.commit.substr(0, 12) + ") failed health at " +
         q.time + ": " + q.reason + "\n    serving " +
         (current ? current->id.short_text() : std::string("nothing")) +
         "; fix or revert in the state repo, or run `tether retry " + r.live.name + "`\n";
}

std::string service_text(const Layout& layout, const ServiceReport& r) {
  const LiveService& s = r.live;
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
  if (r.last) {
    out += "  last:     " + r.last->action + " " + (r.last->to ? r.last->to->version : "") +
           " at " + r.last->time + ": " + r.last->result +
           (r.last->error.empty() ? "" : " (" + r.last->error + ")") + "\n";
  }
  if (r.quarantine) out += quarantine_text(r);
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
  HashCache hashes;
  const Live live = probe_all(layout, hashes);
  const auto last = last_entries(layout);
  const History history = HistoryStore(layout.history()).load().value_or(History{});
  auto commit = read_file(layout.state_dir() / "last-good-commit");
  const std::string state_commit = commit ? commit->substr(0, commit->find('\n')) : "";
  std::vector<ServiceReport> reports;
  for (const auto& [name, service] : live) {
    ServiceReport report{service};
    if (const auto it = last.find(name); it != last.end()) report.last = &it->second;
    if (const auto it = history.find(name); it != history.end() && it->second.quarantine) {
      report.quarantine = &*it->second.quarantine;
    }
    reports.push_back(report);
  }
  if (flags.json) {
    nlohmann::json json = {{"root", config->root},
                           {"stateCommit", state_commit},
                           {"services", nlohmann::json::array()}};
    for (const ServiceReport& report : reports) json["services"].push_back(service_json(report));
    std::puts(json.dump(2).c_str());
    return k_exit_ok;
  }
  std::printf("root %s, state commit %s\n",
              config->root.c_str(),
              state_commit.empty() ? "(none applied yet)" : state_commit.substr(0, 12).c_str());
  if (reports.empty()) std::puts("no services installed");
  for (const ServiceReport& report : reports)
    std::fputs(service_text(layout, report).c_str(), stdout);
  return k_exit_ok;
}

}  // namespace tether
