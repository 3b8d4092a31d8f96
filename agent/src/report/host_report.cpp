#include "report/host_report.hpp"

#include "apply/history_store.hpp"
#include "container/container_record.hpp"
#include "core/file_lock.hpp"
#include "core/files.hpp"
#include "live/live_probe.hpp"
#include "live/process_record.hpp"
#include "live/spec_json.hpp"
#include "live/traffic_record.hpp"
#include "report/last_pass_file.hpp"

namespace tether {
namespace {

/// Everything status says about one service.
struct ServiceReport {
  const LiveService& live;
  const JournalEntry* last = nullptr;
  const Quarantine* quarantine = nullptr;
  const proposal::ProposalRecord* proposal = nullptr;  ///< of the current quarantine
  bool container = false;  ///< a container service (it has a container.json)
  /// The declared switch strategy, as the agent's last pass saw it ("" when unknown).
  std::string strategy = {};
  /// Blue-green: where the proxy sends new clients, as the last move of it recorded.
  std::optional<TrafficRecord> traffic = {};
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

nlohmann::json container_json(const LiveService& live) {
  if (!live.container) return {{"name", "tether-" + live.name}, {"present", false}};
  const LiveContainer& c = *live.container;
  return {{"name", c.name},
          {"present", true},
          {"running", c.running},
          {"status", c.status},
          {"imageDigest", c.image_digest},
          {"image", label_of(c, k_label_image)},
          {"configHash", label_of(c, k_label_config_hash)},
          {"stateCommit", label_of(c, k_label_state_commit)}};
}

nlohmann::json proposal_json(const proposal::ProposalRecord& p) {
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
  };
  nlohmann::json json = {{"state", proposal::to_string(p.state)},
                         {"branch", text_or_null(p.branch)},
                         {"revertedCommit", text_or_null(p.evidence.reverted_commit)},
                         {"revertCommit", text_or_null(p.revert_commit)},
                         {"attempts", p.attempts},
                         {"time", p.time},
                         {"summary", proposal::summary(p)}};
  if (!p.error.empty()) json["error"] = p.error;
  return json;
}

/// What last passed its health gate here: the settings the service runs with (a live
/// fingerprint other than this one means it runs something that never passed).
nlohmann::json serving_json(const ServingRecord& serving) {
  nlohmann::json json = {{"fingerprint", serving.fingerprint},
                         {"release", serving.release.dir_name()},
                         {"stateCommit", serving.state_commit},
                         {"since", serving.since}};
  if (serving.spec.run) json["run"] = run_to_json(*serving.spec.run);
  if (serving.spec.health) json["health"] = health_to_json(*serving.spec.health);
  if (serving.spec.container) {
    json["container"] = container_to_json(*serving.spec.container);
    json["container"]["image"] = serving.image;
  }
  return json;
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
  if (!r.live.fingerprint.empty()) json["fingerprint"] = r.live.fingerprint;
  if (r.live.serving) json["serving"] = serving_json(*r.live.serving);
  if (r.last) json["lastChange"] = nlohmann::json::parse(to_json_line(*r.last));
  if (!r.strategy.empty()) json["strategy"] = r.strategy;
  if (r.traffic) {
    json["traffic"] = {{"port", r.traffic->port},
                       {"release", r.traffic->release},
                       {"proxy", r.traffic->proxy},
                       {"since", r.traffic->since}};
  }
  if (r.quarantine) {
    json["quarantine"] = {{"version", r.quarantine->version},
                          {"commit", r.quarantine->commit},
                          {"dir", r.quarantine->dir_name},
                          {"reason", r.quarantine->reason},
                          {"time", r.quarantine->time}};
  }
  if (r.proposal) json["revertProposal"] = proposal_json(*r.proposal);
  return json;
}

std::string quarantine_text(const ServiceReport& r, Colour colour) {
  const Quarantine& q = *r.quarantine;
  const InstalledRelease* current = r.live.current();
  std::string serving = current ? current->id.short_text() : std::string("nothing");
  if (r.live.container) serving = label_of(*r.live.container, k_label_image);
  return r.live.name + ": " + styled("QUARANTINED: " + q.version, Style::red, colour) + " (" +
         q.commit.substr(0, 12) + ") failed health at " + q.time + ": " + q.reason +
         "\n  serving " + serving + "; fix or revert in the state repo, or run `tether retry " +
         r.live.name + "`\n";
}

std::string proposal_text(const proposal::ProposalRecord& p) {
  std::string out = "  revert proposal: " + proposal::summary(p);
  if (!p.evidence.reverted_commit.empty()) {
    out += " (reverts " + p.evidence.reverted_commit.substr(0, 12) + " \"" +
           p.evidence.reverted_subject + "\")";
  }
  return out + "\n";
}

/// The lines under the table: what an operator has to act on, one service at a time.
std::string service_notes(const ServiceReport& r, Colour colour) {
  const LiveService& s = r.live;
  const InstalledRelease* current = s.current();
  std::string out;
  if (r.container) {
    // The table says what runs; the digest and the engine's own state are worth a line.
    if (!s.container) {
      out += s.name + ": container tether-" + s.name + " is absent; the next run recreates it\n";
    } else {
      out +=
          s.name + ": container " + s.container->name + ", digest " +
          (s.container->image_digest.empty() ? std::string("unknown") : s.container->image_digest) +
          ", " +
          (s.container->status.empty() ? std::string("state unknown") : s.container->status) + "\n";
    }
  } else if (current && !current->intact) {
    out += s.name + ": " + styled("DAMAGED", Style::red, colour) + " releases/" +
           current->dir_name + ": " + current->damage + "; the next run repairs it\n";
  }
  if (!current && s.current_dir) {
    out += s.name + ": current points at unknown " + *s.current_dir + "\n";
  }
  if (r.last && !r.last->error.empty()) {
    out += s.name + ": last " + r.last->action + " failed: " + r.last->error + "\n";
  }
  if (r.quarantine) out += quarantine_text(r, colour);
  if (r.proposal) out += proposal_text(*r.proposal);
  return out;
}

std::vector<Cell> service_row(const Layout& layout, const ServiceReport& r) {
  const LiveService& s = r.live;
  const InstalledRelease* current = s.current();
  Cell live{"nothing", Style::red};
  if (current) live = {current->id.short_text(), current->intact ? Style::plain : Style::red};
  Cell process{process_text(s.process), Style::plain};
  Cell releases{std::to_string(s.installed.size()), Style::plain};
  if (r.container) {
    const bool running = s.container && s.container->running;
    if (s.container) live = {label_of(*s.container, k_label_image), Style::plain};
    if (live.text.empty()) live = {"(not made by tether)", Style::red};
    process = {running ? "running (container)" : "not running",
               running ? Style::green : Style::red};
    // Blue-green: the loopback port the proxy reaches it at (its tether.port label).
    if (running && !label_of(*s.container, k_label_port).empty())
      process.text += ", blue-green on :" + label_of(*s.container, k_label_port);
    releases = {"-", Style::dim};
  } else if (s.process == ProcessState::running) {
    process.style = Style::green;
    if (auto record = read_process_record(layout.pid_file(s.name))) {
      process.text += ", pid " + std::to_string(record->pid);
      if (r.strategy == "blue-green") process.text += ", blue-green";
      // Blue-green: where the proxy sends clients; during a switch, the new release already.
      if (r.traffic) {
        process.text += ", traffic on :" + std::to_string(r.traffic->port);
        if (r.traffic->release != record->release_dir)
          process.text += " (" + r.traffic->release + ", switching)";
      } else if (record->port != 0) {
        process.text += ", traffic on :" + std::to_string(record->port);
      }
      // Socket hand-off: the serving release holds the sockets between switches.
      if (!record->sockets.empty()) process.text += ", holds " + record->sockets;
    }
  } else if (s.process == ProcessState::stopped) {
    process.style = Style::red;
  }
  Cell last{"-", Style::dim};
  if (r.last) {
    last = {r.last->action + " " + (r.last->to ? r.last->to->version : "") + " at " + r.last->time +
                ": " + r.last->result,
            r.last->result == "ok" ? Style::plain : Style::yellow};
  }
  Cell note;
  if (current && !current->intact) note = {"damaged", Style::red};
  if (r.quarantine) note = {"quarantined", Style::red};
  return {{s.name, Style::bold}, live, process, releases, last, note};
}

/// The agent's last pass, and every error it met, as `tether status` prints them.
std::string last_pass_text(const AgentStatus& pass) {
  std::string out = "last pass: " + pass.outcome + " at " + pass.pass_time + "\n";
  if (!pass.problem.empty()) out += "  PROBLEM:  " + pass.problem + "\n";
  if (!pass.tip_commit.empty() && pass.tip_commit != pass.desired_commit) {
    out += "  TIP:      " + pass.tip_commit.substr(0, 12) + " not applied; converging to " +
           (pass.desired_commit.empty() ? std::string("nothing yet")
                                        : pass.desired_commit.substr(0, 12)) +
           "\n";
  }
  for (const auto& [name, service] : pass.services) {
    if (service.state == ServiceState::blocked) {
      out += "  " + name + " BLOCKED on " + service.blocked_on + ": " + service.reason + "\n";
    } else if (service.state == ServiceState::degraded) {
      out += "  " + name + " DEGRADED: " + service.reason + "\n";
    } else if (service.state == ServiceState::suspended) {
      out += "  " + name + " SUSPENDED: " + service.reason + "\n";
    } else if (service.suspended) {
      out += "  " + name + " suspended by " + service.suspended->source + " (" +
             service.suspended->reason + "): nothing held back\n";
    }
    if (const auto& wave = service.wave; wave && !wave->waiting.empty()) {
      out += "  " + name + " WAITING (" + wave->waiting + "): " + service.reason + "\n";
    } else if (wave) {
      out += "  " + name + " wave " + std::to_string(wave->wave) + "/" +
             std::to_string(wave->waves) + " (" + std::to_string(wave->percent) +
             "%): took the release\n";
    }
    if (!service.error.empty()) out += "  " + name + " FAILED: " + service.error + "\n";
    if (!service.recovered_at.empty())
      out += "  " + name + " recovered at " + service.recovered_at + "\n";
  }
  return out;
}

/// The reports of every live service, with their last change and quarantine.
std::vector<ServiceReport> service_reports(const Layout& layout, const HostReport& report) {
  std::vector<ServiceReport> reports;
  for (const auto& [name, service] : report.live) {
    ServiceReport r{service};
    r.container = read_container_record(layout, name).has_value();
    if (report.last_pass) {
      const auto declared = report.last_pass->services.find(name);
      if (declared != report.last_pass->services.end()) r.strategy = declared->second.strategy;
    }
    // A record left from when the service was blue-green says nothing about it now.
    if (!r.container && (r.strategy.empty() || r.strategy == "blue-green") &&
        service.process == ProcessState::running)
      r.traffic = read_traffic_record(traffic_record_file(layout, name));
    if (const auto it = report.last_change.find(name); it != report.last_change.end())
      r.last = &it->second;
    if (const auto it = report.history.find(name);
        it != report.history.end() && it->second.quarantine) {
      r.quarantine = &*it->second.quarantine;
      const auto proposal = report.proposals.find(name);
      if (proposal != report.proposals.end() &&
          proposal->second.quarantine_dir == r.quarantine->dir_name &&
          proposal->second.spec_digest == r.quarantine->spec_digest) {
        r.proposal = &proposal->second;
      }
    }
    reports.push_back(r);
  }
  return reports;
}

/// The report around `live`: the rest is read from the state files, the last pass too unless
/// given.
HostReport report_from(const Layout& layout,
                       Live live,
                       LatestJournalEntries& journal,
                       std::optional<AgentStatus> last_pass = std::nullopt) {
  HostReport report;
  report.root = layout.root.string();
  report.history = HistoryStore(layout.history()).load().value_or(History{});
  report.live = std::move(live);
  report.last_change = journal.refresh();
  report.last_pass = last_pass ? std::move(last_pass) : LastPassFile(layout).load();
  report.proposals = proposal::ProposalStore(layout).load().value_or(proposal::Proposals{});
  auto commit = read_file(layout.state_dir() / "last-good-commit");
  report.state_commit = commit ? commit->substr(0, commit->find('\n')) : "";
  return report;
}

}  // namespace

HostReport read_host_report(const Layout& layout, HashCache& hashes) {
  LatestJournalEntries journal(layout.journal());
  return read_host_report(layout, hashes, journal);
}

HostReport read_host_report(const Layout& layout,
                            HashCache& hashes,
                            LatestJournalEntries& journal) {
  const History history = HistoryStore(layout.history()).load().value_or(History{});
  Live live = probe_all(layout, hashes, history);
  probe_recorded_containers(layout, live);
  return report_from(layout, std::move(live), journal);
}

HostReport host_report_after_pass(const Layout& layout,
                                  Live live,
                                  const std::set<std::string>& probed,
                                  LatestJournalEntries& journal,
                                  const AgentStatus& last_pass) {
  Live unprobed;
  for (const auto& [name, service] : live) {
    if (probed.count(name) == 0) unprobed.emplace(name, service);
  }
  probe_recorded_containers(layout, unprobed);
  for (auto& [name, service] : unprobed) live[name] = std::move(service);
  return report_from(layout, std::move(live), journal, last_pass);
}

nlohmann::json report_json(const HostReport& report) {
  nlohmann::json json = {{"root", report.root},
                         {"stateCommit", report.state_commit},
                         {"services", nlohmann::json::array()}};
  if (report.last_pass) json["lastPass"] = last_pass_json(*report.last_pass);
  for (const ServiceReport& r : service_reports(Layout{report.root}, report))
    json["services"].push_back(service_json(r));
  return json;
}

std::string report_text(const Layout& layout, const HostReport& report, Colour colour) {
  std::string out =
      "root " + report.root + ", state commit " +
      (report.state_commit.empty() ? "(none applied yet)" : report.state_commit.substr(0, 12)) +
      "\n";
  if (const auto holder = lock_holder(layout.lock_file()))
    out += "agent: running, pid " + *holder + " holds " + layout.lock_file().string() + "\n";
  if (report.last_pass) out += last_pass_text(*report.last_pass);
  if (report.live.empty()) return out + "no services installed\n";
  Table table({"SERVICE", "LIVE", "PROCESS", "RELEASES", "LAST CHANGE", "NOTE"});
  std::string notes;
  for (const ServiceReport& r : service_reports(layout, report)) {
    table.add(service_row(layout, r));
    notes += service_notes(r, colour);
  }
  out += "\n" + table.render(colour);
  if (!notes.empty()) out += "\n" + notes;
  return out;
}

}  // namespace tether
