#pragma once

// RevertRepo's state, shared by its two files: revert_repo.cpp (clone, revert, push) and
// revert_repo_remote.cpp (the agent's scratch repo: ls-remote, fetch, history, credentials).

#include "review/git_handles.hpp"
#include "review/revert_repo.hpp"

#include <optional>
#include <string>

namespace tether::review {

/// How the repo reaches its remote, and what a push's per-ref status callback found.
struct RemoteState {
  RepoAccess access;      ///< every connection goes through a GitSession (net/git_access.hpp)
  std::string rejection;  ///< "<ref>: <server's reason>" when the server refused a ref
};

/// The files a conflicting revert leaves unmerged, comma separated.
inline std::string conflicting_paths(git_index* index) {
  git_index_conflict_iterator* raw = nullptr;
  if (git_index_conflict_iterator_new(&raw, index) != 0) return "(unknown files)";
  std::unique_ptr<git_index_conflict_iterator, void (*)(git_index_conflict_iterator*)> iterator(
      raw, git_index_conflict_iterator_free);
  std::string out;
  const git_index_entry* ancestor = nullptr;
  const git_index_entry* ours = nullptr;
  const git_index_entry* theirs = nullptr;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, iterator.get()) == 0) {
    const git_index_entry* any = ours != nullptr ? ours : theirs != nullptr ? theirs : ancestor;
    if (any != nullptr) out += (out.empty() ? "" : ", ") + std::string(any->path);
  }
  return out;
}

struct RevertRepo::Impl {
  git::Library library;
  git::RepoHandle repo;
  std::string location;
  RemoteState remote;

  Result<git::SignatureHandle> signature(const std::optional<Author>& author) {
    git_signature* raw = nullptr;
    if (author) {
      if (git_signature_now(&raw, author->name.c_str(), author->email.c_str()) != 0) {
        return git::failure("--author \"" + author->name + " <" + author->email + ">\"",
                            "pass --author \"Name <email>\"");
      }
    } else if (git_signature_default(&raw, repo.get()) != 0 &&
               git_signature_now(&raw, git::k_fallback_name, git::k_fallback_email) != 0) {
      return git::failure("cannot make a commit signature");
    }
    return git::SignatureHandle(raw);
  }

  Result<git_oid> merged_tree(git_commit* reverted, git_commit* onto, int mainline) {
    git_index* raw = nullptr;
    git_merge_options options = GIT_MERGE_OPTIONS_INIT;
    if (git_revert_commit(
            &raw, repo.get(), reverted, onto, static_cast<unsigned>(mainline), &options) != 0) {
      return git::failure("cannot revert " + git::hex(*git_commit_id(reverted)));
    }
    git::IndexHandle index(raw);
    if (git_index_has_conflicts(index.get())) {
      return Error{"reverting " + git::hex(*git_commit_id(reverted)).substr(0, 12) + " onto " +
                       git::hex(*git_commit_id(onto)).substr(0, 12) + " conflicts in " +
                       conflicting_paths(index.get()),
                   "later commits changed the same lines: revert those too (newest first), or "
                   "run `git revert` by hand and resolve the conflict"};
    }
    git_oid tree;
    if (git_index_write_tree_to(&tree, index.get(), repo.get()) != 0) {
      return git::failure("cannot write the reverted tree");
    }
    return tree;
  }

  /// A commit of `tree_id` on top of `parent`; no ref moves.
  Result<std::string> write_commit(const git_oid& tree_id,
                                   git_commit* parent,
                                   const git_signature* signature,
                                   const std::string& message) {
    git_tree* raw_tree = nullptr;
    if (git_tree_lookup(&raw_tree, repo.get(), &tree_id) != 0) {
      return git::failure("cannot read the reverted tree");
    }
    git::TreeHandle tree(raw_tree);
    git_oid id;
    const git_commit* parents[] = {parent};
    if (git_commit_create(&id,
                          repo.get(),
                          nullptr,
                          signature,
                          signature,
                          nullptr,
                          message.c_str(),
                          tree.get(),
                          1,
                          parents) != 0) {
      return git::failure("cannot create the revert commit");
    }
    return git::hex(id);
  }

  Status checkout(git_commit* commit, const std::string& branch) {
    if (git_repository_is_bare(repo.get())) return ok_status();  // the agent's scratch repo
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_SAFE;
    if (git_checkout_tree(repo.get(), reinterpret_cast<git_object*>(commit), &options) != 0 ||
        git_repository_set_head(repo.get(), ("refs/heads/" + branch).c_str()) != 0) {
      return git::failure("cannot check out " + branch);
    }
    return ok_status();
  }
};

}  // namespace tether::review
