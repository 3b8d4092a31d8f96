#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tether::review {

/// Who signs a commit.
struct Author {
  std::string name;
  std::string email;
};

/// "Name <email>" -> Author; nullopt when it has not that shape.
[[nodiscard]] std::optional<Author> parse_author(const std::string& text);

/// The revert commit to make.
struct RevertSpec {
  std::string commit;            ///< 40 hex: the commit to revert
  std::string onto_commit;       ///< 40 hex: the new commit's parent
  std::string branch;            ///< created at the new commit
  int mainline = 0;              ///< for a merge commit: the parent (1-based) whose side is kept
  std::optional<Author> author;  ///< default: user.name/user.email from git config, else tether
};

/// What was committed.
struct RevertedCommit {
  std::string commit;   ///< the new commit
  std::string subject;  ///< of the reverted commit
  std::string message;
};

/// A clone of the state repo in which `tether revert` commits (libgit2). The working tree is
/// left at the new branch, so a kept --workdir shows the result.
class RevertRepo {
 public:
  /// Clones `location` (URL or path) into `workdir`, which must not exist or be empty.
  [[nodiscard]] static Result<std::unique_ptr<RevertRepo>> clone(
      const std::string& location, const std::filesystem::path& workdir);
  ~RevertRepo();
  RevertRepo(const RevertRepo&) = delete;
  RevertRepo& operator=(const RevertRepo&) = delete;

  /// The 40-hex commit `rev` names in the clone.
  [[nodiscard]] Result<std::string> resolve(const std::string& rev);
  /// The remote's tip of `branch` (refs/remotes/origin/<branch>), or nullopt without one.
  [[nodiscard]] std::optional<std::string> remote_branch(const std::string& branch);

  /// Commits the revert of `spec.commit` on top of `spec.onto_commit` with the message git
  /// uses (`Revert "<subject>"` + "This reverts commit <sha>."), creates `spec.branch` there
  /// and checks it out. Errors: a conflict (naming the files), an empty revert (the change is
  /// not on the target), a root or merge commit without `mainline`.
  [[nodiscard]] Result<RevertedCommit> revert(const RevertSpec& spec);

  /// Pushes refs/heads/<branch> to origin. Errors when unreachable or rejected.
  [[nodiscard]] Status push(const std::string& branch);

 private:
  struct Impl;
  explicit RevertRepo(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether::review
