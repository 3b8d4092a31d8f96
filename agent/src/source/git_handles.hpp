#pragma once

// libgit2 handles and error text shared by the libgit2 adapters (source: the agent's mirror and
// preview fetches; review: plan, revert, init). Only their .cpp files include this header, so
// libgit2 stays inside the adapters.

#include "core/result.hpp"

#include <git2.h>

#include <memory>
#include <string>

namespace tether::git {

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

/// libgit2's message for the last failure on this thread.
inline std::string last_error_message() {
  const git_error* last = git_error_last();
  return last != nullptr && last->message != nullptr ? last->message : "unknown libgit2 error";
}

/// `what` followed by libgit2's last error message.
inline Error failure(const std::string& what, const std::string& hint = "") {
  return Error{what + ": " + last_error_message(), hint};
}

inline std::string hex(const git_oid& oid) {
  char buffer[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(buffer, sizeof buffer, &oid);
  return buffer;
}

}  // namespace tether::git
