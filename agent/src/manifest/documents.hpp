#pragma once

#include "manifest/diagnostics.hpp"
#include "model/agent_config.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>

namespace tether {

/// A Host file: its labels plus the raw override mappings (validated field by field), which
/// are merged into service specs when this host's services are resolved.
struct HostFile {
  Host host;
  std::map<std::string, YAML::Node> overrides;  ///< by service name
};

/// Loads the single YAML document of `file`: malformed YAML, several documents, repeated keys
/// or a non-mapping document are recorded as diagnostics at "<root>".
std::optional<YAML::Node> load_yaml_document(const std::string& file,
                                             const std::string& text,
                                             Diagnostics& diagnostics);

/// Parses a Service manifest. `file` names it in diagnostics. `overrides`, when given, replaces
/// whole fields of `spec` before it is read (a Host's per-service overrides).
std::optional<Service> parse_service(const std::string& file,
                                     const std::string& text,
                                     Diagnostics& diagnostics,
                                     const YAML::Node* overrides = nullptr);

/// Parses a Host file.
std::optional<HostFile> parse_host(const std::string& file,
                                   const std::string& text,
                                   Diagnostics& diagnostics);

/// Parses agent.yaml. Fields it does not set keep AgentConfig's defaults.
std::optional<AgentConfig> parse_agent_config(const std::string& file,
                                              const std::string& text,
                                              Diagnostics& diagnostics);

}  // namespace tether
