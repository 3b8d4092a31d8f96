#include "cli/agent_settings.hpp"

#include "core/files.hpp"
#include "manifest/documents.hpp"
#include "manifest/field_checks.hpp"

#include <filesystem>
#include <unistd.h>

namespace tether {
namespace {

Result<AgentConfig> load_config_file(const SettingsFlags& flags) {
  std::string path = flags.config_file;
  if (path.empty()) {
    if (!std::filesystem::exists(k_default_config)) return AgentConfig{};
    path = k_default_config;
  }
  auto text = read_file(path);
  if (!text) return Error{text.error().message, "pass --config FILE, or the settings as flags"};
  Diagnostics diagnostics;
  auto config = parse_agent_config(path, *text, diagnostics);
  if (!config)
    return Error{"invalid agent config:\n" + diagnostics.describe(),
                 "see manifests-schema/agent.schema.json"};
  return *config;
}

Status apply_flags(const SettingsFlags& flags, AgentConfig& config) {
  auto check =
      [](const std::string& flag, const std::string& value, const std::string& problem) -> Status {
    if (problem.empty()) return ok_status();
    return Error{flag + ": expected " + problem + ", got \"" + value + "\"",
                 "see tether run --help"};
  };
  if (!flags.repo.empty()) {
    if (Status s = check("--repo", flags.repo, checks::repo_url(flags.repo)); !s) return s;
    config.repo_url = flags.repo;
  }
  if (!flags.branch.empty()) {
    if (Status s = check("--branch", flags.branch, checks::branch(flags.branch)); !s) return s;
    config.branch = flags.branch;
  }
  if (!flags.root.empty())
    config.root = std::filesystem::absolute(flags.root).lexically_normal().string();
  if (!flags.host_id.empty()) {
    if (Status s = check("--host-id", flags.host_id, checks::host_name(flags.host_id)); !s)
      return s;
    config.host_id = flags.host_id;
  }
  for (const std::string& label : flags.labels) {
    const size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) return check("--label", label, "KEY=VALUE");
    config.host_labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  if (!flags.interval.empty()) {
    auto interval = parse_duration(flags.interval);
    if (!interval || interval->count() <= 0)
      return check("--interval", flags.interval, "a duration such as 500ms, 30s or 5m");
    config.poll_interval = *interval;
  }
  if (!flags.log_format.empty()) {
    if (flags.log_format != "text" && flags.log_format != "json")
      return check("--log-format", flags.log_format, "text or json");
    config.log_format = flags.log_format == "json" ? LogFormat::json : LogFormat::text;
  }
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  if (!flags.api_listen.empty()) {
    if (Status s = check("--api-listen", flags.api_listen, checks::host_port(flags.api_listen)); !s)
      return s;
    config.api_listen = flags.api_listen;
  }
  return ok_status();
}

}  // namespace

Result<AgentConfig> resolve_settings(const SettingsFlags& flags, bool need_repo) {
  auto config = load_config_file(flags);
  if (!config) return config;
  if (Status applied = apply_flags(flags, *config); !applied) return applied.error();
  if (config->host_id.empty()) {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    config->host_id = name;
  }
  if (need_repo && config->repo_url.empty()) {
    return Error{"no state repository configured",
                 "pass --repo URL or --config agent.yaml with repo.url"};
  }
  return config;
}

}  // namespace tether
