#include "report/host_report.hpp"

#include "apply/history_store.hpp"
#include "container/container_record.hpp"
#include "core/files.hpp"
#include "live/live_probe.hpp"
#include "live/process_record.hpp"

namespace tether {
namespace {

/// Everything status says about one service.
struct ServiceReport {
  const LiveService& live;
  const JournalEntry* last = nullptr;
  const Quarantine* quarantine = nullptr;
  bool container = false;  ///< a container service (it has a container.json)
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

std::string label_of(const LiveContainer& container, const char* key) {
  const auto it = container.labels.find(key);
  return it == container.labels.end() ? "" : it->second;
}

nlohmann::json container_json(const LiveService& live) {
  if (!live.container) return {{"name", "tether-" + live.name}, {"present", false}};
  const LiveContainer& c = *live.container;
  return {{"name", c.name},
          {"present", true},
          {"running", c.running},
          {"status", c.status},
          {"imageDigest", c.image_digest},
          {"image", label_of(c, "tether.image")},
          {"configHash", label_of(c, "tether.config-hash")},
          {"stateCommit", label_of(c, "tether.state-commit")}};
}

nlohmann::json service_json(const ServiceReport& r) {
  const InstalledRelease* current = r.live.current();
  nlohmann::json json = {{"service", r.live.name}, {"process", process_text(r.live.process)}};
  if (r.container) {
    json["process"] = r.live.container && r.live.container->running ? "running" : "not running";
    json["container"] = container_json(r.live);
  }
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
  std::string serving = current ? current->id.short_text() : std::string("nothing");
  if (r.live.container) serving = label_of(*r.live.container, "tether.image");
  return "  QUARANTINED: " + q.version + " (" + q.commit.substr(0, 12) + ") failed health at " +
         q.time + ": " + q.reason + "\n    serving " + serving +
         "; fix or revert in the state repo, or run `tether retry " + r.live.name + "`\n";
}

/// The live lines of a container service: what `inspect` says, not what was declared.
std::string container_text(const LiveService& s) {
  if (!s.container) return "  live:     nothing (container tether-" + s.name + " is absent)\n";
  const LiveContainer& c = *s.container;
  const std::string image = label_of(c, "tether.image");
  return "  live:     container " + c.name + ", image " +
         (image.empty() ? std::string("(not made by tether)") : image) + "\n" +
         "  digest:   " + (c.image_digest.empty() ? std::string("unknown") : c.image_digest) +
         "\n  state:    " + (c.status.empty() ? std::string("unknown") : c.status) + "\n";
}

std::string service_text(const Layout& layout, const ServiceReport& r) {
  const LiveService& s = r.live;
  const InstalledRelease* current = s.current();
  std::string out = s.name + "\n";
  if (r.container) {
    out += container_text(s);
  } else if (current) {
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
  if (!r.container) {
    out += "  process:  " + process + "\n";
    out += "  releases: " + std::to_string(s.installed.size()) + " installed\n";
  }
  if (r.last) {
    out += "  last:     " + r.last->action + " " + (r.last->to ? r.last->to->version : "") +
           " at " + r.last->time + ": " + r.last->result +
           (r.last->error.empty() ? "" : " (" + r.last->error + ")") + "\n";
  }
  if (r.quarantine) out += quarantine_text(r);
  return out;
}

/// The reports of every live service, with their last change and quarantine.
std::vector<ServiceReport> service_reports(const Layout& layout, const HostReport& report) {
  std::vector<ServiceReport> reports;
  for (const auto& [name, service] : report.live) {
    ServiceReport r{service};
    r.container = read_container_record(layout, name).has_value();
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
  probe_recorded_containers(layout, report.live);
  report.last_change = last_entries(layout);
  report.history = HistoryStore(layout.history()).load().value_or(History{});
  auto commit = read_file(layout.state_dir() / "last-good-commit");
  report.state_commit = commit ? commit->substr(0, commit->find('\n')) : "";
  return report;
}

nlohmann::json report_json(const HostReport& report) {
  nlohmann::json json = {{"root", report.root},
                         {"stateCommit", report.state_commit},
                         {"services", nlohmann::json::array()}};
  for (const ServiceReport& r : service_reports(Layout{report.root}, report))
    json["services"].push_back(service_json(r));
  return json;
}

std::string report_text(const Layout& layout, const HostReport& report) {
  std::string out =
      "root " + report.root + ", state commit " +
      (report.state_commit.empty() ? "(none applied yet)" : report.state_commit.substr(0, 12)) +
      "\n";
  if (report.live.empty()) out += "no services installed\n";
  for (const ServiceReport& r : service_reports(layout, report)) out += service_text(layout, r);
  return out;
}

}  // namespace tether
