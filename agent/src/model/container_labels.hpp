#pragma once

namespace tether {

/// Label keys tether sets on every container it creates (docs/design.md, issue #4). The
/// planner reads them back from what the runtime reports, so they live in `model/`.
inline constexpr const char* k_label_service = "tether.service";
inline constexpr const char* k_label_release = "tether.release";  ///< the image digest
inline constexpr const char* k_label_config_hash = "tether.config-hash";
inline constexpr const char* k_label_state_commit = "tether.state-commit";
inline constexpr const char* k_label_image = "tether.image";  ///< the declared reference
/// The fingerprint of the declaration it runs (model/runtime_spec.hpp): settings included.
inline constexpr const char* k_label_fingerprint = "tether.fingerprint";
/// Blue-green only: the host port on 127.0.0.1 the container is published at (one of
/// blueGreen.ports); what tells a crash's leftovers apart from what the proxy sends clients to.
inline constexpr const char* k_label_port = "tether.port";

}  // namespace tether
