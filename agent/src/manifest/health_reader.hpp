#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// Reads a Service's `health` section at `path`: exactly one probe (`http`, `tcp`, `exec`: one
/// key a kind of model/probe.hpp) and the gate's timing. nullopt when anything is wrong; every
/// problem is recorded through `reader`.
[[nodiscard]] std::optional<HealthSpec> read_health(FieldReader& reader,
                                                    const YAML::Node& node,
                                                    const std::string& path);

}  // namespace tether
