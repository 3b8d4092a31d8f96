#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// Reads `spec.shared` ({dirs: [...], files: [...]}) at `path`: each entry a relative path
/// without `.`, `..` or empty components, outside `.tether/`, none equal to or under another.
/// nullopt with every problem recorded through `r`.
std::optional<SharedPaths> read_shared(FieldReader& r,
                                       const YAML::Node& node,
                                       const std::string& path);

/// The checks that need the whole spec: `spec.shared` only on a binary release, and no shared
/// path on the pinned binary or a config target (or a dir on their way). True when none fails.
bool check_shared_paths(FieldReader& r, const YAML::Node& spec, const Service& service);

}  // namespace tether
