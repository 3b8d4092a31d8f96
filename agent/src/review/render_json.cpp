// The JSON shape of a plan (nlohmann_json stays in this file).
#include "core/json_text.hpp"
#include "review/classify.hpp"
#include "review/render.hpp"

#include <nlohmann/json.hpp>

namespace tether::review {
namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); }

Json release_json(const std::optional<ReleaseView>& release) {
  if (!release) return nullptr;
  const bool binary = release->kind == ReleaseKind::binary;
  Json out;
  out["kind"] = binary ? "binary" : "container";
  out["version"] = or_null(release->version);
  out["commit"] = or_null(release->commit);
  out["binary_sha256"] = or_null(release->binary_sha256);
  out["artifact_sha256"] = or_null(release->artifact_sha256);
  out["image"] = or_null(release->image);
  out["digest"] = or_null(release->digest);
  out["pinned"] = binary ? Json(nullptr) : Json(!release->digest.empty());
  out["config_hash"] = release->config_hash;
  return out;
}

Json change_json(const ServiceChange& change) {
  Json out;
  out["service"] = change.service;
  out["change"] = to_string(change.change);
  out["applies"] = change.applies;
  out["reason"] = or_null(to_string(change.reason));
  if (!change.settings_changed.empty()) out["settings_changed"] = change.settings_changed;
  if (!change.analysis.empty()) out["analysis"] = change.analysis;
  if (!change.switch_strategy.empty()) out["switch_strategy"] = change.switch_strategy;
  out["declared_at"] = or_null(change.declared_at);
  out["from"] = release_json(change.from);
  out["to"] = release_json(change.to);
  out["rollout"] = {{"percent", change.rollout.percent},
                    {"bucket", change.rollout.bucket},
                    {"included", change.rollout.included}};
  if (change.rollout.waves > 0) {
    out["rollout"]["wave"] = change.rollout.wave;
    out["rollout"]["waves"] = change.rollout.waves;
    out["rollout"]["dueAfterSeconds"] = change.rollout.due_after.count() / 1000;
  }
  return out;
}

Json host_json(const HostPlan& host) {
  Json services = Json::array();
  for (const ServiceChange& change : host.services) services.push_back(change_json(change));
  Json labels = Json::object();
  for (const auto& [key, value] : host.labels) labels[key] = value;
  return {{"host", host.host}, {"labels", labels}, {"services", services}};
}

Json summary_json(const SummaryEntry& entry) {
  Json out;
  out["change"] = to_string(entry.change);
  out["service"] = entry.service;
  out["from"] = or_null(entry.from);
  out["to"] = or_null(entry.to);
  out["held"] = entry.held;
  out["percent"] = entry.percent;
  out["count"] = entry.hosts.size();
  out["hosts"] = entry.hosts;
  out["text"] = entry.text;
  return out;
}

}  // namespace

std::string render_json(const ReviewPlan& plan) {
  Json out;
  out["format"] = "tether.plan/v1";
  out["from"] = {{"rev", plan.from_rev}, {"commit", plan.from_commit}};
  out["to"] = {{"rev", plan.to_rev}, {"commit", plan.to_commit}};
  out["headline"] = headline(plan.summary);
  out["hosts"] = Json::array();
  for (const HostPlan& host : plan.hosts) out["hosts"].push_back(host_json(host));
  out["summary"] = Json::array();
  for (const SummaryEntry& entry : plan.summary) out["summary"].push_back(summary_json(entry));
  return json_text(out, 2) + "\n";
}

}  // namespace tether::review
