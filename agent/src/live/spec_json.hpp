#pragma once

#include "model/service.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace tether {

// How a release was run and judged, kept in its release.json and in the serving record
// (live/serving_record.hpp) so that going back to it (an automatic rollback, a restart while
// the declaration is quarantined) uses its own command line and probe, not the new one's.

[[nodiscard]] nlohmann::json run_to_json(const RunSpec& run);
[[nodiscard]] std::optional<RunSpec> run_from_json(const nlohmann::json& json);
[[nodiscard]] nlohmann::json health_to_json(const HealthSpec& health);
[[nodiscard]] std::optional<HealthSpec> health_from_json(const nlohmann::json& json);
[[nodiscard]] nlohmann::json container_to_json(const ContainerSpec& container);
[[nodiscard]] std::optional<ContainerSpec> container_from_json(const nlohmann::json& json);

}  // namespace tether
