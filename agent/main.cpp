// The `tether` executable: argument parsing and wiring only; all logic lives in tether_core.
#include "cli/commands.hpp"
#include "cli/fleet_command.hpp"
#include "cli/init_command.hpp"
#include "cli/review_commands.hpp"
#include "core/agent_signals.hpp"
#include "process/lean_start.hpp"

#include <CLI/CLI.hpp>

#include <string_view>

namespace {

constexpr const char* k_description =
    "tether: a GitOps reconciler for hosts. It pulls a desired-state Git repo, compares each\n"
    "service's declared release with what is live under its root, and converges: install,\n"
    "verify, switch `current` atomically, restart. A rollback is a `git revert` in the repo.";

constexpr const char* k_run_footer =
    "\nExamples:\n"
    "  tether run --repo git://git.example.com/state.git --root /var/lib/tether\n"
    "  tether run --once --dry-run --config /etc/tether/agent.yaml   # print the plan only\n"
    "\nExit status of --once: 0 converged, 1 a service failed to converge, 2 usage or\n"
    "config error, 3 the state commit was refused (invalid manifests; the host stays on its\n"
    "last good state), 4 the state repo could not be reached, 5 another agent holds the\n"
    "root's lock.\n"
    "Signals (daemon): SIGHUP polls now; SIGTERM/SIGINT stop the agent, services keep running.";

void add_settings_flags(CLI::App& command, tether::SettingsFlags& s, bool for_run) {
  command.add_option(
      "--config", s.config_file, "agent.yaml to read (default /etc/tether/agent.yaml if present)");
  command.add_option(
      "--root",
      s.root,
      "agent root holding releases, state and the repo mirror (default /var/lib/tether)");
  if (!for_run) return;
  command.add_option("--repo", s.repo, "state repo URL: file://, git://, http(s):// or a path");
  command.add_option("--branch", s.branch, "branch of the state repo to follow (default main)");
  command.add_option(
      "--host-id", s.host_id, "this host's id; hosts/<id>.yaml applies (default: hostname)");
  command.add_option(
      "--label", s.labels, "host label KEY=VALUE for service selectors (repeatable)");
  command.add_option(
      "--interval", s.interval, "poll interval, e.g. 30s (default 30s, jittered by poll.jitter)");
  command.add_option("--log-format", s.log_format, "text or json (one object per line)");
  command.add_option("--log-level", s.log_level, "trace, debug, info, warn or error");
  command.add_option(
      "--api-listen",
      s.api_listen,
      "serve /healthz, /status and /metrics on HOST:PORT, e.g. 127.0.0.1:9410 (daemon only)");
}

/// `tether run` without --once, --dry-run or --help: the long-lived daemon, the one process
/// whose footprint every host pays for as long as it runs.
bool starts_daemon(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "run") return false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--once" || arg == "--dry-run" || arg == "--help" || arg == "-h") return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists (and kept across the daemon's re-exec): the agent takes SIGHUP,
  // SIGUSR1, SIGTERM and SIGINT itself, synchronously; no thread may die of them.
  if (argc >= 2 && std::string_view(argv[1]) == "run") tether::block_agent_signals();
  if (starts_daemon(argc, argv)) tether::reexec_without_implicit_tls_init(argv);
  CLI::App app{k_description, "tether"};
  app.require_subcommand(1);
  app.set_version_flag("--version", TETHER_VERSION_TEXT);

  tether::SettingsFlags settings;
  tether::RunFlags run_flags;
  auto* run =
      app.add_subcommand("run", "Run the agent: poll the state repo and converge this host");
  add_settings_flags(*run, settings, /*for_run=*/true);
  run->add_flag("--once", run_flags.once, "one pass, then exit (status says how it went)");
  run->add_flag("--dry-run", run_flags.dry_run, "print the plan and change nothing on disk");
  run->footer(k_run_footer);

  tether::StatusFlags status_flags;
  auto* status =
      app.add_subcommand("status", "Show what is live on this host: release, process, last change");
  add_settings_flags(*status, settings, /*for_run=*/false);
  status->add_option("-o,--output", status_flags.output, "text (a table) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  status->add_flag("--json", status_flags.json, "same as --output json");

  tether::HistoryFlags history_flags;
  auto* history =
      app.add_subcommand("history", "Show the journal of applied changes, newest first");
  add_settings_flags(*history, settings, /*for_run=*/false);
  history->add_option("service", history_flags.service, "only this service");
  history->add_option("-n,--limit", history_flags.limit, "show at most N entries");
  history->add_option("-o,--output", history_flags.output, "text (a table) or json (one per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  history->add_flag("--json", history_flags.json, "same as --output json");

  tether::ReleasesFlags releases_flags;
  auto* releases = app.add_subcommand(
      "releases", "List a service's installed releases: live, previous, quarantined, size");
  add_settings_flags(*releases, settings, /*for_run=*/false);
  releases->add_option("service", releases_flags.service, "the service")->required();
  releases->add_option("-o,--output", releases_flags.output, "text (a table) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  releases->add_flag("--json", releases_flags.json, "same as --output json");

  std::string retry_service;
  auto* retry = app.add_subcommand(
      "retry", "Lift a quarantine: try a release that failed its health check again");
  add_settings_flags(*retry, settings, /*for_run=*/false);
  retry->add_option("service", retry_service, "the quarantined service")->required();
  retry->footer(
      "\nA release that fails its health check is rolled back and quarantined: the agent does not\n"
      "try it again until the service's declaration changes in the state repo. After fixing what\n"
      "was wrong outside the repo (a database, a firewall), `tether retry SERVICE` lets the next\n"
      "pass try the same release again.\n"
      "With --accept-migrations it lifts no quarantine: it accepts that a rollback leaves the\n"
      "release in `current` for one recorded with an older migration state (spec.migrations,\n"
      "onRollback: refuse), which the agent then carries out.");
  bool retry_accept_migrations = false;  // Migrations (#23)
  retry->add_flag("--accept-migrations",
                  retry_accept_migrations,
                  "accept a rollback across recorded migrations held by onRollback: refuse");

  tether::DrillFlags drill_flags;  // Rollback drills (#23)
  auto* drill = app.add_subcommand(
      "drill",
      "Rehearse a service's rollback on this host: to its previous release and back, timed");
  add_settings_flags(*drill, settings, /*for_run=*/false);
  drill->add_option("service", drill_flags.service, "the service to drill")->required();
  drill->footer(
      "\nSwitches SERVICE to the release that passed its health gate here before the one that\n"
      "serves, through the normal health gate, then back to the one that serves, and says how\n"
      "long each switch took (journaled as `drill`, tether_drill_seconds on /metrics). It always\n"
      "ends on the release that served: a failed rollback leg is a failed drill (exit 1). With a\n"
      "running agent it holds the service (as tether suspend does) while it works.");

  tether::SuspendFlags suspend_flags;
  auto* suspend = app.add_subcommand(
      "suspend", "Hold services as they run on this host (an incident freeze), without a commit");
  add_settings_flags(*suspend, settings, /*for_run=*/false);
  suspend->add_option("service", suspend_flags.service, "the service to hold");
  suspend->add_flag("--all", suspend_flags.all, "hold every service of this host");
  suspend->add_option("--reason", suspend_flags.reason, "why (shown in status, journaled)")
      ->required();
  suspend->add_option("--for", suspend_flags.for_duration, "lift the hold by itself after D (2h)");
  suspend->footer(
      "\nA suspended service is changed in no way (no install, switch, restart, repair, removal\n"
      "or prune) until `tether resume`; its health is still watched and reported. status,\n"
      "/status, /metrics (tether_suspended) and plan show the hold and what it keeps back. In\n"
      "Git, `spec.suspend: {reason: ...}` in a Service or Host file holds it for review.");
  std::string resume_service;
  bool resume_all = false;
  auto* resume = app.add_subcommand("resume", "Lift a hold set by `tether suspend`");
  add_settings_flags(*resume, settings, /*for_run=*/false);
  resume->add_option("service", resume_service, "the service to release");
  resume->add_flag("--all", resume_all, "lift every hold of this host's own");

  tether::PlanFlags plan_flags;
  auto* plan = app.add_subcommand(
      "plan", "Show per host what moving the state repo from one commit to another does");
  plan->add_option("--repo",
                   plan_flags.repo,
                   "state repo: a local path or a URL (default: .; --live: repo.url)");
  plan->add_option("--from", plan_flags.from, "the revision reviewed against (sha, branch, tag)");
  plan->add_option("--to", plan_flags.to, "the revision under review")->capture_default_str();
  plan->add_option("--format", plan_flags.format, "text, markdown (a PR comment) or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  plan->add_option("--host", plan_flags.host, "also plan for this host id (not in hosts/)");
  plan->add_option("--label", plan_flags.labels, "KEY=VALUE label of --host (repeatable)");
  plan->add_option("--history-limit",
                   plan_flags.history_limit,
                   "commits of --from's history searched for earlier releases")
      ->capture_default_str();
  plan->add_flag("--live", plan_flags.live, "this host's live state against --ref (see below)");
  plan->add_option("--ref", plan_flags.ref, "with --live: the branch or ref to preview");
  plan->add_option("--config", plan_flags.config_file, "with --live: agent.yaml to read");
  plan->add_option("--root", plan_flags.root, "with --live: the agent's root");
  plan->add_option("--branch", plan_flags.branch, "with --live: the branch the agent follows");
  plan->add_option("--timeout", plan_flags.timeout, "with --live: limit for fetching --ref")
      ->capture_default_str();
  plan->footer(tether::k_plan_footer);

  tether::RevertFlags revert_flags;
  auto* revert = app.add_subcommand(
      "revert", "Revert a state repo commit on a new branch, ready for a pull request");
  revert->add_option("commit", revert_flags.commit, "the commit to revert (sha, tag, main~2)");
  revert->add_option("--repo", revert_flags.repo, "state repo URL or path to clone");
  revert->add_option("--proposal",
                     revert_flags.proposal,
                     "SERVICE: on a host, print the revert its agent proposed after rolling "
                     "SERVICE back (reads --root; no COMMIT or --repo)");
  add_settings_flags(*revert, settings, /*for_run=*/false);
  revert->add_option("--onto", revert_flags.onto, "branch the revert goes on top of")
      ->capture_default_str();
  revert->add_option("--branch", revert_flags.branch, "new branch (default revert-<sha12>)");
  revert->add_flag("--push", revert_flags.push, "push the branch to the repo");
  revert->add_option("--author", revert_flags.author, "\"Name <email>\" (default: git config)");
  revert->add_option("--workdir", revert_flags.workdir, "clone here and keep it (new or empty)");
  revert->add_option("-m,--mainline", revert_flags.mainline, "parent to keep for a merge commit");
  revert->add_option("--format", revert_flags.format, "plan as text or markdown; json: all output")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  revert->footer(tether::k_revert_footer);

  tether::ValidateFlags validate_flags;
  auto* validate = app.add_subcommand(
      "validate", "Check a state repo at one commit for everything the agents would refuse");
  validate->add_option("rev", validate_flags.rev, "the revision to check (sha, branch, tag)")
      ->capture_default_str();
  validate->add_option("--repo", validate_flags.repo, "state repo: a local path or a URL")
      ->capture_default_str();
  validate->add_option("--format", validate_flags.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  validate->add_flag("--strict",
                     validate_flags.strict,
                     "a selector matching no host in hosts/*.yaml is an error, not a warning");
  validate->footer(tether::k_validate_footer);

  tether::FleetStatusFlags fleet_status_flags;
  tether::FleetWaitFlags fleet_wait_flags;
  auto* fleet = app.add_subcommand(
      "fleet", "Ask many agents' API: where releases stand, or what a ref would do, fleet-wide");
  fleet->require_subcommand(1);
  fleet->footer(tether::k_fleet_footer);
  auto* fleet_status = fleet->add_subcommand(
      "status", "Per service and release: hosts converged, pending, failed, unreachable, behind");
  fleet_status->add_option(
      "--targets", fleet_status_flags.targets, "one agent URL a line; - for stdin");
  fleet_status->add_option("--prometheus",
                           fleet_status_flags.prometheus,
                           "instead of --targets: the Prometheus scraping the agents");
  fleet_status
      ->add_option("--job", fleet_status_flags.job, "with --prometheus: the agents' scrape job")
      ->capture_default_str();
  fleet_status->add_option("--service", fleet_status_flags.service, "only this service");
  fleet_status->add_option("--timeout", fleet_status_flags.timeout, "per agent: connect and answer")
      ->capture_default_str();
  fleet_status
      ->add_option("--concurrency", fleet_status_flags.concurrency, "requests in flight at once")
      ->capture_default_str();
  fleet_status->add_flag("--hosts", fleet_status_flags.hosts, "also one row per host and service");
  fleet_status->add_flag("--json", fleet_status_flags.json, "machine-readable output");
  fleet_status->footer(tether::k_fleet_status_footer);
  auto* fleet_wait = fleet->add_subcommand(
      "wait", "Wait until enough hosts run a release, converged: a gate for pipelines");
  fleet_wait->add_option(
      "--targets", fleet_wait_flags.targets, "one agent URL a line; - for stdin");
  fleet_wait->add_option("--prometheus",
                         fleet_wait_flags.prometheus,
                         "instead of --targets: the Prometheus scraping the agents");
  fleet_wait->add_option("--job", fleet_wait_flags.job, "with --prometheus: the agents' scrape job")
      ->capture_default_str();
  fleet_wait->add_option("--service", fleet_wait_flags.service, "the service")->required();
  fleet_wait->add_option("--version", fleet_wait_flags.version, "the release version")->required();
  fleet_wait->add_option("--commit", fleet_wait_flags.commit, "its source commit (a prefix)");
  fleet_wait
      ->add_option("--percent", fleet_wait_flags.percent, "share of counted hosts needed, 1-100")
      ->capture_default_str();
  fleet_wait->add_option("--timeout", fleet_wait_flags.timeout, "stop polling after this long")
      ->capture_default_str();
  fleet_wait->add_option("--interval", fleet_wait_flags.interval, "between polls of the fleet")
      ->capture_default_str();
  fleet_wait
      ->add_option("--request-timeout", fleet_wait_flags.request_timeout, "per agent and poll")
      ->capture_default_str();
  fleet_wait
      ->add_option("--concurrency", fleet_wait_flags.concurrency, "requests in flight at once")
      ->capture_default_str();
  fleet_wait->add_flag("--fail-on-quarantine,!--no-fail-on-quarantine",
                       fleet_wait_flags.fail_on_quarantine,
                       "exit 1 at once when a host quarantines the release (default on)");
  fleet_wait->add_flag("--json", fleet_wait_flags.json, "machine-readable output");
  fleet_wait->footer(tether::k_fleet_wait_footer);

  tether::FleetPlanFlags fleet_plan_flags;
  auto* fleet_plan = fleet->add_subcommand(
      "plan", "Every agent's preview of a ref against its live state: a PR comment");
  fleet_plan->add_option("--targets", fleet_plan_flags.targets, "one agent URL a line; - for stdin")
      ->required();
  fleet_plan->add_option("--ref", fleet_plan_flags.ref, "the branch or ref to preview")->required();
  fleet_plan->add_option("--format", fleet_plan_flags.format, "text, markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  fleet_plan->add_option("--timeout", fleet_plan_flags.timeout, "per agent: connect and answer")
      ->capture_default_str();
  fleet_plan
      ->add_option("--concurrency", fleet_plan_flags.concurrency, "requests in flight at once")
      ->capture_default_str();
  fleet_plan->footer(tether::k_fleet_plan_footer);

  tether::InitFlags init_flags;
  auto* init = app.add_subcommand(
      "init", "Create a new state repo: layout, README, schemas for editors, CI, first commit");
  init->add_option("dir", init_flags.dir, "the directory to create (new or empty)")->required();
  init->add_option("--branch", init_flags.branch, "the branch agents will follow")
      ->capture_default_str();
  init->add_option("--ci", init_flags.ci, "CI pipeline to add: github, gitlab or none")
      ->check(CLI::IsMember({"github", "gitlab", "none"}))
      ->capture_default_str();
  init->add_flag("!--no-commit", init_flags.commit, "write the files only, no git init/commit");
  init->footer(tether::k_init_footer);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : tether::k_exit_usage;
  }
  if (*run) return tether::run_command(settings, run_flags);
  if (*status) return tether::status_command(settings, status_flags);
  if (*drill) return tether::drill_command(settings, drill_flags);
  if (*retry && retry_accept_migrations)
    return tether::accept_migrations_command(settings, retry_service);
  if (*retry) return tether::retry_command(settings, retry_service);
  if (*releases) return tether::releases_command(settings, releases_flags);
  if (*suspend) return tether::suspend_command(settings, suspend_flags);
  if (*resume) return tether::resume_command(settings, resume_service, resume_all);
  if (*plan) return tether::plan_command(plan_flags);
  if (*revert) {
    return revert_flags.proposal.empty()
               ? tether::revert_command(revert_flags)
               : tether::revert_proposal_command(
                     settings, revert_flags.proposal, revert_flags.format);
  }
  if (*validate) return tether::validate_command(validate_flags);
  if (*init) return tether::init_command(init_flags);
  if (*fleet) {
    if (*fleet_plan) return tether::fleet_plan_command(fleet_plan_flags);
    return *fleet_status ? tether::fleet_status_command(fleet_status_flags)
                         : tether::fleet_wait_command(fleet_wait_flags);
  }
  return tether::history_command(settings, history_flags);
}
