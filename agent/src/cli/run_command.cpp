#include "agent/agent_passes.hpp"
#include "agent/daemon_loop.hpp"
#include "agent/pass_displays.hpp"
#include "agent/reconciler.hpp"
#include "agent/revert_proposals.hpp"
#include "agent/webhook_secret.hpp"
#include "analysis/bake_runner.hpp"
#include "analysis/fleet_judge.hpp"
#include "api/api_server.hpp"
#include "apply/history_store.hpp"
#include "apply/switch_strategies.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/plan_text.hpp"
#include "container/container_switcher.hpp"
#include "core/agent_signals.hpp"
#include "core/clock.hpp"
#include "core/file_lock.hpp"
#include "core/log.hpp"
#include "health/health_watch.hpp"
#include "health/notify_sockets.hpp"
#include "live/process_record.hpp"
#include "process/command_runner.hpp"
#include "review/scratch_dir.hpp"
#include "source/git_source.hpp"

#include <cstdio>

namespace tether {
namespace {

/// How long a started service must stay up before the start counts (health checks come on top).
constexpr Millis k_start_settle{300};
/// How long GET /plan may spend fetching its ref (docs and `fleet plan --help` say 30 s).
constexpr Millis k_preview_fetch_timeout{std::chrono::seconds(30)};

void setup_logging(const AgentConfig& config) {
  LogLevel level = LogLevel::info;
  (void)parse_log_level(config.log_level, level);
  configure_logging(config.log_format == LogFormat::json ? LogStyle::json : LogStyle::text, level);
}

HostIdentity host_of(const AgentConfig& config) {
  return HostIdentity{config.host_id, config.host_labels};
}

DampingSettings damping_of(const AgentConfig& config) {
  return DampingSettings{config.backoff_base, config.backoff_cap, config.backoff_stable};
}

CommitGate gate_of(const AgentConfig& config) { return CommitGate(trust_policy_of(config)); }

/// An exec service's main pid from its pid file, while that very process runs (never reaps:
/// the gate may still want its exit status). While a socket hand-off gates a candidate beside
/// the serving process, the candidate is the main one: its READY=1 is what the gate waits for.
MainPidLookup main_pid_of(const Layout& layout) {
  return [layout](const std::string& service) -> std::optional<pid_t> {
    const fs::path serving = layout.pid_file(service);
    for (const fs::path& file : {serving.parent_path() / "candidate.pid", serving}) {
      const auto record = read_process_record(file);
      if (record && process_start_time(record->pid) == record->start_time) return record->pid;
    }
    return std::nullopt;
  };
}

/// The real side-effecting parts the applier is built from, wired once.
struct AgentParts {
  AgentParts(const Layout& layout, const AgentConfig& config)
      : notify(layout, main_pid_of(layout)),
        supervisor(layout, k_start_settle),
        prober(runner, &notify),
        systemd(runner),
        service_runner(layout, supervisor, systemd, prober, clock, &notify),
        hooks(layout, runner),
        switches(layout, service_runner),
        notifier(make_notifier(config)),
        containers(runner, config.runtime),
        container_switcher(layout, containers, prober, clock),
        prometheus(config.prometheus),
        bake_runner(prometheus, clock, bakes, host_of(config).id, config.host_labels),
        fleet_judge(prometheus, host_of(config).id, config.host_labels),
        applier(layout,
                service_runner,
                hooks,
                switches,
                Journal(layout.journal()),
                HistoryStore(layout.history()),
                *notifier,
                &container_switcher,
                config.network,
                SecretSettings{config.age_identity_file},
                config.prometheus.url.empty() ? nullptr : &bake_runner) {}

  static std::unique_ptr<Notifier> make_notifier(const AgentConfig& config) {
    if (config.notify_url.empty()) return std::make_unique<NullNotifier>();
    HttpNotifierOptions options;
    options.url = config.notify_url;
    options.host_id = config.host_id;
    options.network = config.network;
    return std::make_unique<HttpNotifier>(std::move(options));
  }

  ProcessRunner runner;
  SystemClock clock;
  NotifySockets notify;  ///< the gate's and the health watch's (WatchParts)
  ExecSupervisor supervisor;
  RealProber prober;
  SystemdController systemd;
  ServiceRunner service_runner;
  HookRunner hooks;
  BuiltInSwitchStrategies switches;
  std::unique_ptr<Notifier> notifier;
  ContainerEngines containers;
  ContainerSwitcher container_switcher;
  // spec.analysis (docs/analysis.md): the bakes after a switch and what /status shows of them.
  PrometheusClient prometheus;
  BakeBoard bakes;
  BakeRunner bake_runner;
  PrometheusFleetJudge fleet_judge;  ///< waves: the fleet analysis (docs/staged-rollout.md)
  Applier applier;
};

/// --dry-run: fetch into a scratch mirror (borrowing the agent's objects), plan, print.
/// Nothing under the root is created or changed.
int dry_run(const AgentConfig& config) {
  const Layout layout{config.root};
  review::ScratchDir scratch("tether-dry-run");
  if (scratch.path().empty()) {
    log_error("cannot create a temp dir for the dry-run mirror");
    return k_exit_failed;
  }
  GitSourceOptions options{
      scratch.path() / "repo.git", config.repo_url, config.branch, {}, config.repo_access};
  if (fs::exists(layout.mirror() / "objects"))
    options.alternate_objects = layout.mirror() / "objects";
  auto source = GitSource::open(options);
  if (!source) {
    log_error("cannot open the state repo", {{"error", source.error().describe()}});
    return k_exit_failed;
  }
  AgentParts parts(layout, config);
  const CommitGate gate = gate_of(config);
  Reconciler reconciler(
      layout, host_of(config), **source, gate, parts.applier, parts.clock, &parts.containers);
  const PassResult result = reconciler.run_once(ApplyMode::dry_run);
  if (!result.state_commit.empty()) std::fputs(plan_as_text(result.plan).c_str(), stdout);
  return static_cast<int>(result.outcome);
}

/// The previewer behind GET /plan: the agent's settings, its own process runner and engines
/// (it runs on an API thread beside the loop).
struct PreviewParts {
  PreviewParts(const Layout& layout, const AgentConfig& config)
      : containers(runner, config.runtime),
        previewer({layout,
                   host_of(config),
                   config.repo_url,
                   trust_policy_of(config),
                   k_preview_fetch_timeout,
                   config.repo_access},
                  &containers) {}
  ProcessRunner runner;
  ContainerEngines containers;
  preview::Previewer previewer;
};

/// The daemon's health watch and what it tells: the status board and metrics at once, and the
/// loop (SIGUSR1) for a pass that acts on it.
struct WatchParts {
  WatchParts(Metrics& metrics, StatusBoard& board, NotifySockets& notify)
      : prober(runner, &notify),
        watch(prober, [&metrics, &board](const std::string& service, const HealthState& state) {
          const std::string why = state.healthy ? "" : describe_unhealthy(state);
          if (state.healthy) {
            log_info("healthy again", {{"service", service}, {"detail", state.detail}});
          } else {
            log_warn("unhealthy", {{"service", service}, {"reason", why}});
          }
          if (!state.healthy && is_watchdog_failure(state.detail)) metrics.count_watchdog_miss();
          board.set_health(service, state.healthy, why);
          metrics.set_health(service, state.healthy);
          ask_for_health_pass();
        }) {}
  ProcessRunner runner;
  RealProber prober;
  HealthWatch watch;
};

/// The daemon: /status and /metrics from before the first pass, the API (with its webhook and
/// previews) when configured, then the loop until SIGTERM.
int run_daemon(const AgentConfig& config,
               const Layout& layout,
               Reconciler& reconciler,
               const Clock& clock,
               Metrics& metrics,
               StatusBoard& board,
               const BakeBoard& bakes) {
  PassDisplays displays(layout, host_of(config), metrics, board);
  displays.show_before_first_pass();
  const PreviewParts preview(layout, config);  // outlives the API that uses it
  std::unique_ptr<ApiServer> api;
  if (!config.api_listen.empty()) {
    auto secret = load_webhook_secret(config);
    if (!secret) {
      log_error(secret.error().describe());
      return k_exit_failed;
    }
    // The loop waits for signals; a SIGHUP to ourselves is its "poll now" (as from kill).
    auto started =
        ApiServer::start(config.api_listen,
                         layout,
                         {metrics, board, *secret, ask_for_poll, &preview.previewer, &bakes});
    if (!started) {
      log_error(started.error().describe());
      return k_exit_failed;
    }
    api = std::move(*started);
  }
  AgentPasses passes(reconciler, layout, host_of(config), proposer_of(layout, config), &displays);
  ProcessSignals signals;
  DaemonLoop loop(PollSchedule{config.poll_interval, config.poll_jitter_percent},
                  signals,
                  clock,
                  passes,
                  seeded_unit_random());
  log_info("agent started",
           {{"repo", config.repo_url},
            {"branch", config.branch},
            {"root", config.root},
            {"host", config.host_id},
            {"interval", format_duration(config.poll_interval)},
            {"api", config.api_listen.empty() ? "off" : config.api_listen}});
  loop.run();
  return k_exit_ok;
}

}  // namespace

int run_command(const SettingsFlags& settings, const RunFlags& flags) {
  auto config = resolve_settings(settings, /*need_repo=*/true);
  if (!config) {
    print_error("run", config.error());
    return k_exit_usage;
  }
  setup_logging(*config);
  if (flags.dry_run) {
    unblock_agent_signals();  // it changes nothing: Ctrl-C may simply end it
    return dry_run(*config);
  }

  // The agent's signals are blocked since main() started, before any thread (the notifier's,
  // the health watch's, the API's, libcurl's) existed: core/agent_signals.hpp.
  const Layout layout{config->root};
  auto lock = FileLock::acquire(layout.lock_file());
  if (!lock) {
    log_error(lock.error().describe());
    // Its own status: a cron job or a second unit on the same root is told apart from a
    // failed pass (the holder may have exited since; then it is an ordinary failure).
    return lock_holder(layout.lock_file()) ? k_exit_locked : k_exit_failed;
  }
  auto source =
      GitSource::open({layout.mirror(), config->repo_url, config->branch, {}, config->repo_access});
  if (!source) {
    log_error("cannot open the state repo mirror", {{"error", source.error().describe()}});
    return k_exit_failed;
  }
  AgentParts parts(layout, *config);
  const CommitGate gate = gate_of(*config);
  Metrics metrics;
  StatusBoard board;
  // Never "converged" on /metrics while a bake runs (the pass records the truth after it).
  parts.bakes.on_begin([&metrics](const std::string& service) { metrics.set_baking(service); });
  // Only the daemon watches health between passes; `run --once` judges what it sees.
  std::optional<WatchParts> watch;
  if (!flags.once) watch.emplace(metrics, board, parts.notify);
  Reconciler reconciler(
      layout,
      host_of(*config),
      **source,
      gate,
      parts.applier,
      parts.clock,
      &parts.containers,
      ReconcilerOptions{damping_of(*config),
                        parts.notifier.get(),
                        watch ? &watch->watch : nullptr,
                        static_cast<size_t>(config->apply_parallel),
                        config->prometheus.url.empty() ? nullptr : &parts.fleet_judge});
  if (flags.once) {
    AgentPasses passes(reconciler, layout, host_of(*config), proposer_of(layout, *config), nullptr);
    return static_cast<int>(run_single_pass(passes, parts.clock));
  }
  return run_daemon(*config, layout, reconciler, parts.clock, metrics, board, parts.bakes);
}

}  // namespace tether
