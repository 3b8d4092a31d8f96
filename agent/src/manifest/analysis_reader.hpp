#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/analysis.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// Reads `spec.analysis` (docs/analysis.md) at `path`: bake and interval durations, and 1 to
/// 16 queries, each with a unique name, a query template whose placeholders are known and stand
/// inside double-quoted strings, a condition ("< 0.01") and a noData policy. nullopt with every
/// problem recorded through `r`.
std::optional<AnalysisSpec> read_analysis(FieldReader& r,
                                          const YAML::Node& node,
                                          const std::string& path);

}  // namespace tether
