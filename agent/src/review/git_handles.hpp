#pragma once

// libgit2 helpers shared by the review adapters (review_repo, revert_repo,
// init_repo). Only those .cpp files include this header: libgit2 stays inside the adapters.

#include "core/result.hpp"
#include "source/git_handles.hpp"

#include <git2.h>

#include <memory>
#include <string>

namespace tether::review::git {

// The review adapters use the source module's handles and helpers (git::TreeHandle, git::hex)
// as their own; this namespace adds only what review needs beyond them.
using namespace tether::git;

/// The committer tether signs as when Git's configuration names nobody.
inline constexpr const char* k_fallback_name = "tether";
inline constexpr const char* k_fallback_email = "tether@localhost";

/// Keeps libgit2 initialised while an adapter lives (init/shutdown are reference counted).
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

/// The commit `rev` names (anything git_revparse_single accepts), peeled through tags.
inline Result<CommitHandle> resolve_commit(git_repository* repo, const std::string& rev) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, rev.c_str()) != 0) {
    return failure("revision \"" + rev + "\" not found",
                   "pass a commit sha, branch, tag or an expression like main~1 that exists in "
                   "the state repo");
  }
  ObjectHandle object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
    return failure("revision \"" + rev + "\" is not a commit", "pass a commit, branch or tag");
  }
  return CommitHandle(reinterpret_cast<git_commit*>(peeled));
}

}  // namespace tether::review::git
