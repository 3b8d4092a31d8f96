#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/review_commands.hpp"
#include "manifest/field_checks.hpp"
#include "review/plan_builder.hpp"
#include "review/render.hpp"
#include "review/scratch_dir.hpp"

#include <cstdio>

namespace tether {
namespace {

/// --host/--label as a HostIdentity; "" or an error message for usage errors.
std::optional<HostIdentity> extra_host(const PlanFlags& flags, std::string& problem) {
  if (flags.host.empty()) {
    if (!flags.labels.empty()) problem = "--label describes the host given with --host ID";
    return std::nullopt;
  }
  if (const std::string expected = checks::host_name(flags.host); !expected.empty()) {
    problem = "--host: expected " + expected + ", got \"" + flags.host + "\"";
    return std::nullopt;
  }
  HostIdentity host{flags.host, {}};
  for (const std::string& label : flags.labels) {
    const size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) {
      problem = "--label: expected KEY=VALUE, got \"" + label + "\"";
      return std::nullopt;
    }
    host.labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  return host;
}

int exit_status_of(review::PlanFailure failure) {
  switch (failure) {
    case review::PlanFailure::bad_revision:
    case review::PlanFailure::invalid_from:
    case review::PlanFailure::invalid_to:
      return k_exit_invalid_input;
    case review::PlanFailure::unreadable:
      break;
  }
  return k_exit_unreachable;
}

int usage(const std::string& problem) {
  std::fprintf(stderr, "tether plan: %s (see tether plan --help)\n", problem.c_str());
  return k_exit_usage;
}

}  // namespace

int plan_command(const PlanFlags& flags) {
  if (flags.live) return plan_live_command(flags);
  if (!flags.ref.empty()) return usage("--ref previews one host's live state: add --live");
  if (flags.from.empty()) return usage("--from is required (or --live --ref REF on a host)");
  const std::string location = flags.repo.empty() ? "." : flags.repo;
  const auto format = review::parse_plan_format(flags.format);
  if (!format) return usage("--format: expected text, markdown or json, got " + flags.format);
  if (flags.history_limit < 1) return usage("--history-limit: expected a positive number");
  std::string problem;
  const auto host = extra_host(flags, problem);
  if (!problem.empty()) return usage(problem);

  review::ScratchDir scratch("tether-plan");
  if (scratch.path().empty() && review::is_remote_location(location)) {
    std::fprintf(
        stderr, "tether plan: cannot create a temp dir to fetch %s into\n", location.c_str());
    return k_exit_failed;
  }
  auto repo = review::ReviewRepo::open(location, scratch.path());
  if (!repo) {
    print_error("plan", repo.error());
    return k_exit_unreachable;
  }
  const review::PlanRequest request{flags.from, flags.to, host, flags.history_limit};
  const review::PlanOutcome outcome = review::build_plan(**repo, request);
  if (const auto* error = std::get_if<review::PlanError>(&outcome)) {
    std::fprintf(stderr, "tether plan: %s\n", error->message.c_str());
    return exit_status_of(error->failure);
  }
  std::fputs(review::render(std::get<review::ReviewPlan>(outcome), *format).c_str(), stdout);
  return k_exit_ok;
}

}  // namespace tether
