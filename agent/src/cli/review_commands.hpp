#pragma once

// `tether plan` and `tether revert`: reviewing a change to the state repo before it merges.

#include <string>
#include <vector>

namespace tether {

struct PlanFlags {
  std::string repo;  ///< local path (bare or not) or URL; "" = "." (--live: repo.url)
  std::string from;
  std::string to = "HEAD";
  std::string format = "text";      ///< text, markdown or json
  std::string host;                 ///< one more host to plan for
  std::vector<std::string> labels;  ///< its labels, KEY=VALUE
  int history_limit = 1000;
  // --live: this host's live state against one ref of the state repo.
  bool live = false;
  std::string ref;
  std::string config_file;  ///< agent.yaml (default /etc/tether/agent.yaml if present)
  std::string root;
  std::string branch;
  std::string timeout = "30s";  ///< for the fetch of --ref
};

/// `tether plan`: per host, what moving the state repo from --from to --to does.
/// Returns the process exit status (see k_plan_footer).
int plan_command(const PlanFlags& flags);

/// `tether plan --live --ref REF`: what this host's agent would do if it followed REF now.
/// Returns the process exit status (see k_plan_footer).
int plan_live_command(const PlanFlags& flags);

struct RevertFlags {
  std::string commit;
  std::string repo;
  std::string onto = "main";
  std::string branch;  ///< default revert-<sha12>
  bool push = false;
  std::string author;  ///< "Name <email>"
  std::string workdir;
  std::string format = "text";  ///< of the plan: text, markdown or json (all of the output)
  int mainline = 0;
  std::string proposal;  ///< --proposal SERVICE: print this host's proposal instead
};

/// `tether revert COMMIT`: a revert commit on a new branch, its plan and a pull request text.
int revert_command(const RevertFlags& flags);

/// Exit statuses of plan and revert beyond 0/1/2 (the agent's `run --once` uses the same).
inline constexpr int k_exit_invalid_input = 3;
inline constexpr int k_exit_unreachable = 4;

inline constexpr const char* k_plan_footer =
    "\nEvery host in hosts/*.yaml (at either commit) is resolved at both commits the way its\n"
    "agent would: selector, host overrides, rollout bucket. Per service the change is one of\n"
    "unchanged, new, removed, upgrade, rollback, config-only, image-change, settings or\n"
    "joins-rollout. A rollback goes back to a release declared in services/<name>.yaml before\n"
    "the current one (first-parent history of --from) or to a lower version. A host outside\n"
    "a service's rollout share keeps what it runs.\n"
    "\nExamples:\n"
    "  tether plan --from origin/main --to HEAD                # in a clone of the state repo\n"
    "  tether plan --repo git://git.example.com/state.git --from main --to pr-42 --format "
    "markdown\n"
    "  tether plan --from HEAD~1 --host new-01 --label role=web --format json\n"
    "\nJSON (\"format\": \"tether.plan/v1\"): {from:{rev,commit}, to:{rev,commit}, headline,\n"
    "hosts:[{host, labels, services:[{service, change, applies, reason, declared_at,\n"
    "from:RELEASE|null, to:RELEASE|null, rollout:{percent, bucket, included}}]}],\n"
    "summary:[{change, service, from, to, held, percent, count, hosts, text}]};\n"
    "RELEASE: {kind, version, commit, binary_sha256, artifact_sha256, image, digest, pinned,\n"
    "config_hash}.\n"
    "\nExit status: 0 the plan was printed (whatever it says), 2 usage error, 3 invalid input\n"
    "(a revision that does not exist, or manifests at --from/--to the agents would refuse;\n"
    "each problem is printed as file:line), 4 the repo could not be opened or fetched.\n"
    "\n--live --ref REF (on a host, with the agent's agent.yaml or --root/--repo/--host/--label):\n"
    "fetches REF (a branch, tag or ref such as refs/pull/42/head) into a temp repo of its own,\n"
    "resolves this host's services at its tip as the agent does, probes what is live under the\n"
    "root (not the last applied commit) and runs the agent's planner: per service the live and\n"
    "desired release, the action (none, install, upgrade, rollback, change, repair, restart,\n"
    "held) and drift, i.e. what the agent would repair at the commit it applied (a modified\n"
    "binary, a dead process). The tip's signature is checked against verify.allowedSigners and\n"
    "reported; an unsigned tip is previewed anyway. Nothing on the host changes; no lock is\n"
    "taken, so it runs beside the agent. The agent's API serves the same as GET /plan?ref=REF.\n"
    "  tether plan --live --ref pr-42 --config /etc/tether/agent.yaml --format json\n"
    "JSON (\"format\": \"tether.plan-preview/v1\", manifests-schema/plan-preview.schema.json).\n"
    "Exit status: 0 printed, 2 usage error (flags, a ref name that is not acceptable), 3 REF\n"
    "not found or its manifests would be refused here, 4 the repo could not be fetched or the\n"
    "fetch took longer than --timeout.";

inline constexpr const char* k_revert_footer =
    "\nClones the state repo into a temp dir (or --workdir), commits the revert of COMMIT on top\n"
    "of --onto on a new branch (like `git revert`), prints the plan from --onto's tip to the\n"
    "revert and a pull request title and body. Nothing is pushed without --push; a revert\n"
    "whose manifests would be refused is never pushed.\n"
    "\nExamples:\n"
    "  tether revert 3f2a9c1d5e7b --repo git://git.example.com/state.git --push\n"
    "  tether revert HEAD --repo . --onto release --branch undo-web --workdir /tmp/undo\n"
    "\nExit status: 0 done, 1 the revert conflicts (the files are named), changes nothing, the\n"
    "branch exists or the push failed, 2 usage error, 3 invalid input (COMMIT or --onto not\n"
    "found, or the reverted manifests would be refused), 4 the repo could not be cloned.";

struct ValidateFlags {
  std::string repo = ".";  ///< local path (bare or not) or URL
  std::string rev = "HEAD";
  std::string format = "text";  ///< text or json
  bool strict = false;          ///< a selector that matches no host in hosts/ is an error
};

/// `tether validate [REV]`: every schema and semantic check of the state repo at REV, all
/// problems in one run. Returns the process exit status (see k_validate_footer).
int validate_command(const ValidateFlags& flags);

inline constexpr const char* k_validate_footer =
    "\nReads services/*.yaml, hosts/*.yaml and config/ at REV from the Git tree (no checkout;\n"
    "commit or stash first) and reports every problem, each as file:line: field: message and a\n"
    "fix: malformed YAML; schema errors (missing or mistyped fields, hashes that are not 64/40\n"
    "lowercase hex, image tags without a digest, percent outside 0-100, release and container\n"
    "both set); unknown fields, which are errors because the agent refuses a commit over them;\n"
    "metadata.name not matching its file or declared twice; config sources missing at REV;\n"
    "host overrides naming unknown services or invalid once merged (checked for every host\n"
    "file, and for a host without one). Warnings: selectors matching no host in hosts/*.yaml\n"
    "(errors with --strict), floating image tags, files in services/ or hosts/ the agent\n"
    "ignores. Files outside services/, hosts/ and config/ are not read.\n"
    "\nExamples:\n"
    "  tether validate                                   # HEAD of the repo in the current dir\n"
    "  tether validate --repo ../state origin/main --strict\n"
    "  tether validate --repo git://git.example.com/state.git pr-42 --format json\n"
    "\nJSON (\"format\": \"tether.validate/v1\"): {rev, commit, valid, errors, warnings,\n"
    "services, hosts, findings:[{severity, file, line, field, message, hint}]}.\n"
    "\nExit status: 0 valid (warnings allowed), 1 errors found, 2 usage error, 4 the repo could\n"
    "not be opened or fetched, or REV is not a commit.";

}  // namespace tether
