#pragma once

// The one place that tells libgit2 how to reach a state repo: credentials (an SSH key file,
// ssh-agent, ~/.ssh identities, an HTTPS token), host trust (known_hosts for SSH, the system CAs
// or a CA file for HTTPS) and a deadline on every wait. Every Git network operation in tether
// (the agent's fetch, previews, revert proposals) takes its git_remote_callbacks from here.

#include "core/result.hpp"
#include "model/agent_config.hpp"
#include "net/stall_watchdog.hpp"

#include <git2.h>

#include <memory>
#include <optional>
#include <string>

namespace tether {

/// One Git network operation (connect, then ls-remote, fetch or push) against `url`.
class GitSession {
 public:
  /// Reads repo.tokenFile, checks the files `access` names, and starts the stall watchdog
  /// (`access.timeout` without an answer, `deadline` overall, or SIGTERM cut the operation).
  [[nodiscard]] static Result<std::unique_ptr<GitSession>> start(
      const RepoAccess& access,
      const std::string& url,
      std::optional<StallWatchdog::Clock::time_point> deadline = std::nullopt);
  ~GitSession();

  /// Callbacks for git_remote_connect, git_fetch_options and git_push_options: credentials,
  /// host-key and certificate checks, progress (which also aborts a cut operation). Their
  /// payload is this session: set other callbacks with user_data() to reach your own state.
  [[nodiscard]] git_remote_callbacks callbacks();
  /// Options for git_remote_connect_ext: callbacks() and the redirect rule, HTTP redirects
  /// followed on the first request only (what git and libgit2 do by default). Given here, not
  /// read from the mirror's http.followRedirects: libgit2 would snapshot the repo config for it
  /// on every connect.
  [[nodiscard]] git_remote_connect_options connect_options();
  /// The redirect rule of connect_options(), for git_fetch_options and git_push_options.
  static constexpr git_remote_redirect_t k_follow_redirects = GIT_REMOTE_REDIRECT_INITIAL;
  void set_user_data(void* data);
  /// The user data of the session a callback got as `payload`.
  [[nodiscard]] static void* user_data(void* payload);

  /// The error for a libgit2 call of this session that failed: a stop (SIGTERM), a timeout or
  /// a refusal of ours (host key, certificate, credentials) explains it better than libgit2's
  /// text, which is used otherwise. `what` names the operation and the (redacted) URL.
  [[nodiscard]] Error failure(const std::string& what, const std::string& hint) const;
  /// Why the watchdog cut the operation, if it did.
  [[nodiscard]] StallReason stalled() const;

  struct Impl;

 private:
  explicit GitSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether
