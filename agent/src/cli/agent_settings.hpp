#pragma once

#include "core/result.hpp"
#include "model/agent_config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether {

/// Command-line values that override single fields of agent.yaml.
struct SettingsFlags {
  std::string config_file;  ///< empty: /etc/tether/agent.yaml if it exists
  std::string repo;
  std::string branch;
  std::string root;
  std::string host_id;
  std::vector<std::string> labels;  ///< "key=value"
  std::string interval;
  std::string log_format;
  std::string log_level;
  std::string api_listen;
};

inline constexpr const char* k_default_config = "/etc/tether/agent.yaml";

/// agent.yaml (if given or present at the default path) with the flags applied on top, and the
/// host id defaulted to the hostname. `need_repo` makes a missing repo URL an error.
[[nodiscard]] Result<AgentConfig> resolve_settings(const SettingsFlags& flags, bool need_repo);

}  // namespace tether
