#pragma once

#include "core/result.hpp"
#include "model/agent_config.hpp"
#include "model/snapshot.hpp"

#include <filesystem>
#include <functional>
#include <map>
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

/// A scratch repository for the agent's revert proposals.
struct ScratchOptions {
  std::string url;                          ///< the state repo
  std::filesystem::path dir;                ///< created (bare); the caller removes it
  std::filesystem::path alternate_objects;  ///< the agent's mirror objects: nothing re-fetched
  std::string branch;                       ///< the tracked branch
  std::string known_tip;                    ///< a commit in the mirror on `branch`: a fetch has
                                            ///< it already (sent as a "have")
  RepoAccess access;  ///< credentials, host trust, timeout (net/git_access.hpp)
};

/// One commit of a file's first-parent history: what the file held there.
struct FileAt {
  std::string commit;
  std::optional<std::string> content;  ///< nullopt: the file does not exist at that commit
};

/// One commit of the branch's first-parent history and what a caller made of its state.
struct IdentifiedAt {
  std::string commit;
  /// The caller's identity of the state at `commit`; nullopt when it could not be read or
  /// the caller found it invalid.
  std::optional<std::string> identity;
};

/// What the state (services/, hosts/, config/) at one commit identifies as; nullopt: invalid.
using StateIdentifier = std::function<std::optional<std::string>(const StateSnapshot&)>;

/// How far state_history() goes back.
struct HistoryLimits {
  size_t commits = 500;  ///< first-parent commits walked
  size_t loads = 100;    ///< states read and identified (commits that touch the state dirs)
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
  /// A new bare repo at `options.dir` borrowing the mirror's objects (a git alternate), with
  /// origin at `options.url` and refs/remotes/origin/<branch> at `options.known_tip`. Nothing
  /// is fetched yet. The agent's own mirror is never written to.
  [[nodiscard]] static Result<std::unique_ptr<RevertRepo>> open_scratch(
      const ScratchOptions& options);
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
  /// not on the target), a root or merge commit without `mainline`. `message` replaces git's.
  [[nodiscard]] Result<RevertedCommit> revert(
      const RevertSpec& spec, const std::optional<std::string>& message = std::nullopt);

  /// Pushes refs/heads/<branch> to origin, never forced. Errors when unreachable or rejected.
  [[nodiscard]] Status push(const std::string& branch);

  /// The remote's refs (ls-remote: name -> 40 hex), nothing downloaded.
  [[nodiscard]] Result<std::map<std::string, std::string>> remote_refs();
  /// Fetches origin's `branch` into refs/remotes/origin/<branch>.
  [[nodiscard]] Status fetch_branch(const std::string& branch);
  /// `path` at `commit` and at each first-parent ancestor, newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<FileAt>> file_history(const std::string& commit,
                                                         const std::string& path,
                                                         size_t limit);
  /// `commit` and its first-parent ancestors, newest first, each with `identify`'s verdict on
  /// its state. A commit whose services/, hosts/ and config/ trees are those of the newer one
  /// takes its identity without being read. Stops at `limits` (commits walked, states read).
  [[nodiscard]] Result<std::vector<IdentifiedAt>> state_history(const std::string& commit,
                                                                const HistoryLimits& limits,
                                                                const StateIdentifier& identify);
  /// The first line of `commit`'s message.
  [[nodiscard]] Result<std::string> subject(const std::string& commit);

 private:
  struct Impl;
  explicit RevertRepo(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether::review
