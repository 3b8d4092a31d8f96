#pragma once

#include <optional>
#include <string>

namespace tether {

/// What identifies the release a Service manifest declares: `spec.release` (version, commit,
/// artifact, binary) or `spec.container.image`, as canonical YAML. Two manifest texts declare
/// the same release when their keys are equal. nullopt when the text is not a readable
/// manifest (guarded like every manifest: yaml_guard first). Changing anything else (health,
/// config files, the rollout itself) keeps the key, so it does not restart a rollout's waves.
[[nodiscard]] std::optional<std::string> release_key_of(const std::string& manifest_text);

}  // namespace tether
