#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/migrations.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// `<path>.migrations` of a Service spec `spec`: `{command: [argv], onRollback: warn|refuse,
/// timeout: D, acceptRollbackTo: STATE}`, or nullopt when it is absent or wrong (wrong is
/// recorded through `reader`). Binary release services only: with `container` it is an error.
[[nodiscard]] std::optional<MigrationsSpec> read_migrations(FieldReader& reader,
                                                            const YAML::Node& spec,
                                                            const std::string& path);

}  // namespace tether
