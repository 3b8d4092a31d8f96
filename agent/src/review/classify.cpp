#include "review/classify.hpp"

#include "core/version_order.hpp"

#include <set>
#include <tuple>

namespace tether::review {
namespace {

/// The oldest declaration of `release` in `service`'s history, if the walk saw it.
const Declaration* find_declaration(const DeclaredHistory& history,
                                    const std::string& service,
                                    const ReleaseView& release) {
  const auto by_service = history.find(service);
  if (by_service == history.end()) return nullptr;
  const auto it = by_service->second.find(release.identity());
  return it == by_service->second.end() ? nullptr : &it->second;
}

/// A release is "earlier" when it was declared before the current one first was: re-applying
/// a release after reverting it is a roll forward, not a rollback.
const Declaration* declared_before(const DeclaredHistory& history,
                                   const std::string& service,
                                   const ReleaseView& from,
                                   const ReleaseView& to) {
  const Declaration* target = find_declaration(history, service, to);
  if (target == nullptr) return nullptr;
  // The current release may come from a host override, unseen in services/: it is at --from.
  const Declaration* current = find_declaration(history, service, from);
  const int current_age = current == nullptr ? 0 : current->age;
  return target->age > current_age ? target : nullptr;
}

bool version_lower(const ReleaseView& from, const ReleaseView& to) {
  if (from.kind != to.kind || from.version.empty() || to.version.empty()) return false;
  return compare_versions(to.version, from.version) < 0;
}

void classify_move(const std::string& service,
                   const DeclaredService& from,
                   const DeclaredService& to,
                   const DeclaredHistory& history,
                   ServiceChange& change) {
  if (from.release.identity() == to.release.identity()) {
    if (from.release.config_hash != to.release.config_hash) {
      change.change = ChangeKind::config_only;
    } else if (!from.rollout.included && to.rollout.included) {
      change.change = ChangeKind::joins_rollout;
    } else if (from.fingerprint != to.fingerprint) {
      // Exactly when the agent reconfigures: the same fingerprint function decides both.
      change.change = ChangeKind::settings;
      change.settings_changed = spec_differences(from.runtime, to.runtime);
    }
    return;
  }
  if (const Declaration* earlier = declared_before(history, service, from.release, to.release)) {
    change.change = ChangeKind::rollback;
    change.reason = RollbackReason::declared_earlier;
    change.declared_at = earlier->commit;
  } else if (version_lower(from.release, to.release)) {
    change.change = ChangeKind::rollback;
    change.reason = RollbackReason::version_lower;
  } else {
    change.change =
        to.release.kind == ReleaseKind::container ? ChangeKind::image_change : ChangeKind::upgrade;
  }
}

ServiceChange plan_service(const std::string& name,
                           const DeclaredService* from,
                           const DeclaredService* to,
                           const DeclaredHistory& history) {
  ServiceChange change;
  change.service = name;
  if (from != nullptr) change.from = from->release;
  if (to != nullptr) change.to = to->release;
  if (to != nullptr) change.analysis = to->analysis;
  if (to != nullptr) change.switch_strategy = to->switch_strategy;
  change.rollout = to != nullptr ? to->rollout : from->rollout;
  if (from == nullptr) {
    change.change = ChangeKind::added;
  } else if (to == nullptr) {
    change.change = ChangeKind::removed;
  } else {
    classify_move(name, *from, *to, history, change);
  }
  change.applies = change.change != ChangeKind::unchanged &&
                   (change.change == ChangeKind::removed || change.rollout.included);
  return change;
}

/// Labels for both sides; a rebuild under the same version shows its commit to tell them apart.
std::pair<std::string, std::string> labels_of(const ServiceChange& change) {
  std::string from = change.from ? release_label(*change.from) : "";
  std::string to = change.to ? release_label(*change.to) : "";
  if (change.from && change.to && from == to && change.from->kind == ReleaseKind::binary &&
      change.from->identity() != change.to->identity()) {
    from += " (" + short_hash(change.from->commit) + ")";
    to += " (" + short_hash(change.to->commit) + ")";
  }
  return {from, to};
}

std::string hosts_text(size_t count) {
  return std::to_string(count) + (count == 1 ? " host " : " hosts ");
}

/// The sentence after "N hosts": `one` for a single host, `many` otherwise.
std::string verb(size_t count, const char* one, const char* many) {
  return count == 1 ? one : many;
}

std::string summary_text(const SummaryEntry& entry) {
  const size_t n = entry.hosts.size();
  const std::string head = hosts_text(n);
  const std::string& svc = entry.service;
  if (entry.held) {
    return head + "outside the " + std::to_string(entry.percent) + "% rollout of " + svc + " " +
           entry.to + verb(n, " keeps what it runs", " keep what they run");
  }
  switch (entry.change) {
    case ChangeKind::rollback:
      return head + verb(n, "rolls back ", "roll back ") + svc + " " + entry.from + " → " +
             entry.to;
    case ChangeKind::upgrade:
      return head + verb(n, "upgrades ", "upgrade ") + svc + " " + entry.from + " → " + entry.to;
    case ChangeKind::image_change:
      return head + verb(n, "changes", "change") + " the image of " + svc + " " + entry.from +
             " → " + entry.to;
    case ChangeKind::config_only:
      return head + verb(n, "changes", "change") + " the config of " + svc + " " + entry.to;
    case ChangeKind::settings:
      return head + verb(n, "changes", "change") + " the settings of " + svc + " " + entry.to;
    case ChangeKind::added:
      return head + verb(n, "adds ", "add ") + svc + " " + entry.to;
    case ChangeKind::removed:
      return head + verb(n, "stops ", "stop ") + svc + " " + entry.from +
             " (no longer declared; its releases stay for a revert)";
    case ChangeKind::joins_rollout:
      return head + verb(n, "joins", "join") + " the rollout of " + svc + " " + entry.to;
    case ChangeKind::unchanged:
      break;
  }
  return head + "keep " + svc;
}

/// Most important first: what an operator must not miss in a pull request.
int priority(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::rollback:
      return 0;
    case ChangeKind::upgrade:
      return 1;
    case ChangeKind::image_change:
      return 2;
    case ChangeKind::config_only:
      return 3;
    case ChangeKind::settings:
      return 4;
    case ChangeKind::added:
      return 5;
    case ChangeKind::removed:
      return 6;
    case ChangeKind::joins_rollout:
      return 7;
    case ChangeKind::unchanged:
      break;
  }
  return 8;
}

}  // namespace

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

std::string release_label(const ReleaseView& release) {
  if (release.kind == ReleaseKind::binary) return release.version;
  if (release.digest.empty()) return release.image + " (unpinned)";
  const std::string digest = release.digest.substr(0, 7 + 12);  // "sha256:" + 12 hex
  return release.version.empty() ? digest : release.version + "@" + digest;
}

HostPlan plan_host(const HostInput& input, const DeclaredHistory& history) {
  HostPlan plan{input.host, input.labels, {}};
  std::set<std::string> names;
  for (const auto& [name, _] : input.from) names.insert(name);
  for (const auto& [name, _] : input.to) names.insert(name);
  for (const std::string& name : names) {
    const auto from = input.from.find(name);
    const auto to = input.to.find(name);
    plan.services.push_back(plan_service(name,
                                         from == input.from.end() ? nullptr : &from->second,
                                         to == input.to.end() ? nullptr : &to->second,
                                         history));
  }
  return plan;
}

std::vector<SummaryEntry> summarize(const std::vector<HostPlan>& hosts) {
  using Key = std::tuple<bool, int, std::string, std::string, std::string, int>;
  std::map<Key, SummaryEntry> groups;
  for (const HostPlan& host : hosts) {
    for (const ServiceChange& change : host.services) {
      if (change.change == ChangeKind::unchanged) continue;
      const bool held = !change.applies;
      const auto [from, to] = labels_of(change);
      const int percent = held ? change.rollout.percent : 100;
      const Key key{held, priority(change.change), change.service, from, to, percent};
      auto [it, created] = groups.try_emplace(key);
      SummaryEntry& entry = it->second;
      if (created) {
        entry.change = change.change;
        entry.service = change.service;
        entry.from = from;
        entry.to = to;
        entry.held = held;
        entry.percent = percent;
      }
      entry.hosts.push_back(host.host);
    }
  }
  std::vector<SummaryEntry> out;
  for (auto& [key, entry] : groups) {
    entry.text = summary_text(entry);
    out.push_back(std::move(entry));
  }
  return out;
}

std::string headline(const std::vector<SummaryEntry>& summary) {
  if (summary.empty()) return "no host changes";
  std::string out;
  for (const SummaryEntry& entry : summary) {
    if (!out.empty()) out += "; ";
    out += entry.text;
  }
  return out;
}

}  // namespace tether::review
