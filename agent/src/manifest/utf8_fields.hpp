#pragma once

#include "manifest/diagnostics.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// The first key or scalar in `node` (depth first) whose bytes are not valid UTF-8, as a
/// diagnostic in `file` naming its field (keys joined with '.', items as [i]; the bad bytes
/// written as \xNN). Manifests are text: refusing such bytes here means no JSON document, log
/// line or service environment downstream ever has to carry them.
[[nodiscard]] std::optional<Diagnostic> find_invalid_utf8(const std::string& file,
                                                          const YAML::Node& node);

}  // namespace tether
