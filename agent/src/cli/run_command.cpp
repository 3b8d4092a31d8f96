#include "agent/pass_status.hpp"
#include "agent/poll_schedule.hpp"
#include "agent/reconciler.hpp"
#include "api/api_server.hpp"
#include "api/metrics.hpp"
#include "api/webhook.hpp"
#include "apply/history_store.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/plan_text.hpp"
#include "container/container_switcher.hpp"
#include "core/agent_signals.hpp"
#include "core/clock.hpp"
#include "core/file_lock.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "health/health_watch.hpp"
#include "process/command_runner.hpp"
#include "proposal/proposer.hpp"
#include "report/host_report.hpp"
#include "report/last_pass_file.hpp"
#include "source/git_source.hpp"

#include <cstdio>
#include <malloc.h>
#include <random>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

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

/// The real side-effecting parts the applier is built from, wired once.
struct AgentParts {
  AgentParts(const Layout& layout, const AgentConfig& config)
      : supervisor(layout, k_start_settle),
        prober(runner),
        systemd(runner),
        service_runner(layout, supervisor, systemd, prober, clock),
        hooks(layout, runner),
        notifier(make_notifier(config)),
        containers(runner, config.runtime),
        container_switcher(layout, containers, prober, clock),
        applier(layout,
                service_runner,
                hooks,
                Journal(layout.journal()),
                HistoryStore(layout.history()),
                *notifier,
                &container_switcher,
                config.network) {}

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
  ExecSupervisor supervisor;
  RealProber prober;
  SystemdController systemd;
  ServiceRunner service_runner;
  HookRunner hooks;
  std::unique_ptr<Notifier> notifier;
  ContainerEngines containers;
  ContainerSwitcher container_switcher;
  Applier applier;
};

/// A temp dir removed when it goes out of scope.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "tether-dry-run-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

/// --dry-run: fetch into a scratch mirror (borrowing the agent's objects), plan, print.
/// Nothing under the root is created or changed.
int dry_run(const AgentConfig& config) {
  const Layout layout{config.root};
  ScratchDir scratch;
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

/// The webhook secret from api.webhookSecretFile ("" when none is configured).
Result<std::string> webhook_secret(const AgentConfig& config) {
  if (config.webhook_secret_file.empty()) return std::string();
  auto content = read_file(config.webhook_secret_file);
  if (!content) {
    return Error{"api.webhookSecretFile: " + content.error().describe(),
                 "create the file with a random secret (e.g. openssl rand -hex 32) and give the "
                 "same secret to the Git server's webhook"};
  }
  std::string secret = webhook_secret_of(*content);
  if (secret.empty()) {
    return Error{"api.webhookSecretFile " + config.webhook_secret_file + " is empty",
                 "write a random secret into it (e.g. openssl rand -hex 32)"};
  }
  return secret;
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

/// Waits up to `delay` for a reason to run the next pass; nullopt when the agent must stop.
std::optional<PassTrigger> wait_for_next_poll(const sigset_t& signals, Millis delay) {
  timespec timeout{delay.count() / 1000, (delay.count() % 1000) * 1'000'000};
  const int sig = ::sigtimedwait(&signals, nullptr, &timeout);
  if (sig == SIGTERM || sig == SIGINT) return std::nullopt;
  if (sig == SIGHUP) {
    log_info("SIGHUP: polling now");
    return PassTrigger::operator_asked;
  }
  if (sig == SIGUSR1) return PassTrigger::health_changed;
  return PassTrigger::schedule;
}

/// What a pass tells the metrics: timing, outcome and what is live afterwards.
PassMetrics metrics_of(const PassResult& result,
                       std::chrono::steady_clock::duration took,
                       const Layout& layout) {
  PassMetrics pass;
  pass.duration_seconds = std::chrono::duration<double>(took).count();
  pass.finished_unix_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  pass.poll_failed = result.outcome == PassOutcome::unreachable;
  pass.tip_refused = result.outcome == PassOutcome::refused;
  pass.rollbacks = result.rollbacks;
  pass.git_polls = result.work.polls;
  pass.git_downloads = result.work.downloads;
  pass.manifests_loaded = result.work.manifests_loaded;
  pass.files_hashed = static_cast<long long>(result.work.files_hashed);
  pass.state_commit = result.state_commit;
  pass.tip_commit = result.tip_commit;
  pass.converged = result.converged;
  pass.recoveries = static_cast<int>(result.recoveries.size());
  pass.healthy = result.healthy;
  for (const auto& [name, converged] : result.converged) pass.blocked[name] = false;
  for (const BlockedService& blocked : result.blocked) pass.blocked[blocked.action.service] = true;
  for (const auto& [name, service] : result.live_after) {
    if (const InstalledRelease* current = service.current()) {
      pass.live[name] = {current->id.version, current->id.commit};
    }
  }
  // Read back from the store the applier wrote: quarantines outlive passes and restarts.
  for (const auto& [name, converged] : result.converged) pass.quarantined[name] = false;
  for (const auto& [name, history] : HistoryStore(layout.history()).load().value_or(History{})) {
    if (history.quarantine) pass.quarantined[name] = true;
  }
  return pass;
}

proposal::Proposer proposer_of(const Layout& layout, const AgentConfig& config) {
  const HostIdentity host = host_of(config);
  return proposal::Proposer(layout,
                            {config.propose_revert,
                             config.repo_url,
                             config.branch,
                             host.id,
                             host.labels,
                             config.repo_access});
}

/// After a pass that applied something (or holds a quarantine): propose the reverts of
/// auto-rolled-back releases. It never changes the pass's outcome.
void propose_reverts(proposal::Proposer& proposer, const PassResult& result) {
  const bool read_state =
      result.outcome == PassOutcome::converged || result.outcome == PassOutcome::failed;
  if (result.desired && read_state) (void)proposer.run(*result.desired);
}

/// The daemon's health watch and what it tells: the status board and metrics at once, and the
/// loop (SIGUSR1) for a pass that acts on it.
struct WatchParts {
  WatchParts(Metrics& metrics, StatusBoard& board)
      : prober(runner),
        watch(prober, [&metrics, &board](const std::string& service, const HealthState& state) {
          const std::string why = state.healthy ? "" : describe_unhealthy(state);
          if (state.healthy) {
            log_info("healthy again", {{"service", service}, {"detail", state.detail}});
          } else {
            log_warn("unhealthy", {{"service", service}, {"reason", why}});
          }
          board.set_health(service, state.healthy, why);
          metrics.set_health(service, state.healthy);
          ::kill(::getpid(), SIGUSR1);
        }) {}
  ProcessRunner runner;
  RealProber prober;
  HealthWatch watch;
};

/// After a pass: what GET /status serves until the next one, from what the pass probed.
void publish_report(StatusBoard& board,
                    const Layout& layout,
                    const PassResult& result,
                    HashCache& hashes) {
  std::set<std::string> probed;
  if (result.desired) {
    for (const auto& [name, service] : result.desired->services) probed.insert(name);
  }
  Live live = result.desired ? result.live_after : read_host_report(layout, hashes).live;
  board.publish_report(host_report_after_pass(layout, std::move(live), probed));
}

int agent_loop(const AgentConfig& config,
               const Layout& layout,
               Reconciler& reconciler,
               Metrics& metrics,
               StatusBoard& board) {
  // Blocked since main() started (core/agent_signals.hpp); taken here, synchronously, between
  // passes: never mid-apply.
  const sigset_t signals = agent_signals();
  HashCache report_hashes(layout.hash_cache());  ///< for reports of passes that probed nothing
  const HostIdentity host = host_of(config);
  AgentStatus before_first_pass;
  before_first_pass.host = host.id;
  before_first_pass.labels = host.labels;
  board.publish(std::move(before_first_pass));
  board.publish_report(read_host_report(layout, report_hashes));
  const PreviewParts preview(layout, config);  // outlives the API that uses it
  std::unique_ptr<ApiServer> api;
  if (!config.api_listen.empty()) {
    auto secret = webhook_secret(config);
    if (!secret) {
      log_error(secret.error().describe());
      return k_exit_failed;
    }
    // The loop waits in sigtimedwait; a SIGHUP to ourselves is its "poll now" (as from kill).
    auto started = ApiServer::start(
        config.api_listen,
        layout,
        {metrics, board, *secret, [] { ::kill(::getpid(), SIGHUP); }, &preview.previewer});
    if (!started) {
      log_error(started.error().describe());
      return k_exit_failed;
    }
    api = std::move(*started);
  }
  std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  const PollSchedule schedule{config.poll_interval, config.poll_jitter_percent};
  int failures = 0;
  LastPassFile last_pass(layout);
  proposal::Proposer proposer = proposer_of(layout, config);
  log_info("agent started",
           {{"repo", config.repo_url},
            {"branch", config.branch},
            {"root", config.root},
            {"host", config.host_id},
            {"interval", format_duration(config.poll_interval)},
            {"api", config.api_listen.empty() ? "off" : config.api_listen}});
  std::optional<PassTrigger> trigger = wait_for_next_poll(signals, schedule.first(draw(random)));
  while (trigger) {
    const auto start = std::chrono::steady_clock::now();
    const PassResult result = reconciler.run_once(ApplyMode::apply, *trigger);
    propose_reverts(proposer, result);
    metrics.record(metrics_of(result, std::chrono::steady_clock::now() - start, layout));
    const AgentStatus status = status_of(result, host, now_rfc3339());
    board.publish(status);
    last_pass.save(status);
    publish_report(board, layout, result, report_hashes);
    failures = result.outcome == PassOutcome::unreachable ? failures + 1 : 0;
    // A clone, a manifest parse or an apply leaves freed heap that glibc keeps mapped; hand it
    // back so the idle daemon's footprint is what it needs for a quiet poll. Quiet polls free
    // next to nothing, so they skip the walk over the heap.
    if (result.work.downloads > 0 || result.work.manifests_loaded || !result.plan.empty())
      ::malloc_trim(0);
    if (result.stopping) break;
    trigger = wait_for_next_poll(signals, schedule.next(failures, draw(random)));
  }
  log_info("agent stopping; services keep running");
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
  // Only the daemon watches health between passes; `run --once` judges what it sees.
  std::optional<WatchParts> watch;
  if (!flags.once) watch.emplace(metrics, board);
  Reconciler reconciler(
      layout,
      host_of(*config),
      **source,
      gate,
      parts.applier,
      parts.clock,
      &parts.containers,
      ReconcilerOptions{
          damping_of(*config), parts.notifier.get(), watch ? &watch->watch : nullptr});
  if (flags.once) {
    const PassResult result = reconciler.run_once(ApplyMode::apply);
    proposal::Proposer proposer = proposer_of(layout, *config);
    propose_reverts(proposer, result);
    LastPassFile(layout).save(status_of(result, host_of(*config), now_rfc3339()));
    return static_cast<int>(result.outcome);
  }
  return agent_loop(*config, layout, reconciler, metrics, board);
}

}  // namespace tether
