#include "source/tree_snapshot.hpp"

#include "source/git_handles.hpp"

#include <vector>

namespace tether {
namespace {

// secrets/: the age recipients of each host (secrets/recipients/<host>.txt), for validate.
constexpr const char* k_tracked_dirs[] = {"services", "hosts", "config", "secrets"};
constexpr const char* k_only_manifests =
    "tether reads only manifests, config files and recipients from the state repo; keep big or "
    "generated files out of services/, hosts/, config/ and secrets/";

using OdbHandle = git::Handle<git_odb, git_odb_free>;

std::string mib(size_t bytes) { return std::to_string(bytes / TreeLimits::k_mib) + " MiB"; }

/// A tree still to list, with the path it has in the repo ("config/web/").
struct PendingTree {
  git::TreeHandle tree;
  std::string prefix;
  size_t depth = 0;
};

/// Walks the tracked trees iteratively (no recursion for a deep tree to overflow), counting
/// entries and bytes against the limits.
class TreeReader {
 public:
  TreeReader(git_repository* repo,
             git_odb* odb,
             const TreeLimits& limits,
             const StateSnapshot* previous,
             StateSnapshot& out)
      : m_repo(repo), m_odb(odb), m_limits(limits), m_previous(previous), m_out(out) {}

  Status read(PendingTree top) {
    std::vector<PendingTree> pending;
    pending.push_back(std::move(top));
    while (!pending.empty()) {
      PendingTree current = std::move(pending.back());
      pending.pop_back();
      const size_t count = git_tree_entrycount(current.tree.get());
      for (size_t i = 0; i < count; ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(current.tree.get(), i);
        const std::string path = current.prefix + git_tree_entry_name(entry);
        if (++m_entries > m_limits.max_entries) {
          return Error{"the state repo has more than " + std::to_string(m_limits.max_entries) +
                           " files and dirs under services/, hosts/ and config/ (stopped at " +
                           path + ")",
                       k_only_manifests};
        }
        Status read = entry_into(entry, path, current.depth, pending);
        if (!read) return read;
      }
    }
    return ok_status();
  }

 private:
  Status entry_into(const git_tree_entry* entry,
                    const std::string& path,
                    size_t depth,
                    std::vector<PendingTree>& pending) {
    const git_object_t type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_TREE) {
      if (depth + 1 > m_limits.max_depth) {
        return Error{
            path + "/ is nested more than " + std::to_string(m_limits.max_depth) + " dirs deep",
            k_only_manifests};
      }
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, m_repo, git_tree_entry_id(entry)) != 0) {
        return git::failure("cannot read " + path + "/");
      }
      pending.push_back(PendingTree{git::TreeHandle(raw), path + "/", depth + 1});
      return ok_status();
    }
    if (type != GIT_OBJECT_BLOB) return ok_status();  // a submodule: nothing to read
    // A symlink could point anywhere on the host once placed: never read, only remembered.
    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
      m_out.symlinks.insert(path);
      return ok_status();
    }
    return blob_into(*git_tree_entry_id(entry), path);
  }

  /// The content `previous` holds for `path` at blob `hex`, if it does.
  const std::string* known_content(const std::string& path, const std::string& hex) const {
    if (m_previous == nullptr) return nullptr;
    const auto id = m_previous->blob_ids.find(path);
    if (id == m_previous->blob_ids.end() || id->second != hex) return nullptr;
    const auto file = m_previous->files.find(path);
    return file == m_previous->files.end() ? nullptr : &file->second;
  }

  Status blob_into(const git_oid& id, const std::string& path) {
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &id);
    const std::string* known = known_content(path, hex);
    size_t size = known != nullptr ? known->size() : 0;
    git_object_t type = GIT_OBJECT_INVALID;
    // The header only: an oversized blob is refused before it is inflated.
    if (known == nullptr && git_odb_read_header(&size, &type, m_odb, &id) != 0)
      return git::failure("cannot read " + path);
    if (size > m_limits.max_file_bytes) {
      return Error{path + " is " + mib(size) + ", more than the " + mib(m_limits.max_file_bytes) +
                       " tether reads per file",
                   k_only_manifests};
    }
    if (size > m_limits.max_total_bytes - m_bytes) {
      return Error{"the files under services/, hosts/ and config/ add up to more than " +
                       mib(m_limits.max_total_bytes) + " (stopped at " + path + ")",
                   k_only_manifests};
    }
    m_bytes += size;
    m_out.blob_ids.emplace(path, hex);
    if (known != nullptr) {
      m_out.files.emplace(path, *known);
      return ok_status();
    }
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, m_repo, &id) != 0) return git::failure("cannot read " + path);
    git::BlobHandle blob(raw);
    const auto length = static_cast<size_t>(git_blob_rawsize(blob.get()));
    m_out.files.emplace(
        path, std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), length));
    return ok_status();
  }

  git_repository* m_repo;
  git_odb* m_odb;
  const TreeLimits& m_limits;
  const StateSnapshot* m_previous;
  StateSnapshot& m_out;
  size_t m_entries = 0;
  size_t m_bytes = 0;
};

Result<git::TreeHandle> commit_tree(git_repository* repo, const std::string& commit_hex) {
  git_oid oid;
  if (commit_hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, commit_hex.c_str()) != 0) {
    return Error{"not a commit id: " + commit_hex, ""};
  }
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo, &oid) != 0) {
    return git::failure("commit " + commit_hex + " is not in the repository");
  }
  git::CommitHandle commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0)
    return git::failure("cannot read the tree of " + commit_hex);
  return git::TreeHandle(raw_tree);
}

}  // namespace

Result<StateSnapshot> read_tree_snapshot(git_repository* repo,
                                         const std::string& commit_hex,
                                         const TreeLimits& limits,
                                         const StateSnapshot* previous) {
  auto tree = commit_tree(repo, commit_hex);
  if (!tree) return tree.error();
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0)
    return git::failure("cannot open the object database");
  OdbHandle odb(raw_odb);
  StateSnapshot snapshot;
  snapshot.commit = commit_hex;
  TreeReader reader(repo, odb.get(), limits, previous, snapshot);
  for (const char* dir : k_tracked_dirs) {
    const git_tree_entry* entry = git_tree_entry_byname(tree->get(), dir);
    if (entry == nullptr || git_tree_entry_type(entry) != GIT_OBJECT_TREE)
      continue;  // absent: fine
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, git_tree_entry_id(entry)) != 0) {
      return git::failure(std::string("cannot read ") + dir + "/");
    }
    if (Status read = reader.read({git::TreeHandle(raw), std::string(dir) + "/", 0}); !read) {
      return read.error().with_context("commit " + commit_hex.substr(0, 12));
    }
  }
  return snapshot;
}

}  // namespace tether
