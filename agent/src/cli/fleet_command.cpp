#include "cli/fleet_command.hpp"

#include "cli/commands.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "fleet/fleet_reader.hpp"
#include "fleet/fleet_render.hpp"
#include "fleet/fleet_wait.hpp"
#include "fleet/plan_summary.hpp"
#include "fleet/status_source.hpp"
#include "fleet/targets.hpp"
#include "source/ref_name.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

namespace tether {
namespace {

/// A usage error: says what is wrong and where to read more; returns the exit status.
int usage(const char* command, const std::string& problem) {
  std::fprintf(stderr,
               "tether fleet %s: %s (see tether fleet %s --help)\n",
               command,
               problem.c_str(),
               command);
  return k_exit_usage;
}

Result<std::vector<std::string>> read_targets(const std::string& file) {
  if (file == "-") {
    const std::string text(std::istreambuf_iterator<char>(std::cin), {});
    return fleet::parse_targets(text, "stdin");
  }
  auto text = read_file(file);
  if (!text) return text.error().with_context("--targets");
  return fleet::parse_targets(*text, file);
}

/// A duration flag that must be positive, or nullopt after printing the usage error.
std::optional<Millis> positive_duration(const char* command,
                                        const char* flag,
                                        const std::string& text) {
  const auto duration = parse_duration(text);
  if (duration && duration->count() > 0) return duration;
  usage(command,
        std::string(flag) + ": expected a positive duration like 500ms, 5s or 10m, got \"" + text +
            "\"");
  return std::nullopt;
}

bool hex_prefix(const std::string& text) {
  return text.size() <= 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// The fleet reader --targets or --prometheus chooses, with the status source it reads through.
struct ChosenReader {
  std::unique_ptr<fleet::CurlStatusSource> source;
  std::unique_ptr<fleet::FleetReader> reader;
};

/// The reader, or nullopt after printing the usage error.
std::optional<ChosenReader> choose_reader(const char* command,
                                          const std::string& targets_file,
                                          const std::string& prometheus,
                                          const std::string& job,
                                          int concurrency) {
  if (targets_file.empty() == prometheus.empty()) {
    usage(command,
          targets_file.empty() ? "expected --targets FILE or --prometheus URL"
                               : "--targets and --prometheus exclude each other");
    return std::nullopt;
  }
  ChosenReader chosen;
  if (!prometheus.empty()) {
    if (prometheus.rfind("http://", 0) != 0 && prometheus.rfind("https://", 0) != 0) {
      usage(command,
            "--prometheus: expected an http:// or https:// URL, got \"" + prometheus + "\"");
      return std::nullopt;
    }
    if (job.empty()) {
      usage(command, "--job: expected the scrape job of the agents, got \"\"");
      return std::nullopt;
    }
    chosen.reader = std::make_unique<fleet::PrometheusReader>(prometheus, job);
    return chosen;
  }
  auto targets = read_targets(targets_file);
  if (!targets) {
    usage(command, targets.error().describe());
    return std::nullopt;
  }
  chosen.source = std::make_unique<fleet::CurlStatusSource>(concurrency);
  chosen.reader = std::make_unique<fleet::AgentsReader>(*chosen.source, std::move(*targets));
  return chosen;
}

}  // namespace

int fleet_status_command(const FleetStatusFlags& flags) {
  const auto timeout = positive_duration("status", "--timeout", flags.timeout);
  if (!timeout) return k_exit_usage;
  if (flags.concurrency < 1) return usage("status", "--concurrency: expected at least 1");
  const auto chosen =
      choose_reader("status", flags.targets, flags.prometheus, flags.job, flags.concurrency);
  if (!chosen) return k_exit_usage;

  const auto read = chosen->reader->read(*timeout);
  if (!read) {
    std::fprintf(stderr, "tether fleet status: %s\n", read.error().describe().c_str());
    return k_exit_failed;
  }
  const std::vector<fleet::HostView>& hosts = *read;
  const fleet::FleetSummary summary = fleet::summarize(hosts, flags.service);
  if (flags.json) {
    std::puts(json_text(fleet::status_json(hosts, summary), 2).c_str());
  } else {
    const auto table = flags.hosts ? fleet::HostTable::show : fleet::HostTable::hide;
    std::fputs(fleet::status_text(hosts, summary, table).c_str(), stdout);
  }
  return summary.converged() ? k_exit_ok : k_exit_failed;
}

int fleet_wait_command(const FleetWaitFlags& flags) {
  const auto timeout = positive_duration("wait", "--timeout", flags.timeout);
  const auto interval =
      timeout ? positive_duration("wait", "--interval", flags.interval) : std::nullopt;
  const auto request = interval
                           ? positive_duration("wait", "--request-timeout", flags.request_timeout)
                           : std::nullopt;
  if (!request) return k_exit_usage;
  const fleet::WaitOptions options{*timeout, *interval, *request, flags.fail_on_quarantine};
  if (flags.percent < 1 || flags.percent > 100)
    return usage("wait", "--percent: expected 1 to 100, got " + std::to_string(flags.percent));
  if (flags.concurrency < 1) return usage("wait", "--concurrency: expected at least 1");
  if (!hex_prefix(flags.commit))
    return usage(
        "wait",
        "--commit: expected lowercase hex, at most 40 digits, got \"" + flags.commit + "\"");
  const auto chosen =
      choose_reader("wait", flags.targets, flags.prometheus, flags.job, flags.concurrency);
  if (!chosen) return k_exit_usage;

  const fleet::WaitGoal goal{flags.service, flags.version, flags.commit, flags.percent};
  SystemClock clock;
  std::string last_line;
  const auto report = [&](const fleet::GoalProgress& progress) {
    const std::string line = fleet::progress_line(goal, progress);
    if (line != last_line) std::fprintf(stderr, "tether fleet wait: %s\n", line.c_str());
    last_line = line;
  };
  const auto report_error = [&](const Error& error) {
    const std::string line = "cannot read the fleet: " + error.describe();
    if (line != last_line) std::fprintf(stderr, "tether fleet wait: %s\n", line.c_str());
    last_line = line;
  };
  const fleet::WaitResult result =
      fleet::wait_for_goal(*chosen->reader, clock, goal, options, report, report_error);
  if (flags.json) {
    std::puts(json_text(fleet::wait_json(goal, result.progress, result.outcome), 2).c_str());
  } else {
    const fleet::FleetSummary summary = fleet::summarize(result.hosts, goal.service);
    std::fputs(fleet::wait_text(goal, result.progress, summary, result.outcome).c_str(), stdout);
  }
  return result.outcome == fleet::WaitOutcome::met ? k_exit_ok : k_exit_failed;
}

int fleet_plan_command(const FleetPlanFlags& flags) {
  const auto timeout = positive_duration("plan", "--timeout", flags.timeout);
  if (!timeout) return k_exit_usage;
  if (flags.concurrency < 1) return usage("plan", "--concurrency: expected at least 1");
  if (flags.format != "text" && flags.format != "markdown" && flags.format != "json")
    return usage("plan", "--format: expected text, markdown or json, got " + flags.format);
  if (const std::string expected = check_ref_name(flags.ref); !expected.empty())
    return usage("plan", "--ref: expected " + expected + ", got \"" + flags.ref + "\"");
  const auto targets = read_targets(flags.targets);
  if (!targets) return usage("plan", targets.error().describe());

  std::vector<std::string> urls;
  for (const std::string& target : *targets) urls.push_back(fleet::plan_url(target, flags.ref));
  std::vector<fleet::HostPlan> hosts;
  for (const fleet::Reply& reply :
       fleet::curl_get_all(*targets, urls, flags.concurrency, *timeout)) {
    hosts.push_back(fleet::host_plan(reply));
  }
  const fleet::FleetPlan plan = fleet::summarize_plan(flags.ref, std::move(hosts));
  if (flags.format == "json") {
    std::puts(json_text(fleet::plan_json(plan), 2).c_str());
  } else if (flags.format == "markdown") {
    std::fputs(fleet::plan_markdown(plan).c_str(), stdout);
  } else {
    std::fputs(fleet::plan_text(plan).c_str(), stdout);
  }
  return plan.complete() ? k_exit_ok : k_exit_failed;
}

}  // namespace tether
