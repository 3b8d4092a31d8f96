#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "proposal/revert_proposal.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace tether::proposal {

/// How a proposal ended (so far).
enum class ProposalState {
  pushed,            ///< this host pushed the branch
  already_proposed,  ///< the branch was at the server already: another host proposed it
  recorded,          ///< proposeRevert.push is false: made and recorded, not pushed
  failed,            ///< the revert or the push failed; retried on later passes, with backoff
  unavailable,       ///< no commit to revert (the walk found none): not retried
};

/// "pushed", "already-proposed", "recorded", "failed", "unavailable" (status JSON, journal).
[[nodiscard]] const char* to_string(ProposalState state);
[[nodiscard]] std::optional<ProposalState> state_from_string(const std::string& text);

/// One service's proposal for one quarantine (dir + spec digest: a new quarantine of the same
/// service is a new proposal).
struct ProposalRecord {
  std::string quarantine_dir;
  std::string spec_digest;
  ProposalState state = ProposalState::failed;
  std::string branch;         ///< "" when unavailable
  std::string revert_commit;  ///< the commit on the branch (ours, or the server's)
  std::string error;          ///< failed / unavailable: why
  int attempts = 0;
  std::string time;                 ///< RFC 3339 UTC of the last attempt
  long long next_attempt_unix = 0;  ///< failed: not retried before this
  Evidence evidence;
  bool operator==(const ProposalRecord&) const = default;

  /// True when nothing more is to be done for it.
  [[nodiscard]] bool settled() const { return state != ProposalState::failed; }
};

using Proposals = std::map<std::string, ProposalRecord>;  ///< by service

/// "<state>: branch <b> (...)", the one-line summary status, logs and the journal use.
[[nodiscard]] std::string summary(const ProposalRecord& record);

/// `<root>/state/revert-proposals.json`, rewritten atomically; read by `tether status`,
/// GET /status and `tether revert --proposal`.
class ProposalStore {
 public:
  explicit ProposalStore(const Layout& layout)
      : m_path(layout.state_dir() / "revert-proposals.json") {}
  explicit ProposalStore(std::filesystem::path path) : m_path(std::move(path)) {}

  /// Empty when the file does not exist yet.
  [[nodiscard]] Result<Proposals> load() const;
  [[nodiscard]] Status save(const Proposals& proposals) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace tether::proposal
