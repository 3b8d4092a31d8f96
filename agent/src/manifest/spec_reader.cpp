#include "manifest/spec_reader.hpp"

#include "manifest/analysis_reader.hpp"
#include "manifest/config_encryption.hpp"
#include "manifest/field_checks.hpp"
#include "manifest/health_reader.hpp"
#include "manifest/migrations_reader.hpp"
#include "manifest/release_reader.hpp"
#include "manifest/rollout_reader.hpp"
#include "manifest/shared_reader.hpp"
#include "manifest/socket_handoff_reader.hpp"
#include "manifest/switch_reader.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace tether {
namespace {

/// Every field of a Service spec; all but the first may be overridden per host.
constexpr std::array<std::string_view, 17> k_spec_fields = {"selector",
                                                            "release",
                                                            "container",
                                                            "runtime",
                                                            "allowFloatingTag",
                                                            "config",
                                                            "run",
                                                            "health",
                                                            "rollout",
                                                            "keepReleases",
                                                            "hooks",
                                                            "dependsOn",
                                                            "suspend",
                                                            "shared",
                                                            "migrations",
                                                            "analysis",
                                                            "switch"};

std::optional<ContainerSpec> read_container(FieldReader& r,
                                            const YAML::Node& node,
                                            const std::string& path,
                                            bool allow_floating_tag) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(
      node, path, {"image", "name", "args", "env", "ports", "volumes", "user", "stopTimeout"});
  ContainerSpec c;
  auto image = r.string(node,
                        path,
                        "image",
                        Need::required,
                        allow_floating_tag ? StringCheck{} : StringCheck{checks::pinned_image});
  auto name = r.string(node, path, "name", Need::optional, checks::container_name);
  auto args = r.string_list(node, path, "args", Need::optional, false);
  auto env = r.string_map(node, path, "env", SIZE_MAX);
  auto ports = r.string_list(node, path, "ports", Need::optional, false);
  auto volumes = r.string_list(node, path, "volumes", Need::optional, false);
  auto user = r.string(node, path, "user", Need::optional);
  auto stop = r.duration(node, path, "stopTimeout", Need::optional);
  if (!image || (node["stopTimeout"].IsDefined() && !stop)) return std::nullopt;
  c.image = *image;
  c.name = name.value_or("");
  c.args = args.value_or(std::vector<std::string>{});
  c.env = env.value_or(StringMap{});
  c.ports = ports.value_or(std::vector<std::string>{});
  c.volumes = volumes.value_or(std::vector<std::string>{});
  c.user = user.value_or("");
  if (stop) c.stop_timeout = *stop;
  return c;
}

std::optional<std::vector<ConfigFile>> read_config(FieldReader& r,
                                                   const YAML::Node& node,
                                                   const std::string& path) {
  if (!node.IsSequence()) {
    r.error(node, path, "expected a list of {source, target} entries");
    return std::nullopt;
  }
  std::vector<ConfigFile> files;
  bool ok = true;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!r.expect_map(item, item_path)) {
      ok = false;
      continue;
    }
    r.reject_unknown_keys(item, item_path, {"source", "target", "encryption"});
    auto source = r.string(item, item_path, "source", Need::required, checks::config_source);
    auto target = r.string(item, item_path, "target", Need::required, checks::config_target);
    auto encryption = read_config_encryption(r, item, item_path);
    ok = ok && source && target && encryption;
    if (source && target && encryption) files.push_back(ConfigFile{*source, *target, *encryption});
  }
  if (!ok) return std::nullopt;
  return files;
}

std::optional<RunSpec> read_run(FieldReader& r, const YAML::Node& node, const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"systemd", "exec"});
  const bool has_systemd = node["systemd"].IsDefined();
  const bool has_exec = node["exec"].IsDefined();
  if (has_systemd == has_exec) {
    r.error(node, path, "set exactly one of run.systemd (a unit) or run.exec (a command)");
    return std::nullopt;
  }
  if (has_systemd) {
    auto unit = r.string(node, path, "systemd", Need::required, checks::systemd_unit);
    if (!unit) return std::nullopt;
    return RunSpec{SystemdRun{*unit}};
  }
  const std::string exec_path = join_path(path, "exec");
  const YAML::Node exec = node["exec"];
  if (!r.expect_map(exec, exec_path)) return std::nullopt;
  r.reject_unknown_keys(exec, exec_path, {"command", "env", "stopTimeout"});
  auto command = r.string_list(exec, exec_path, "command", Need::required, true);
  auto env = r.string_map(exec, exec_path, "env", SIZE_MAX);
  auto stop = r.duration(exec, exec_path, "stopTimeout", Need::optional);
  const bool bad_env = exec["env"].IsDefined() && !env;
  const bool bad_stop = exec["stopTimeout"].IsDefined() && !stop;
  if (!command || bad_env || bad_stop) return std::nullopt;
  ExecRun run;
  run.command = *command;
  run.env = env.value_or(StringMap{});
  if (stop) run.stop_timeout = *stop;
  return RunSpec{run};
}

std::optional<Hooks> read_hooks(FieldReader& r, const YAML::Node& node, const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"preSwitch", "postSwitch", "timeout"});
  Hooks hooks;
  bool ok = true;
  auto read_command = [&](const char* key, std::vector<std::string>& out) {
    if (!node[key].IsDefined()) return;
    auto command = r.string_list(node, path, key, Need::optional, true);
    ok = ok && command.has_value();
    if (command) out = *command;
  };
  read_command("preSwitch", hooks.pre_switch);
  read_command("postSwitch", hooks.post_switch);
  if (node["timeout"].IsDefined()) {
    auto timeout = r.duration(node, path, "timeout", Need::optional);
    ok = ok && timeout.has_value();
    if (timeout) hooks.timeout = *timeout;
  }
  if (!ok) return std::nullopt;
  return hooks;
}

/// `spec.dependsOn`: a list of service names, each once. Whether they exist for the host and
/// form no cycle is checked once every service is known (state_loader).
std::optional<std::vector<std::string>> read_depends_on(FieldReader& r,
                                                        const YAML::Node& spec,
                                                        const std::string& path) {
  auto names = r.string_list(spec, path, "dependsOn", Need::optional, false);
  if (!names) return std::nullopt;
  const std::string field = join_path(path, "dependsOn");
  bool ok = true;
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    if (std::string expected = checks::service_name((*names)[i]); !expected.empty()) {
      r.error(spec["dependsOn"][i], item, "expected " + expected + ", got \"" + (*names)[i] + "\"");
      ok = false;
    } else if (std::find(names->begin(), names->begin() + static_cast<long>(i), (*names)[i]) !=
               names->begin() + static_cast<long>(i)) {
      r.error(spec["dependsOn"][i], item, "\"" + (*names)[i] + "\" is listed twice");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return names;
}

// readiness and watchdog from the service itself (sd_notify, issue #23)
/// health.notify is heard on the socket tether gives the processes it supervises: run.exec
/// only (systemd does Type=notify itself; containers would need podman's --sdnotify).
bool check_notify_run(FieldReader& r, const YAML::Node& spec, const std::string& path) {
  // IsDefined() first: asking a missing key's node anything else throws.
  const YAML::Node health = spec["health"];
  if (!health.IsDefined() || !health.IsMap() || !health["notify"].IsDefined()) return true;
  const YAML::Node run = spec["run"];
  const bool run_map = run.IsDefined() && run.IsMap();
  if (run_map && run["exec"].IsDefined()) return true;
  r.error(health["notify"],
          join_path(join_path(path, "health"), "notify"),
          run_map && run["systemd"].IsDefined()
              ? "only for run.exec: for run.systemd set Type=notify (and WatchdogSec=) in the "
                "unit, which systemd enforces, and gate on an http, tcp or exec probe"
              : "only for run.exec: a container service cannot use it yet (podman's "
                "--sdnotify is not wired); use an http, tcp or exec probe");
  return false;
}

/// Checks the combinations that only make sense for a whole spec.
bool check_combinations(FieldReader& r, const YAML::Node& spec, const std::string& path) {
  const bool has_release = spec["release"].IsDefined();
  const bool has_container = spec["container"].IsDefined();
  bool ok = true;
  if (has_release == has_container) {
    r.error(spec,
            path,
            "set exactly one of spec.release (a binary release) or spec.container (an image)");
    return false;
  }
  if (has_release && !spec["run"].IsDefined()) {
    r.error(
        spec, join_path(path, "run"), "required for a binary release: set run.exec or run.systemd");
    ok = false;
  }
  if (has_container && spec["run"].IsDefined()) {
    r.error(spec["run"],
            join_path(path, "run"),
            "not allowed for a container service: the container is what runs");
    ok = false;
  }
  ok = check_notify_run(r, spec, path) && ok;
  return ok;
}

}  // namespace

std::optional<std::string> read_suspend(FieldReader& r,
                                        const YAML::Node& parent,
                                        const std::string& path) {
  const YAML::Node node = parent["suspend"];
  if (!node.IsDefined()) return std::nullopt;
  const std::string suspend_path = join_path(path, "suspend");
  if (!r.expect_map(node, suspend_path)) return std::nullopt;
  r.reject_unknown_keys(node, suspend_path, {"reason"});
  return r.string(node, suspend_path, "reason", Need::required, checks::suspend_reason);
}

std::optional<Service> read_service_spec(FieldReader& r,
                                         const YAML::Node& spec,
                                         const std::string& path,
                                         SpecMode mode) {
  if (!r.expect_map(spec, path)) return std::nullopt;
  // A host override may replace any spec field but the selector (which decides whether the
  // host runs the service at all).
  if (mode == SpecMode::whole) {
    r.reject_unknown_keys(spec, path, k_spec_fields);
  } else {
    r.reject_unknown_keys(spec, path, std::span(k_spec_fields).subspan(1));
  }
  bool ok = mode == SpecMode::fields_only || check_combinations(r, spec, path);
  Service service;
  auto note = [&ok](bool present, bool valid) { ok = ok && (!present || valid); };

  auto selector = r.string_map(spec, path, "selector", 253);
  note(spec["selector"].IsDefined(), selector.has_value());
  service.selector = selector.value_or(StringMap{});

  auto floating = r.boolean(spec, path, "allowFloatingTag", Need::optional);
  note(spec["allowFloatingTag"].IsDefined(), floating.has_value());
  service.allow_floating_tag = floating.value_or(false);

  auto runtime = r.string(spec, path, "runtime", Need::optional, checks::runtime);
  note(spec["runtime"].IsDefined(), runtime.has_value());
  if (runtime) service.runtime = runtime_named(*runtime);

  if (const YAML::Node node = spec["release"]; node.IsDefined()) {
    auto release = read_release(r, node, join_path(path, "release"));
    note(true, release.has_value());
    if (release) service.workload = *release;
  }
  if (const YAML::Node node = spec["container"]; node.IsDefined()) {
    // In a host override the pin rule waits for the merge: allowFloatingTag may come from the
    // service itself.
    const bool pin_optional = service.allow_floating_tag || mode == SpecMode::fields_only;
    auto container = read_container(r, node, join_path(path, "container"), pin_optional);
    note(true, container.has_value());
    if (container) service.workload = *container;
  }
  if (const YAML::Node node = spec["config"]; node.IsDefined()) {
    auto config = read_config(r, node, join_path(path, "config"));
    note(true, config.has_value());
    service.config = config.value_or(std::vector<ConfigFile>{});
  }
  if (const YAML::Node node = spec["run"]; node.IsDefined()) {
    service.run = read_run(r, node, join_path(path, "run"));
    note(true, service.run.has_value());
  }
  if (const YAML::Node node = spec["health"]; node.IsDefined()) {
    service.health = read_health(r, node, join_path(path, "health"));
    note(true, service.health.has_value());
  }
  if (const YAML::Node node = spec["hooks"]; node.IsDefined()) {
    auto hooks = read_hooks(r, node, join_path(path, "hooks"));
    note(true, hooks.has_value());
    if (hooks) service.hooks = *hooks;
  }
  if (const YAML::Node node = spec["rollout"]; node.IsDefined()) {
    note(true, read_rollout(r, node, join_path(path, "rollout"), service));
  }
  auto depends_on = read_depends_on(r, spec, path);
  note(spec["dependsOn"].IsDefined(), depends_on.has_value());
  service.depends_on = depends_on.value_or(std::vector<std::string>{});

  service.suspend = read_suspend(r, spec, path);
  note(spec["suspend"].IsDefined(), service.suspend.has_value());

  // Migrations (#23).
  service.migrations = read_migrations(r, spec, path);
  note(spec["migrations"].IsDefined(), service.migrations.has_value());

  auto keep = r.integer(spec, path, "keepReleases", Need::optional, 1, 100);
  note(spec["keepReleases"].IsDefined(), keep.has_value());
  service.keep_releases = static_cast<int>(keep.value_or(5));

  if (const YAML::Node node = spec["shared"]; node.IsDefined()) {
    auto shared = read_shared(r, node, join_path(path, "shared"));
    note(true, shared.has_value());
    if (shared) service.shared = *shared;
  }

  if (const YAML::Node node = spec["analysis"]; node.IsDefined()) {
    service.analysis = read_analysis(r, node, join_path(path, "analysis"));
    note(true, service.analysis.has_value());
  }

  if (mode == SpecMode::whole && ok && service.analysis && service.container()) {
    r.error(spec["analysis"],
            join_path(path, "analysis"),
            "spec.analysis judges the switch of a binary release; a container service cannot "
            "have it yet: remove it or run the service from a release");
    ok = false;
  }
  // Zero-downtime switches (h/bluegreen).
  if (auto switch_spec = read_switch(r, spec, path, ok)) service.switch_spec = *switch_spec;
  if (mode == SpecMode::whole) ok = check_blue_green_service(r, spec, path) && ok;
  if (mode == SpecMode::whole) ok = check_socket_handoff_service(r, spec, path) && ok;

  if (mode == SpecMode::whole && ok) ok = check_config_targets(r, spec, service);
  if (mode == SpecMode::whole && ok) ok = check_encrypted_config_workload(r, spec, service);
  if (mode == SpecMode::whole && ok) ok = check_shared_paths(r, spec, service);
  if (!ok) return std::nullopt;
  return service;
}

}  // namespace tether
