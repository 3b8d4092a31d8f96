#include "source/file_history.hpp"

#include "source/git_handles.hpp"

namespace tether {
namespace {

Error git_failure(const std::string& what) {
  return Error{what + ": " + git::last_error_message(), ""};
}

/// The blob id of `path` in `commit`'s tree; empty when the tree has no such file.
Result<std::string> blob_at(git_commit* commit, const std::string& path) {
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit) != 0) return git_failure("cannot read a commit's tree");
  git::TreeHandle tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  const int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::string();
  if (rc != 0) return git_failure("cannot look up " + path);
  git::EntryHandle entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::string();
  return git::hex(*git_tree_entry_id(entry.get()));
}

Result<std::string> blob_content(git_repository* repo,
                                 const std::string& blob_hex,
                                 const std::string& path,
                                 size_t max_bytes) {
  git_oid id;
  if (git_oid_fromstr(&id, blob_hex.c_str()) != 0) return git_failure("bad blob id " + blob_hex);
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) != 0) return git_failure("cannot read " + path);
  git::BlobHandle blob(raw);
  const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  if (size > max_bytes) {
    return Error{path + " at blob " + blob_hex + " is " + std::to_string(size) +
                     " bytes, more than " + std::to_string(max_bytes),
                 ""};
  }
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

}  // namespace

Result<std::vector<FileVersion>> read_file_history(git_repository* repo,
                                                   const git_oid& tip,
                                                   const std::string& path,
                                                   size_t limit,
                                                   size_t max_blob_bytes) {
  std::vector<FileVersion> out;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &tip) != 0) {
    return git_failure("commit " + git::hex(tip) + " is not in the mirror");
  }
  git::CommitHandle commit(raw);
  while (commit && out.size() < limit) {
    FileVersion version;
    version.commit = git::hex(*git_commit_id(commit.get()));
    version.commit_time = static_cast<long long>(git_commit_time(commit.get()));
    auto blob = blob_at(commit.get(), path);
    if (!blob) return blob.error();
    version.blob_id = std::move(*blob);
    if (!version.blob_id.empty() && (out.empty() || out.back().blob_id != version.blob_id)) {
      auto content = blob_content(repo, version.blob_id, path, max_blob_bytes);
      if (!content) return content.error();
      version.content = std::move(*content);
    }
    out.push_back(std::move(version));
    if (git_commit_parentcount(commit.get()) == 0) break;
    git_commit* parent = nullptr;
    // A shallow mirror has no parent object: the history known here ends.
    if (git_commit_parent(&parent, commit.get(), 0) != 0) break;
    commit.reset(parent);
  }
  return out;
}

}  // namespace tether
