#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace tether {

/// Reads `spec.rollout` at `path` into `service`: either `percent` (0-100) or `steps` (1 to
/// k_max_rollout_steps of {percent, pause}: percents increasing from 1, the last 100 and
/// without a pause, every other with a pause of 0s to 7d), and with steps an optional
/// `analysis: {queries}` (the fleet-level queries). False with every problem recorded.
bool read_rollout(FieldReader& r,
                  const YAML::Node& node,
                  const std::string& path,
                  Service& service);

inline constexpr size_t k_max_rollout_steps = 10;

}  // namespace tether
