#pragma once

#include "model/release_id.hpp"
#include "model/runtime_spec.hpp"
#include "model/service.hpp"

#include <string>

namespace tether {

/// SHA-256 (hex) of a canonical encoding of `spec`: equal specs give equal fingerprints on every
/// host and in every tool (the agent's planner, `tether plan`, `validate`), whatever the key
/// order or formatting of the manifest they came from.
[[nodiscard]] std::string fingerprint_of(const RuntimeSpec& spec);

}  // namespace tether
