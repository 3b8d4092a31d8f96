#pragma once

#include "apply/process_spawner.hpp"
#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "model/switch_spec.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace tether {

/// The listening sockets of a socket-handoff service (`spec.switch.socketHandoff`), held by the
/// agent while it starts a release on them. Between switches the releases hold them: a socket
/// stays open (and keeps queueing connections) as long as any holder does, so the agent, the
/// old and the new release share one listen queue and no connection is refused.
class ListenSockets {
 public:
  /// Each socket of `spec`, in order: the one a process in `holders` listens on (a copy taken
  /// with pidfd_getfd(2), Linux 5.6+: an agent that restarted finds its sockets there), else
  /// a new one bound and listening now (SO_REUSEADDR, close-on-exec in the agent). Fails,
  /// naming the socket and the address, when one can be neither found nor bound (another
  /// program holds the port).
  [[nodiscard]] static Result<ListenSockets> acquire(const std::string& service,
                                                     const SocketHandoffSpec& spec,
                                                     const std::vector<pid_t>& holders);

  /// What to pass to a release: the descriptors (valid while this object lives) and names.
  [[nodiscard]] PassedSockets passed() const;
  /// For logs: "http=127.0.0.1:8080 (from pid 42)" or "(new)" per socket, comma-separated.
  [[nodiscard]] std::string describe() const;

 private:
  std::vector<UniqueFd> m_fds;
  std::vector<std::string> m_names;
  std::vector<std::string> m_origins;
  std::vector<std::string> m_endpoints;  ///< "http=127.0.0.1:8080"
};

}  // namespace tether
