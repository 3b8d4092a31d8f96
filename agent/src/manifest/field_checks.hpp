#pragma once

#include <string>

namespace tether::checks {

// Each returns "" when the value is acceptable, else a phrase saying what was expected
// (used as "expected <phrase>, got ..."). The rules match manifests-schema/README.md.

[[nodiscard]] std::string service_name(const std::string& value);
[[nodiscard]] std::string host_name(const std::string& value);
[[nodiscard]] std::string version(const std::string& value);
[[nodiscard]] std::string commit(const std::string& value);
[[nodiscard]] std::string sha256(const std::string& value);
[[nodiscard]] std::string artifact_url(const std::string& value);
[[nodiscard]] std::string http_url(const std::string& value);
[[nodiscard]] std::string safe_relative_path(const std::string& value);
[[nodiscard]] std::string config_source(const std::string& value);
[[nodiscard]] std::string config_target(const std::string& value);
[[nodiscard]] std::string systemd_unit(const std::string& value);
[[nodiscard]] std::string host_port(const std::string& value);
[[nodiscard]] std::string container_name(const std::string& value);
[[nodiscard]] std::string pinned_image(const std::string& value);
[[nodiscard]] std::string runtime(const std::string& value);
[[nodiscard]] std::string repo_url(const std::string& value);
[[nodiscard]] std::string branch(const std::string& value);
[[nodiscard]] std::string absolute_path(const std::string& value);
[[nodiscard]] std::string percent(const std::string& value);
/// Why a service or host is suspended: one line an operator reads in `status` and the journal.
[[nodiscard]] std::string suspend_reason(const std::string& value);

}  // namespace tether::checks
