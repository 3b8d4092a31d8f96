#include "review/render.hpp"

#include "core/duration.hpp"
#include "review/classify.hpp"

#include <map>
#include <tuple>

namespace tether::review {
namespace {

constexpr const char* k_no_hosts =
    "no hosts to plan for: the repo has no hosts/*.yaml at either commit; pass --host ID "
    "[--label KEY=VALUE] to plan for one";

std::string labels_text(const StringMap& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

/// "registry.example.com/web:1.2@sha256:2e7d2c03a950": the digest shortened.
std::string short_image(const ReleaseView& release) {
  if (release.digest.empty()) return release.image;
  const std::string name = release.image.substr(0, release.image.find('@'));
  return name + "@" + release.digest.substr(0, 7 + 12);
}

std::string release_text(const ReleaseView& release) {
  const std::string config = "config " + short_hash(release.config_hash);
  if (release.kind == ReleaseKind::container) {
    return short_image(release) + " (" + (release.digest.empty() ? "unpinned, " : "") + config +
           ")";
  }
  return release.version + " (commit " + short_hash(release.commit) + ", binary " +
         short_hash(release.binary_sha256) + ", " + config + ")";
}

std::string move_text(const ServiceChange& change) {
  if (change.from && change.to && change.change != ChangeKind::unchanged) {
    return release_text(*change.from) + " -> " + release_text(*change.to);
  }
  return release_text(change.to ? *change.to : *change.from);
}

std::string wave_text(const Rollout& rollout) {
  return "wave " + std::to_string(rollout.wave) + "/" + std::to_string(rollout.waves) + " (" +
         std::to_string(rollout.percent) + "%, bucket " + std::to_string(rollout.bucket) +
         "): takes it " +
         (rollout.due_after.count() == 0
              ? std::string("at once")
              : format_duration(rollout.due_after) + " after the commit that introduces it");
}

std::string rollout_text(const Rollout& rollout) {
  if (rollout.waves > 0) return wave_text(rollout);
  return "rollout " + std::to_string(rollout.percent) + "% (bucket " +
         std::to_string(rollout.bucket) +
         "): " + (rollout.included ? "in" : "out, this host keeps what it runs");
}

/// Why it moves: the settings that changed, or why it counts as a rollback.
std::string reason_text_of_move(const ServiceChange& change) {
  if (!change.settings_changed.empty()) {
    std::string fields;
    for (const std::string& field : change.settings_changed)
      fields += (fields.empty() ? "" : ", ") + field;
    return fields + " changed";
  }
  switch (change.reason) {
    case RollbackReason::declared_earlier:
      return "declared earlier (first at " + short_hash(change.declared_at) + ")";
    case RollbackReason::version_lower:
      return "lower version";
    case RollbackReason::none:
      break;
  }
  return "";
}

/// Why it changes, how the switch happens when not by the default restart, and the bake that
/// follows a switch of a service with spec.analysis.
std::string reason_text(const ServiceChange& change) {
  std::string reason = reason_text_of_move(change);
  const bool switches = change.applies && change.change != ChangeKind::removed;
  if (!switches) return reason;
  if (!change.switch_strategy.empty())
    reason += (reason.empty() ? "" : "; ") + std::string("switch: ") + change.switch_strategy;
  if (!change.analysis.empty())
    reason += (reason.empty() ? "" : "; ") + std::string("then analysis: ") + change.analysis;
  return reason;
}

std::string range_text(const ReviewPlan& plan, const char* arrow, const char* quote) {
  return std::string(quote) + short_hash(plan.from_commit) + quote + " (" + plan.from_rev + ") " +
         arrow + " " + quote + short_hash(plan.to_commit) + quote + " (" + plan.to_rev + ")";
}

// --- markdown ---

std::string escape_cell(std::string text) {
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
    text.replace(at, 1, "\\|");
  }
  return text;
}

std::string release_cell(const std::optional<ReleaseView>& release, const ServiceChange& change) {
  if (!release) return "–";
  if (release->kind == ReleaseKind::container) {
    return "`" + short_image(*release) + "`" + (release->digest.empty() ? " (unpinned)" : "");
  }
  std::string cell = release->version + " `" + short_hash(release->commit) + "`";
  const bool same_build = change.from && change.to && change.from->commit == change.to->commit;
  if (same_build && change.from->binary_sha256 != change.to->binary_sha256) {
    cell += " bin `" + short_hash(release->binary_sha256) + "`";
  }
  if (change.change == ChangeKind::config_only) {
    cell += " cfg `" + short_hash(release->config_hash) + "`";
  }
  return cell;
}

std::string change_cell(const ServiceChange& change) {
  std::string cell = to_string(change.change);
  if (change.applies) cell = "**" + cell + "**";
  const std::string reason = reason_text(change);
  return reason.empty() ? cell : cell + " (" + reason + ")";
}

std::string rollout_cell(const Rollout& rollout) {
  const std::string percent = std::to_string(rollout.percent) + "%";
  if (rollout.waves > 0) {
    return "wave " + std::to_string(rollout.wave) + "/" + std::to_string(rollout.waves) + " (" +
           percent + ", +" + format_duration(rollout.due_after) + ")";
  }
  if (rollout.percent >= 100) return percent;
  return percent + (rollout.included ? " (in)" : " (out: keeps what it runs)");
}

/// Changes first, most important first, then unchanged; by service within.
int row_rank(ChangeKind kind) {
  constexpr ChangeKind k_order[] = {ChangeKind::rollback,
                                    ChangeKind::upgrade,
                                    ChangeKind::image_change,
                                    ChangeKind::config_only,
                                    ChangeKind::settings,
                                    ChangeKind::added,
                                    ChangeKind::removed,
                                    ChangeKind::joins_rollout};
  for (int i = 0; i < static_cast<int>(std::size(k_order)); ++i) {
    if (k_order[i] == kind) return i;
  }
  return static_cast<int>(std::size(k_order));
}

std::string markdown_table(const ReviewPlan& plan) {
  // One row per (service, move, rollout share) with the hosts making it.
  using Key = std::tuple<int, std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, std::string> rows;
  for (const HostPlan& host : plan.hosts) {
    for (const ServiceChange& change : host.services) {
      const Key key{row_rank(change.change),
                    change.service,
                    change_cell(change),
                    release_cell(change.from, change),
                    release_cell(change.to, change),
                    rollout_cell(change.rollout)};
      std::string& hosts = rows[key];
      hosts += (hosts.empty() ? "" : ", ") + host.host;
    }
  }
  std::string out =
      "| Service | Change | From | To | Rollout | Hosts |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& [key, hosts] : rows) {
    const auto& [rank, service, change, from, to, rollout] = key;
    out += "| " + escape_cell(service) + " | " + change + " | " + escape_cell(from) + " | " +
           escape_cell(to) + " | " + rollout + " | " + escape_cell(hosts) + " |\n";
  }
  return out;
}

}  // namespace

std::optional<PlanFormat> parse_plan_format(const std::string& name) {
  if (name == "text") return PlanFormat::text;
  if (name == "markdown") return PlanFormat::markdown;
  if (name == "json") return PlanFormat::json;
  return std::nullopt;
}

std::string render_text(const ReviewPlan& plan) {
  std::string out = "plan " + range_text(plan, "->", "") + "\n";
  if (plan.summary.empty()) out += "no host changes\n";
  for (const SummaryEntry& entry : plan.summary) out += entry.text + "\n";
  if (plan.hosts.empty()) out += std::string("\n") + k_no_hosts + "\n";
  for (const HostPlan& host : plan.hosts) {
    out += "\n" + host.host;
    if (!host.labels.empty()) out += " (" + labels_text(host.labels) + ")";
    out += "\n";
    if (host.services.empty()) out += "  no services declared for this host\n";
    for (const ServiceChange& change : host.services) {
      out += "  " + change.service + ": " + to_string(change.change) + " " + move_text(change) +
             "\n    ";
      const std::string reason = reason_text(change);
      if (!reason.empty()) out += reason + "; ";
      out += rollout_text(change.rollout) + "\n";
    }
  }
  return out;
}

std::string render_markdown(const ReviewPlan& plan) {
  std::string out = headline(plan.summary) + "\n\n";
  out += "`tether plan` " + range_text(plan, "→", "`") + ", " + std::to_string(plan.hosts.size()) +
         (plan.hosts.size() == 1 ? " host" : " hosts") + "\n\n";
  if (plan.hosts.empty()) return out + "_" + k_no_hosts + "_\n";
  return out + markdown_table(plan);
}

std::string render(const ReviewPlan& plan, PlanFormat format) {
  switch (format) {
    case PlanFormat::markdown:
      return render_markdown(plan);
    case PlanFormat::json:
      return render_json(plan);
    case PlanFormat::text:
      break;
  }
  return render_text(plan);
}

}  // namespace tether::review
