#include "cli/agent_settings.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/review_commands.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "preview/preview_render.hpp"
#include "preview/previewer.hpp"
#include "process/command_runner.hpp"

#include <cstdio>

namespace tether {
namespace {

int live_usage(const std::string& problem) {
  std::fprintf(stderr, "tether plan --live: %s (see tether plan --help)\n", problem.c_str());
  return k_exit_usage;
}

int exit_status_of(preview::PreviewFailure failure) {
  switch (failure) {
    case preview::PreviewFailure::bad_ref:
      return k_exit_usage;
    case preview::PreviewFailure::unknown_ref:
    case preview::PreviewFailure::invalid_manifests:
      return k_exit_invalid_input;
    case preview::PreviewFailure::unreachable:
    case preview::PreviewFailure::timed_out:
      break;
  }
  return k_exit_unreachable;
}

}  // namespace

int plan_live_command(const PlanFlags& flags) {
  if (flags.ref.empty()) return live_usage("--ref REF is required");
  if (!flags.from.empty())
    return live_usage(
        "--from compares two revisions; --live compares one ref "
        "with this host");
  if (flags.format != "text" && flags.format != "json")
    return live_usage("--format: expected text or json, got " + flags.format);
  const auto timeout = parse_duration(flags.timeout);
  if (!timeout || timeout->count() <= 0)
    return live_usage("--timeout: expected a duration like 10s, got \"" + flags.timeout + "\"");
  SettingsFlags settings;
  settings.config_file = flags.config_file;
  settings.repo = flags.repo;
  settings.branch = flags.branch;
  settings.root = flags.root;
  settings.host_id = flags.host;
  settings.labels = flags.labels;
  auto config = resolve_settings(settings, /*need_repo=*/true);
  if (!config) {
    print_error("plan", config.error());
    return k_exit_usage;
  }
  // stdout carries the preview; what the previewer logs (a container runtime that cannot be
  // asked) goes to stderr, warnings only.
  configure_logging(LogStyle::text, LogLevel::warn);
  ProcessRunner runner;
  const ContainerEngines containers(runner, config->runtime);
  const preview::Previewer previewer({Layout{config->root},
                                      HostIdentity{config->host_id, config->host_labels},
                                      config->repo_url,
                                      trust_policy_of(*config),
                                      *timeout,
                                      config->repo_access},
                                     &containers);
  const preview::PreviewOutcome outcome = previewer.preview(flags.ref);
  if (const auto* error = std::get_if<preview::PreviewError>(&outcome)) {
    print_error("plan", error->error);
    return exit_status_of(error->failure);
  }
  const auto& result = std::get<preview::Preview>(outcome);
  if (flags.format == "json") {
    std::puts(json_text(preview::preview_json(result), 2).c_str());
  } else {
    std::fputs(preview::preview_text(result).c_str(), stdout);
  }
  return k_exit_ok;
}

}  // namespace tether
