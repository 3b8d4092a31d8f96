#pragma once

#include "model/release_id.hpp"
#include "model/runtime_spec.hpp"
#include "model/service.hpp"

#include <string>

namespace tether {

/// The RuntimeSpec a validated Service declares for `release` (whose config hash is already
/// computed): the run and health specs as written, a container's image reduced to its digest.
[[nodiscard]] RuntimeSpec runtime_spec_of(const Service& service, const ReleaseId& release);

/// SHA-256 (hex) of a canonical encoding of `spec`: equal specs give equal fingerprints on every
/// host and in every tool (the agent's planner, `tether plan`, `validate`), whatever the key
/// order or formatting of the manifest they came from.
[[nodiscard]] std::string fingerprint_of(const RuntimeSpec& spec);

}  // namespace tether
