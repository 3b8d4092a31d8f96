#include "report/host_report.hpp"

#include "apply/history_store.hpp"
#include "core/file_lock.hpp"
#include "core/files.hpp"
#include "live/live_probe.hpp"
#include "live/process_record.hpp"
#include "report/last_pass_file.hpp"

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

/// The agent's last pass, and every error it met, as `tether status` prints them.
std::string last_pass_text(const AgentStatus& pass) {
  std::string out = "last pass: " + pass.outcome + " at " + pass.pass_time + "\n";
  if (!pass.problem.empty()) out += "  PROBLEM:  " + pass.problem + "\n";
  for (const auto& [name, service] : pass.services) {
    if (!service.error.empty()) out += "  " + name + " FAILED: " + service.error + "\n";
  }
  return out;
}

/// The reports of every live service, with their last change and quarantine.
std::vector<ServiceReport> service_reports(const HostReport& report) {
  std::vector<ServiceReport> reports;
  for (const auto& [name, service] : report.live) {
    ServiceReport r{service};
    if (const auto it = report.last_change.find(name); it != report.last_change.end())
      r.last = &it->second;
    if (const auto it = report.history.find(name);
        it != report.history.end() && it->second.quarantine) {
      r.quarantine = &*it->second.quarantine;
    }
    reports.push_back(r);
  }
  return reports;
}

}  // namespace

HostReport read_host_report(const Layout& layout, HashCache& hashes) {
  HostReport report;
  report.root = layout.root.string();
  report.live = probe_all(layout, hashes);
  report.last_change = last_entries(layout);
  report.history = HistoryStore(layout.history()).load().value_or(History{});
  report.last_pass = LastPassFile(layout).load();
  auto commit = read_file(layout.state_dir() / "last-good-commit");
  report.state_commit = commit ? commit->substr(0, commit->find('\n')) : "";
  return report;
}

nlohmann::json report_json(const HostReport& report) {
  nlohmann::json json = {{"root", report.root},
                         {"stateCommit", report.state_commit},
                         {"services", nlohmann::json::array()}};
  if (report.last_pass) json["lastPass"] = last_pass_json(*report.last_pass);
  for (const ServiceReport& r : service_reports(report))
    json["services"].push_back(service_json(r));
  return json;
}

std::string report_text(const Layout& layout, const HostReport& report) {
  std::string out =
      "root " + report.root + ", state commit " +
      (report.state_commit.empty() ? "(none applied yet)" : report.state_commit.substr(0, 12)) +
      "\n";
  if (const auto holder = lock_holder(layout.lock_file()))
    out += "agent: running, pid " + *holder + " holds " + layout.lock_file().string() + "\n";
  if (report.last_pass) out += last_pass_text(*report.last_pass);
  if (report.live.empty()) out += "no services installed\n";
  for (const ServiceReport& r : service_reports(report)) out += service_text(layout, r);
  return out;
}

}  // namespace tether
