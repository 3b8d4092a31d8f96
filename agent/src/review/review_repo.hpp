#pragma once

#include "core/result.hpp"
#include "model/snapshot.hpp"
#include "review/review_model.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tether::review {

/// Read-only access to a state repo for review (libgit2): revisions, the tracked files at a
/// commit, and the history of services/*.yaml. Nothing is checked out or written to a local
/// repo.
class ReviewRepo {
 public:
  /// `location` is either a local repository (a path, bare or not), opened in place, or a URL
  /// (file://, git://, http(s)://, ssh://) whose refs are all fetched into a new bare repo under
  /// `scratch`, with HEAD set to the remote's default branch. Errors: not a repository, or the
  /// URL cannot be reached or fetched.
  [[nodiscard]] static Result<std::unique_ptr<ReviewRepo>> open(
      const std::string& location, const std::filesystem::path& scratch);
  ~ReviewRepo();
  ReviewRepo(const ReviewRepo&) = delete;
  ReviewRepo& operator=(const ReviewRepo&) = delete;

  /// The 40-hex commit `rev` names: a sha (or a prefix), branch, tag, HEAD~1, origin/main...
  [[nodiscard]] Result<std::string> resolve(const std::string& rev);
  /// services/, hosts/ and config/ at `commit` (40 hex), read from the Git tree.
  [[nodiscard]] Result<StateSnapshot> snapshot(const std::string& commit);
  /// Every distinct services/*.yaml blob along the first-parent history of `commit` (itself
  /// included), at most `max_commits` commits back, each at the oldest commit that has it.
  [[nodiscard]] Result<std::vector<HistoricBlob>> service_history(const std::string& commit,
                                                                  int max_commits);

 private:
  struct Impl;
  explicit ReviewRepo(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// True when `location` names a remote (scheme://... or user@host:path) rather than a path.
[[nodiscard]] bool is_remote_location(const std::string& location);

}  // namespace tether::review
