#pragma once

#include "manifest/yaml_fields.hpp"
#include "model/switch_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// `<where>` = `spec.switch.socketHandoff`: `{sockets: [{name, port, address}]}`: 1 to 16
/// sockets, names as sd_listen_fds_with_names(3) passes them (1-255 of [A-Za-z0-9_.-]),
/// distinct names and address:port pairs; address an IPv4 literal (default 127.0.0.1). Wrong
/// values are recorded through `reader` (naming the field) and yield nullopt.
[[nodiscard]] std::optional<SocketHandoffSpec> read_socket_handoff(FieldReader& reader,
                                                                   const YAML::Node& node,
                                                                   const std::string& where);

/// Socket hand-off needs what tether can start twice with the same sockets and gate on the new
/// process alone: `run.exec` (not systemd, not a container) and `health.notify` (an HTTP or TCP
/// probe on the shared port may be answered by the old process). Records an error per
/// problem; false if any. Only for a whole spec.
[[nodiscard]] bool check_socket_handoff_service(FieldReader& reader,
                                                const YAML::Node& spec,
                                                const std::string& path);

}  // namespace tether
