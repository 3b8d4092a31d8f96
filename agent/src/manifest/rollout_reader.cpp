#include "manifest/rollout_reader.hpp"

#include "manifest/analysis_reader.hpp"

namespace tether {
namespace {

constexpr Millis k_max_pause{std::chrono::hours(24 * 7)};

std::optional<RolloutStep> read_step(FieldReader& r,
                                     const YAML::Node& node,
                                     const std::string& path,
                                     bool last) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"percent", "pause"});
  const auto percent = r.integer(node, path, "percent", Need::required, 1, 100);
  const auto pause = r.duration(node, path, "pause", last ? Need::optional : Need::required);
  bool ok = percent.has_value();
  if (last && node["pause"].IsDefined()) {
    r.error(node["pause"],
            join_path(path, "pause"),
            "the last step has no next wave to wait for; remove its pause");
    ok = false;
  }
  if (!last && pause && (*pause < Millis(0) || *pause > k_max_pause)) {
    r.error(node["pause"], join_path(path, "pause"), "expected between 0s and 7d");
    ok = false;
  }
  if (!ok || (!last && !pause)) return std::nullopt;
  return RolloutStep{static_cast<int>(*percent), last ? Millis(0) : *pause};
}

std::optional<std::vector<RolloutStep>> read_steps(FieldReader& r,
                                                   const YAML::Node& node,
                                                   const std::string& path) {
  if (!node.IsSequence() || node.size() == 0 || node.size() > k_max_rollout_steps) {
    r.error(node,
            path,
            "expected a list of 1 to " + std::to_string(k_max_rollout_steps) +
                " steps, as [{percent: 5, pause: 10m}, {percent: 100}]");
    return std::nullopt;
  }
  std::vector<RolloutStep> steps;
  bool ok = true;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const bool last = i + 1 == node.size();
    auto step = read_step(r, node[i], item_path, last);
    if (!step) {
      ok = false;
      continue;
    }
    if (!steps.empty() && step->percent <= steps.back().percent) {
      r.error(node[i]["percent"],
              join_path(item_path, "percent"),
              "expected more than the step before (" + std::to_string(steps.back().percent) +
                  "): each wave adds hosts");
      ok = false;
    }
    if (last && step->percent != 100) {
      r.error(node[i]["percent"],
              join_path(item_path, "percent"),
              "the last step must be 100: a rollout that never reaches every host is "
              "rollout.percent");
      ok = false;
    }
    steps.push_back(*step);
  }
  if (!ok) return std::nullopt;
  return steps;
}

}  // namespace

bool read_rollout(FieldReader& r,
                  const YAML::Node& node,
                  const std::string& path,
                  Service& service) {
  if (!r.expect_map(node, path)) return false;
  r.reject_unknown_keys(node, path, {"percent", "steps", "analysis"});
  bool ok = true;
  if (node["percent"].IsDefined() && node["steps"].IsDefined()) {
    r.error(node["steps"],
            join_path(path, "steps"),
            "percent and steps exclude each other; keep one (steps end at 100)");
    return false;
  }
  if (node["percent"].IsDefined()) {
    auto percent = r.integer(node, path, "percent", Need::required, 0, 100);
    ok = percent.has_value();
    service.rollout_percent = static_cast<int>(percent.value_or(100));
  }
  if (const YAML::Node steps = node["steps"]; steps.IsDefined()) {
    auto read = read_steps(r, steps, join_path(path, "steps"));
    ok = ok && read.has_value();
    if (read) service.rollout_steps = std::move(*read);
  }
  if (const YAML::Node analysis = node["analysis"]; analysis.IsDefined()) {
    const std::string analysis_path = join_path(path, "analysis");
    if (!node["steps"].IsDefined()) {
      r.error(analysis, analysis_path, "a fleet analysis judges waves; add rollout.steps");
      return false;
    }
    if (!r.expect_map(analysis, analysis_path)) return false;
    r.reject_unknown_keys(analysis, analysis_path, {"queries"});
    auto queries = read_analysis_queries(r, analysis, analysis_path);
    ok = ok && queries.has_value();
    if (queries) service.rollout_analysis = std::move(*queries);
  }
  return ok;
}

}  // namespace tether
