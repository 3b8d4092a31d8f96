#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/switch_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// `<path>.switch` of a Service spec `spec`: `{strategy: restart|blue-green|socket-handoff,
/// drainTimeout: D, blueGreen: {ports: [P, P], portEnv: NAME, haproxy: {socket, backend, server}
/// | nginx: {upstreamFile, pidFile}}, socketHandoff: {sockets: [{name, port, address}]}}`, or
/// nullopt when it is absent or wrong (wrong is recorded through `reader`, and `ok` is set false).
[[nodiscard]] std::optional<SwitchSpec> read_switch(FieldReader& reader,
                                                    const YAML::Node& spec,
                                                    const std::string& path,
                                                    bool& ok);

/// Blue-green needs what it can start twice and gate on a port: `run.exec` (not systemd, not a
/// container) and an http or tcp health probe. Records an error per problem; false if any.
/// Only for a whole spec (a host override may change one of the fields it checks).
[[nodiscard]] bool check_blue_green_service(FieldReader& reader,
                                            const YAML::Node& spec,
                                            const std::string& path);

}  // namespace tether
