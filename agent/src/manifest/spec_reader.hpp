#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// A whole Service spec (the exactly-one and required combinations are checked) or only the
/// fields present (host overrides, checked one by one before they are merged).
enum class SpecMode { whole, fields_only };

/// Reads `spec` into a Service (name left empty). Returns nullopt when anything is wrong;
/// every problem is recorded through `reader`.
std::optional<Service> read_service_spec(FieldReader& reader,
                                         const YAML::Node& spec,
                                         const std::string& path,
                                         SpecMode mode);

/// The reason of `<path>.suspend` in `parent` (a Service or Host spec: `suspend: {reason:
/// TEXT}`), or nullopt when it is absent or wrong (wrong is recorded through `reader`).
std::optional<std::string> read_suspend(FieldReader& reader,
                                        const YAML::Node& parent,
                                        const std::string& path);

}  // namespace tether
