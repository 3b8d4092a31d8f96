#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/analysis.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

namespace tether {

/// Reads `spec.analysis` (docs/analysis.md) at `path`: bake and interval durations, and 1 to
/// 16 queries, each with a unique name, a query template whose placeholders are known and stand
/// inside double-quoted strings, a condition ("< 0.01") and a noData policy. nullopt with every
/// problem recorded through `r`.
std::optional<AnalysisSpec> read_analysis(FieldReader& r,
                                          const YAML::Node& node,
                                          const std::string& path);

/// Reads `queries` of the map `node` at `path`: 1 to 16 queries with unique names (the part
/// of `spec.analysis` that `spec.rollout.analysis` shares). nullopt with the problems recorded.
std::optional<std::vector<AnalysisQuery>> read_analysis_queries(FieldReader& r,
                                                                const YAML::Node& node,
                                                                const std::string& path);

}  // namespace tether
