#pragma once

// `tether fleet status|wait`: the agents' GET /status across a fleet, from a CI job or a laptop.

#include <string>

namespace tether {

struct FleetStatusFlags {
  std::string targets;         ///< the targets file, "-" for stdin
  std::string prometheus;      ///< instead of targets: the Prometheus that scrapes the agents
  std::string job = "tether";  ///< with prometheus: the scrape job of the agents' /metrics
  std::string service;         ///< only this service ("" for all)
  std::string timeout = "5s";
  int concurrency = 64;
  bool json = false;
  bool hosts = false;  ///< also the per-host table
};

/// `tether fleet status`: per service and release, where the hosts stand. Returns the exit
/// status (see k_fleet_status_footer).
int fleet_status_command(const FleetStatusFlags& flags);

struct FleetWaitFlags {
  std::string targets;
  std::string prometheus;
  std::string job = "tether";
  std::string service;
  std::string version;
  std::string commit;  ///< a prefix of the source commit
  int percent = 100;
  std::string timeout = "10m";
  std::string interval = "2s";
  std::string request_timeout = "5s";
  int concurrency = 64;
  bool fail_on_quarantine = true;
  bool json = false;
};

/// `tether fleet wait`: polls until enough hosts run a release. Returns the exit status (see
/// k_fleet_wait_footer).
int fleet_wait_command(const FleetWaitFlags& flags);

struct FleetPlanFlags {
  std::string targets;
  std::string ref;
  std::string format = "text";  ///< text, markdown or json
  std::string timeout = "60s";  ///< per agent: its fetch of the ref, probe and plan
  int concurrency = 64;
};

/// `tether fleet plan`: every agent's preview of a ref against its live state, summed up.
/// Returns the exit status (see k_fleet_plan_footer).
int fleet_plan_command(const FleetPlanFlags& flags);

inline constexpr const char* k_fleet_footer =
    "\nEach agent started with --api-listen (api.listen in agent.yaml) serves GET /status:\n"
    "what it runs, what it declares and how its last pass went. `tether fleet` asks every\n"
    "agent listed in a targets file at once; no controller, nothing to install. See\n"
    "`tether fleet status --help`, `tether fleet wait --help` and `tether fleet plan --help`.";

inline constexpr const char* k_fleet_status_footer =
    "\nAsks every target's GET /status at once (up to --concurrency requests in flight, each\n"
    "limited to --timeout for connect and answer) and prints per service and release (version\n"
    "and commit, or image digest) how many hosts are in each state; then the targets that did\n"
    "not answer and why (connection refused, timeout, HTTP 500, invalid JSON), the hosts whose\n"
    "agent did not apply the branch tip (it refused the tip: invalid manifests, a bad\n"
    "signature, rewritten history; or it cannot reach the state repo), with the commit applied,\n"
    "the tip and why, and the hosts that are behind: their agent converges to another state\n"
    "commit than most of the fleet's (it has not polled yet). A host that did not apply the\n"
    "tip is not converged, however well its services run the last good commit.\n"
    "\nTargets file: one agent base URL a line; `#` starts a comment; a bare host:port means\n"
    "http://host:port; `--targets -` reads the list from stdin.\n"
    "    # web tier\n"
    "    http://10.0.0.5:9410\n"
    "    10.0.0.6:9410   # web-02\n"
    "\nStates, as each agent reports them:\n"
    "  converged    runs the release declared for the host\n"
    "  pending      not there yet (not tried yet, or held back by a restart backoff); also\n"
    "               a host reported converged whose live release is not the declared one\n"
    "               (its agent is switching right now)\n"
    "  failed       the last attempt failed; the previous release keeps serving\n"
    "  quarantined  the declared release failed its health check, was rolled back, and is not\n"
    "               retried until its declaration changes or `tether retry SERVICE`\n"
    "  unhealthy    runs the release, but its health probes keep failing (restarted with\n"
    "               backoff); the column shows only when a host is unhealthy\n"
    "  undeclared   runs the service but does not declare it (selector, rollout share): tether\n"
    "               leaves it alone; this is not a problem\n"
    "  unknown      the agent reports no state (it has not finished a pass yet)\n"
    "Rows group hosts by the release they declare; undeclared hosts by the release they run.\n"
    "\nWith --prometheus URL instead of --targets: the same hosts, read from the Prometheus\n"
    "that scrapes the agents' /metrics (job --job), one instant query per metric family, each\n"
    "within --timeout; a target that Prometheus cannot scrape (up == 0) is unreachable. For a\n"
    "fleet CI cannot reach. Last errors and quarantine reasons are not in /metrics: they show\n"
    "only with --targets.\n"
    "\nServices rolling out in waves (spec.rollout.steps) get a second table: per service, wave\n"
    "and release, the hosts, how many run it converged and how many wait (pause: the wave is\n"
    "not due; halted: the fleet analysis stopped the rollout).\n"
    "\nExamples:\n"
    "  tether fleet status --targets fleet.txt\n"
    "  tether fleet status --targets fleet.txt --service web --hosts\n"
    "  inventory | tether fleet status --targets - --json | jq '.unreachable'\n"
    "  tether fleet status --prometheus http://prometheus:9090 --service web\n"
    "\nJSON (\"format\": \"tether.fleet-status/v1\"): {service, converged, targets, answered,\n"
    "majorityCommit, withoutPass, services:[{service, release:{version, commit, image}|null,\n"
    "releaseText, hosts, converged, pending, failed, quarantined, unhealthy, undeclared,\n"
    "unknown}], waves:[{service, wave, release, hosts, converged, waiting:{pause, halted}}],\n"
    "unreachable:[{url, problem}], behind:[{host, url, desiredCommit, lastPass}],\n"
    "tipNotApplied:[{host, url, outcome: refused|unreachable, desiredCommit, tipCommit,\n"
    "problem}], hosts:[{url, host, reachable, problem (if unreachable), desiredCommit, tipCommit,\n"
    "lastPass:{time, outcome, problem}|null, services:[{service, state, desired, current,\n"
    "lastError, quarantineReason, wave:{wave, waiting}}]}]}.\n"
    "\nExit status: 0 every target answered, finished a pass and applied its branch tip, none\n"
    "is behind, and every service is converged (or undeclared); 1 otherwise (the reason is\n"
    "printed), also when --service names a service no answering host declares or runs, or\n"
    "when Prometheus cannot answer; 2 usage error (flags, an unreadable or invalid targets\n"
    "file, both or neither of --targets and --prometheus).";

inline constexpr const char* k_fleet_wait_footer =
    "\nPolls the fleet every --interval until at least --percent % of the counted hosts run\n"
    "VERSION (with a source commit starting with --commit, if given) and are converged, then\n"
    "prints the table and exits 0. Counted are the hosts that declare SERVICE or run it, and\n"
    "every target that does not answer (it counts as not there). No poll starts after\n"
    "--timeout; when the last one (at most --request-timeout) falls short, it prints the hosts\n"
    "still missing and why, and exits 1. Progress goes to stderr when it changes.\n"
    "\nWhere a counted host stands:\n"
    "  done           runs VERSION, converged\n"
    "  pending        its agent is getting there (or is switching releases right now)\n"
    "  failed         the last attempt failed; the previous release serves (lastError says why)\n"
    "  quarantined    the declared release failed its health check and was rolled back\n"
    "  unhealthy      runs VERSION, but its health probes keep failing\n"
    "  tip-refused    its agent refused the branch tip (invalid manifests, signature, history)\n"
    "                 and keeps its last good state commit; the detail says why\n"
    "  repo-unreachable  its agent cannot reach the state repo and keeps its last good commit\n"
    "  other-release  converged on another release: its agent has not seen the commit yet\n"
    "  undeclared     runs SERVICE outside its selector or rollout share\n"
    "  unknown        its agent has not finished a pass yet\n"
    "  unreachable    no status document (connection refused, timeout, HTTP error, bad JSON)\n"
    "\n--fail-on-quarantine (on by default) exits 1 at once when a host reports VERSION\n"
    "quarantined: it failed its health check there and is not retried until the state repo\n"
    "changes, so waiting cannot help. --no-fail-on-quarantine waits until --timeout anyway.\n"
    "During a staged rollout, hosts outside the share that still run SERVICE are counted:\n"
    "ask for the share you rolled out (e.g. --percent 50).\n"
    "\nWith --prometheus URL instead of --targets, each poll reads the fleet from the Prometheus\n"
    "that scrapes the agents (see tether fleet status --help), each query within\n"
    "--request-timeout; a poll Prometheus cannot answer is reported and the wait goes on.\n"
    "\nExamples:\n"
    "  tether fleet wait --targets fleet.txt --service web --version 1.4.2 --timeout 15m\n"
    "  # gate a pipeline on a fleet-wide rollback after the revert merged:\n"
    "  tether fleet wait --targets fleet.txt --service web --version 1.4.1 --commit 3f2a9c1d\n"
    "  tether fleet wait --targets fleet.txt --service web --version 1.5.0 --percent 50\n"
    "  tether fleet wait --prometheus http://prometheus:9090 --service web --version 1.5.0\n"
    "\nJSON (\"format\": \"tether.fleet-wait/v1\"): {goal:{service, version, commit, percent},\n"
    "outcome: met|timed-out|quarantined, done, counted, ignored, percentDone,\n"
    "hosts:[{host, url, standing, detail}]}.\n"
    "\nExit status: 0 the goal was met; 1 --timeout passed first, or a host quarantined\n"
    "VERSION; 2 usage error (flags, an unreadable or invalid targets file, both or neither of\n"
    "--targets and --prometheus).";

inline constexpr const char* k_fleet_plan_footer =
    "\nAsks every target's GET /plan?ref=REF at once: each agent fetches REF from the state\n"
    "repo into a scratch repo of its own, resolves its host's services at REF's tip as it\n"
    "would (host file, labels, selectors, overrides, rollout share), probes its LIVE state and\n"
    "runs its own planner. Nothing changes on any host. No credentials to the hosts or the\n"
    "state repo are needed here: the agents fetch REF themselves.\n"
    "\nPrints one summary line for a pull request comment (\"2 hosts upgrade web 1.4.2 → 1.5.0;\n"
    "1 host has drift that this PR would also repair; 1 host unreachable\"), a warning when\n"
    "agents would refuse the tip's signature, then one row per host and service that changes\n"
    "or drifted. Drift is what a host's agent would repair at the commit it applied (a binary\n"
    "or config file modified by hand, a dead process, a container changed by hand); \"repaired\"\n"
    "means REF's plan replaces or rebuilds it, \"stays\" that it does not.\n"
    "\nREF: a branch (pr-42), a tag, or a ref such as refs/pull/42/head. Each agent allows one\n"
    "preview at a time (HTTP 429 otherwise) and gives up fetching after 30 s.\n"
    "\nExamples:\n"
    "  tether fleet plan --targets fleet.txt --ref pr-42\n"
    "  tether fleet plan --targets fleet.txt --ref refs/pull/42/head --format markdown > "
    "comment.md\n"
    "\nJSON (\"format\": \"tether.fleet-plan/v1\"): {ref, headline, complete, targets, answered,\n"
    "changes:[{action, service, from, to, count, hosts}], driftRepaired, driftKept, refusing,\n"
    "unreachable:[{url, problem}], errored:[{url, problem}], hosts:[{url, host, ok, problem,\n"
    "refName, commit, signature, admitted, services:[{service, action, reason, live, desired,\n"
    "drift, driftReason, repairsDrift}]}]}.\n"
    "\nExit status: 0 every target answered with a preview (whatever it says); 1 a target was\n"
    "unreachable or answered without a preview (REF not found there, invalid manifests, a\n"
    "timeout, another preview running); 2 usage error (flags, a ref name that is not\n"
    "acceptable, an unreadable or invalid targets file).";

}  // namespace tether
