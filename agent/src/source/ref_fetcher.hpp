#pragma once

#include "core/result.hpp"
#include "model/agent_config.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace tether {

/// The tip of a ref fetched for a preview.
struct FetchedRef {
  std::string name;    ///< the full ref name it was found under ("refs/heads/pr-42")
  std::string commit;  ///< 40 hex; an annotated tag is peeled to its commit
};

/// Why a ref fetch produced no commit: the remote has no such ref, or it could not be had.
enum class RefFetchFailure { not_found, unreachable, timed_out };

struct RefFetchError {
  RefFetchFailure failure = RefFetchFailure::unreachable;
  Error error;
};

/// Fetches one ref of the state repo into a repository of its own (a scratch bare repo, see
/// GitSource's `alternate_objects`), under refs/tether/preview: a preview never moves the
/// agent's tracking ref or writes to its mirror. Uses an anonymous remote (no configured
/// refspec, so no other ref is updated on the side), writes no FETCH_HEAD and follows no tags.
/// Own libgit2 handle: safe beside an agent polling its own mirror.
class RefFetcher {
 public:
  /// Opens the bare repository at `repo` (it must exist); fetches reach the server with
  /// `access` (net/git_access.hpp).
  [[nodiscard]] static Result<std::unique_ptr<RefFetcher>> open(const std::filesystem::path& repo,
                                                                const RepoAccess& access);
  ~RefFetcher();
  RefFetcher(const RefFetcher&) = delete;
  RefFetcher& operator=(const RefFetcher&) = delete;

  /// Resolves `ref` (see ref_candidates) against the refs `url` advertises and downloads its
  /// tip. `have`, a commit already readable here (the agent's applied one), is offered to the
  /// server so that only what is new is sent. Gives up at `deadline`, after repo.timeout without
  /// an answer, or on SIGTERM, even while the server says nothing.
  [[nodiscard]] std::variant<FetchedRef, RefFetchError> fetch(
      const std::string& url,
      const std::string& ref,
      const std::string& have,
      std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  explicit RefFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether
