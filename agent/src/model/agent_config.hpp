#pragma once

#include "core/duration.hpp"
#include "model/network_limits.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>

namespace tether {

enum class LogFormat { text, json };

/// proposeRevert: after an automatic rollback, push a branch with the revert of the commit
/// that declared the failing release (docs/revert-proposals.md).
struct ProposeRevertConfig {
  bool enabled = false;
  std::string branch_prefix = "tether/revert-";
  bool push = true;          ///< false: make and record the proposal, push nothing
  std::string ssh_key_file;  ///< ssh:// state repos: the key to push with
  std::string token_file;    ///< http(s):// state repos: a token to push with
  std::string username;      ///< for the key or token; default: the URL's, else git/x-access-token
  bool operator==(const ProposeRevertConfig&) const = default;
};

/// repo.*: how every Git operation reaches the state repo (net/git_access.hpp). Empty fields
/// behave as OpenSSH and git would for the user running the agent.
struct RepoAccess {
  std::string ssh_key_file;  ///< empty: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa
  std::string known_hosts;   ///< empty: ~/.ssh/known_hosts
  std::string token_file;    ///< https:// (and http://): the password for `username`
  std::string username;      ///< default: the URL's, else the local user (ssh) / x-access-token
  std::string ca_file;       ///< PEM CAs trusted besides the system's
  /// No answer (no byte, no progress) from the server for this long aborts the operation.
  Millis timeout{std::chrono::seconds(30)};
  bool operator==(const RepoAccess&) const = default;
};

/// `prometheus`: the Prometheus that spec.analysis queries ask (docs/analysis.md).
struct PrometheusConfig {
  std::string url;  ///< "" = none: a service with spec.analysis is not switched
  Millis timeout{std::chrono::seconds(5)};  ///< each query's whole HTTP exchange
  bool operator==(const PrometheusConfig&) const = default;
};

/// agent.yaml after validation, with command-line overrides applied on top.
struct AgentConfig {
  std::string repo_url;
  std::string branch = "main";
  std::string root = "/var/lib/tether";
  std::string host_id;  ///< empty = the machine's hostname
  StringMap host_labels;
  Millis poll_interval{std::chrono::seconds(30)};
  int poll_jitter_percent = 10;
  std::string api_listen;
  std::string webhook_secret_file;
  std::string allowed_signers;      ///< when set, state commits must be SSH-signed by a listed key
  bool verify_all_commits = false;  ///< every new commit, not only the tip, must be signed
  /// With verify_all_commits on a host that applied nothing yet: the commit whose descendants
  /// are all checked (docs/security.md, "The fresh-host rule"). "" = the entire history.
  std::string trust_anchor;
  /// Follow a branch that was rewritten (force push) instead of refusing its new tip.
  bool allow_non_fast_forward = false;
  RepoAccess repo_access;
  ContainerRuntime runtime = ContainerRuntime::podman;
  LogFormat log_format = LogFormat::text;
  std::string log_level = "info";
  std::string notify_url;
  ProposeRevertConfig propose_revert;
  /// `backoff`: restarts and drift repairs of one service in a row wait `base`, doubling up to
  /// `cap`; once it stays up for `stable` the count resets (and a degraded service is reported
  /// as recovered).
  Millis backoff_base{std::chrono::seconds(1)};
  Millis backoff_cap{std::chrono::minutes(5)};
  Millis backoff_stable{std::chrono::minutes(1)};
  NetworkLimits network;  ///< `network:` timeouts and limits of every HTTP transfer
  /// `apply.parallel`: how many services of one dependency wave are converged at once (their
  /// downloads, unpacking, starts and health gates overlap); 1 = one at a time.
  int apply_parallel = 8;
  // secrets (#23): `secrets.ageIdentityFile`, the host's age identity (private key) that
  // decrypts `encryption: age` config files at install; root-only (0600 or stricter).
  std::string age_identity_file = "/etc/tether/age.key";
  PrometheusConfig prometheus = {};  ///< analysis after a switch (h/analysis)
  bool operator==(const AgentConfig&) const = default;
};

}  // namespace tether
