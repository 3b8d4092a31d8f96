#pragma once

// libgit2 handles and errors shared by the review adapters (review_repo, revert_repo,
// init_repo). Only those .cpp files include this header: libgit2 stays inside the adapters.

#include "core/result.hpp"

#include <git2.h>

#include <memory>
#include <string>

namespace tether::review::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using RepoHandle = Handle<git_repository, git_repository_free>;
using RemoteHandle = Handle<git_remote, git_remote_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using TreeHandle = Handle<git_tree, git_tree_free>;
using EntryHandle = Handle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = Handle<git_blob, git_blob_free>;
using ObjectHandle = Handle<git_object, git_object_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using RevwalkHandle = Handle<git_revwalk, git_revwalk_free>;
using ReferenceHandle = Handle<git_reference, git_reference_free>;
using SignatureHandle = Handle<git_signature, git_signature_free>;

/// Keeps libgit2 initialised while an adapter lives (init/shutdown are reference counted).
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

/// `what` followed by libgit2's last error message.
inline Error failure(const std::string& what, const std::string& hint = "") {
  const git_error* last = git_error_last();
  const char* detail =
      last != nullptr && last->message != nullptr ? last->message : "unknown libgit2 error";
  return Error{what + ": " + detail, hint};
}

inline std::string hex(const git_oid& oid) {
  char buffer[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(buffer, sizeof buffer, &oid);
  return buffer;
}

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
