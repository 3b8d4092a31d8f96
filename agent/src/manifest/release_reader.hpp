#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// Reads `spec.release` (version, commit, artifact, binary, limits) at `path`; nullopt with
/// every problem recorded through `r`.
std::optional<ReleaseSpec> read_release(FieldReader& r,
                                        const YAML::Node& node,
                                        const std::string& path);

/// Refuses (one error per entry) config targets that would replace the pinned binary of a
/// binary release or a directory on its path: the file that runs must be the one whose digest
/// the manifest pins. True when there is none.
bool check_config_targets(FieldReader& r, const YAML::Node& spec, const Service& service);

}  // namespace tether
