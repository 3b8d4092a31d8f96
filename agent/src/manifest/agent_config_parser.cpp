#include "manifest/documents.hpp"
#include "manifest/field_checks.hpp"
#include "manifest/yaml_fields.hpp"

namespace tether {
namespace {

using Section = void (*)(FieldReader&, const YAML::Node&, AgentConfig&);

/// apply.parallel's ceiling: each converging service holds a thread (and its gate's probes).
constexpr long long k_max_apply_parallel = 64;

/// repo.sshKeyFile, knownHosts, tokenFile, username, caFile, timeout (net/git_access.hpp).
void read_repo_access(FieldReader& r, const YAML::Node& node, RepoAccess& out) {
  const std::pair<const char*, std::string RepoAccess::*> files[] = {
      {"sshKeyFile", &RepoAccess::ssh_key_file},
      {"knownHosts", &RepoAccess::known_hosts},
      {"tokenFile", &RepoAccess::token_file},
      {"caFile", &RepoAccess::ca_file}};
  for (const auto& [key, field] : files) {
    if (auto path = r.string(node, "repo", key, Need::optional, checks::absolute_path)) {
      out.*field = *path;
    }
  }
  if (auto user = r.string(node, "repo", "username", Need::optional)) out.username = *user;
  if (auto timeout = r.duration(node, "repo", "timeout", Need::optional)) {
    if (*timeout < std::chrono::seconds(1)) {
      r.error(node["timeout"], "repo.timeout", "expected a duration of at least 1s, e.g. 30s");
    } else {
      out.timeout = *timeout;
    }
  }
}

void read_repo(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node,
                        "repo",
                        {"url",
                         "branch",
                         "allowNonFastForward",
                         "sshKeyFile",
                         "knownHosts",
                         "tokenFile",
                         "username",
                         "caFile",
                         "timeout"});
  if (auto url = r.string(node, "repo", "url", Need::required, checks::repo_url)) {
    config.repo_url = *url;
  }
  if (auto branch = r.string(node, "repo", "branch", Need::optional, checks::branch)) {
    config.branch = *branch;
  }
  if (auto allow = r.boolean(node, "repo", "allowNonFastForward", Need::optional)) {
    config.allow_non_fast_forward = *allow;
  }
  read_repo_access(r, node, config.repo_access);
}

void read_host(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "host", {"id", "labels"});
  if (auto id = r.string(node, "host", "id", Need::optional, checks::host_name)) {
    config.host_id = *id;
  }
  if (auto labels = r.string_map(node, "host", "labels", 253)) config.host_labels = *labels;
}

void read_poll(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "poll", {"interval", "jitter"});
  if (auto interval = r.duration(node, "poll", "interval", Need::optional)) {
    config.poll_interval = *interval;
  }
  if (auto jitter = r.string(node, "poll", "jitter", Need::optional, checks::percent)) {
    config.poll_jitter_percent = std::stoi(*jitter);
  }
}

void read_api(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "api", {"listen", "webhookSecretFile"});
  if (auto listen = r.string(node, "api", "listen", Need::optional, checks::host_port)) {
    config.api_listen = *listen;
  }
  if (auto secret = r.string(node, "api", "webhookSecretFile", Need::optional)) {
    config.webhook_secret_file = *secret;
  }
}

void read_secrets(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "secrets", {"ageIdentityFile"});
  if (auto identity =
          r.string(node, "secrets", "ageIdentityFile", Need::optional, checks::absolute_path)) {
    config.age_identity_file = *identity;
  }
}

void read_verify(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "verify", {"allowedSigners", "allCommits", "trustAnchor"});
  if (auto signers =
          r.string(node, "verify", "allowedSigners", Need::optional, checks::absolute_path)) {
    config.allowed_signers = *signers;
  }
  if (auto all = r.boolean(node, "verify", "allCommits", Need::optional))
    config.verify_all_commits = *all;
  if (auto anchor = r.string(node, "verify", "trustAnchor", Need::optional, checks::commit))
    config.trust_anchor = *anchor;
}

/// A duration that must be above 0 (a zero timeout would mean "none" to libcurl).
void positive_duration(FieldReader& r,
                       const YAML::Node& node,
                       const std::string& section,
                       const char* key,
                       Millis& out) {
  auto value = r.duration(node, section, key, Need::optional);
  if (!value) return;
  if (*value <= Millis(0)) {
    r.error(node[key], section + "." + key, "expected a duration above 0, e.g. 30s");
    return;
  }
  out = *value;
}

void read_network(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(
      node,
      "network",
      {"connectTimeout", "lowSpeedBytesPerSecond", "lowSpeedTime", "downloadDeadline"});
  NetworkLimits& out = config.network;
  positive_duration(r, node, "network", "connectTimeout", out.connect_timeout);
  positive_duration(r, node, "network", "lowSpeedTime", out.low_speed_time);
  if (auto speed =
          r.integer(node, "network", "lowSpeedBytesPerSecond", Need::optional, 1, 1LL << 30)) {
    out.low_speed_bytes_per_second = *speed;
  }
  const YAML::Node deadline = node["downloadDeadline"];
  if (!deadline.IsDefined() || !r.expect_map(deadline, "network.downloadDeadline")) return;
  r.reject_unknown_keys(deadline, "network.downloadDeadline", {"base", "perMiB"});
  positive_duration(r, deadline, "network.downloadDeadline", "base", out.download_deadline_base);
  if (auto per_mib = r.duration(deadline, "network.downloadDeadline", "perMiB", Need::optional))
    out.download_deadline_per_mib = *per_mib;
}

void read_log(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "log", {"format", "level"});
  auto format = r.string(node, "log", "format", Need::optional, [](const std::string& v) {
    return v == "text" || v == "json" ? "" : "text or json";
  });
  if (format) config.log_format = *format == "json" ? LogFormat::json : LogFormat::text;
  auto level = r.string(node, "log", "level", Need::optional, [](const std::string& v) {
    for (const char* known : {"trace", "debug", "info", "warn", "error"}) {
      if (v == known) return std::string();
    }
    return std::string("one of trace, debug, info, warn, error");
  });
  if (level) config.log_level = *level;
}

void read_notify(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "notify", {"url"});
  if (auto url = r.string(node, "notify", "url", Need::optional, checks::http_url)) {
    config.notify_url = *url;
  }
}

/// `prometheus`: where spec.analysis queries go (docs/analysis.md).
void read_prometheus(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "prometheus", {"url", "timeout"});
  if (auto url = r.string(node, "prometheus", "url", Need::required, checks::http_url)) {
    config.prometheus.url = *url;
  }
  auto timeout = r.duration(node, "prometheus", "timeout", Need::optional);
  if (timeout && (*timeout < Millis(100) || *timeout > std::chrono::minutes(2))) {
    r.error(node["timeout"], "prometheus.timeout", "expected between 100ms and 2m, e.g. 5s");
  } else if (timeout) {
    config.prometheus.timeout = *timeout;
  }
}

void read_propose_revert(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  const char* section = "proposeRevert";
  r.reject_unknown_keys(
      node, section, {"enabled", "branchPrefix", "push", "sshKeyFile", "tokenFile", "username"});
  ProposeRevertConfig& out = config.propose_revert;
  if (auto enabled = r.boolean(node, section, "enabled", Need::optional)) out.enabled = *enabled;
  if (auto push = r.boolean(node, section, "push", Need::optional)) out.push = *push;
  if (auto prefix = r.string(node, section, "branchPrefix", Need::optional, checks::branch)) {
    out.branch_prefix = *prefix;
  }
  if (auto key = r.string(node, section, "sshKeyFile", Need::optional, checks::absolute_path)) {
    out.ssh_key_file = *key;
  }
  if (auto token = r.string(node, section, "tokenFile", Need::optional, checks::absolute_path)) {
    out.token_file = *token;
  }
  if (auto user = r.string(node, section, "username", Need::optional)) out.username = *user;
}

void read_apply(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "apply", {"parallel"});
  if (auto parallel = r.integer(node, "apply", "parallel", Need::optional, 1, k_max_apply_parallel))
    config.apply_parallel = static_cast<int>(*parallel);
}

void read_backoff(FieldReader& r, const YAML::Node& node, AgentConfig& config) {
  r.reject_unknown_keys(node, "backoff", {"base", "cap", "stable"});
  auto base = r.duration(node, "backoff", "base", Need::optional);
  auto cap = r.duration(node, "backoff", "cap", Need::optional);
  auto stable = r.duration(node, "backoff", "stable", Need::optional);
  if (base) config.backoff_base = *base;
  if (cap) config.backoff_cap = *cap;
  if (stable) config.backoff_stable = *stable;
  if (config.backoff_base <= Millis(0) && base) {
    r.error(node["base"], "backoff.base", "expected a duration above 0, e.g. 1s");
  } else if (config.backoff_cap < config.backoff_base && (base || cap)) {
    r.error(node[cap ? "cap" : "base"],
            cap ? "backoff.cap" : "backoff.base",
            "backoff.cap (" + format_duration(config.backoff_cap) + ") is below backoff.base (" +
                format_duration(config.backoff_base) + "); raise cap or lower base");
  }
}

}  // namespace

std::optional<AgentConfig> parse_agent_config(const std::string& file,
                                              const std::string& text,
                                              Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.size();
  auto document = load_yaml_document(file, text, diagnostics);
  if (!document) return std::nullopt;
  const YAML::Node root = *document;
  FieldReader r(file, diagnostics);
  r.reject_unknown_keys(root,
                        "",
                        {"apiVersion",
                         "kind",
                         "repo",
                         "root",
                         "host",
                         "poll",
                         "api",
                         "verify",
                         "runtime",
                         "log",
                         "notify",
                         "proposeRevert",
                         "backoff",
                         "network",
                         "apply",
                         "secrets",
                         "prometheus"});
  (void)r.string(root, "", "apiVersion", Need::required, [](const std::string& v) {
    return v == "tether.dev/v1" ? "" : "\"tether.dev/v1\"";
  });
  (void)r.string(root, "", "kind", Need::required, [](const std::string& v) {
    return v == "Agent" ? "" : "\"Agent\"";
  });
  AgentConfig config;
  if (auto value = r.string(root, "", "root", Need::optional, checks::absolute_path)) {
    config.root = *value;
  }
  if (auto value = r.string(root, "", "runtime", Need::optional, checks::runtime)) {
    config.runtime = runtime_named(*value).value_or(config.runtime);  // checks::runtime passed
  }
  const std::pair<const char*, Section> sections[] = {{"host", read_host},
                                                      {"poll", read_poll},
                                                      {"api", read_api},
                                                      {"verify", read_verify},
                                                      {"log", read_log},
                                                      {"notify", read_notify},
                                                      {"proposeRevert", read_propose_revert},
                                                      {"backoff", read_backoff},
                                                      {"network", read_network},
                                                      {"apply", read_apply},
                                                      {"secrets", read_secrets},
                                                      {"prometheus", read_prometheus}};
  if (YAML::Node repo = r.child(root, "", "repo", Need::required);
      repo.IsDefined() && r.expect_map(repo, "repo")) {
    read_repo(r, repo, config);
  }
  for (const auto& [key, read] : sections) {
    const YAML::Node node = root[key];
    if (node.IsDefined() && r.expect_map(node, key)) read(r, node, config);
  }
  if (diagnostics.size() != errors_before) return std::nullopt;
  return config;
}

}  // namespace tether
