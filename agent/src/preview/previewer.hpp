#pragma once

#include "container/container_engine.hpp"
#include "core/duration.hpp"
#include "core/layout.hpp"
#include "manifest/state_loader.hpp"
#include "model/agent_config.hpp"
#include "preview/preview.hpp"
#include "trust/tip_judge.hpp"

#include <filesystem>
#include <string>
#include <variant>

namespace tether::preview {

/// What a previewer needs of the agent's configuration.
struct PreviewerSettings {
  Layout layout;
  HostIdentity host;
  std::string repo_url;
  TrustPolicy trust;  ///< the agent's own policy: a preview judges a tip as the agent would
  Millis fetch_timeout{std::chrono::seconds(30)};
  RepoAccess repo_access;  ///< credentials, host trust and timeout (agent.yaml repo.*)
};

/// Why no preview was made; each maps to an HTTP status and an exit status.
enum class PreviewFailure {
  bad_ref,            ///< the ref name is not acceptable (400)
  unknown_ref,        ///< the remote has no such ref (404)
  invalid_manifests,  ///< the agent would refuse the ref's tip: invalid manifests (422)
  unreachable,        ///< the state repo could not be fetched (502)
  timed_out,          ///< the fetch took longer than fetch_timeout (504)
};

struct PreviewError {
  PreviewFailure failure = PreviewFailure::unreachable;
  Error error;
};

using PreviewOutcome = std::variant<Preview, PreviewError>;

/// Fetches a ref of the state repo into a scratch repository of its own (borrowing the
/// agent's mirror objects, offering its applied commit so only what is new is sent), resolves
/// this host's desired state at its tip with the agent's own functions, probes the live state
/// and plans. Changes nothing under the root: the agent's mirror, refs, last good commit,
/// journal and hash cache are only read, and no service is touched. Needs no lock: every call
/// has its own libgit2 handles, so it runs beside a polling agent. Not a limiter: callers
/// bound how many run at once.
class Previewer {
 public:
  /// `containers` (nullable) probes container services; give the previewer its own.
  Previewer(PreviewerSettings settings, const ContainerEngines* containers)
      : m_settings(std::move(settings)), m_containers(containers) {}

  [[nodiscard]] PreviewOutcome preview(const std::string& ref) const;

 private:
  PreviewerSettings m_settings;
  const ContainerEngines* m_containers;
};

}  // namespace tether::preview
