// The agent's side of RevertRepo: a scratch repo that borrows the mirror's objects, remote
// listing and fetching with credentials, and the first-parent history of one file.
#include "net/git_access.hpp"
#include "net/git_url.hpp"
#include "review/revert_repo_impl.hpp"
#include "source/tree_snapshot.hpp"

#include <fstream>

namespace tether::review {
namespace {

Result<git::CommitHandle> commit_of(git_repository* repo, const std::string& hex) {
  git_oid oid;
  git_commit* raw = nullptr;
  if (git_oid_fromstr(&oid, hex.c_str()) != 0 || git_commit_lookup(&raw, repo, &oid) != 0) {
    return git::failure("commit " + hex + " is not in the agent's mirror");
  }
  return git::CommitHandle(raw);
}

/// The blob at `path` in `commit`'s tree, nullopt when there is none.
Result<std::optional<std::string>> file_at(git_repository* repo,
                                           git_commit* commit,
                                           const std::string& path) {
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit) != 0) return git::failure("cannot read a tree");
  git::TreeHandle tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) != 0) {
    return std::optional<std::string>();
  }
  git::EntryHandle entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::optional<std::string>();
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo, git_tree_entry_id(entry.get())) != 0) {
    return git::failure("cannot read " + path);
  }
  git::BlobHandle blob(raw_blob);
  return std::optional<std::string>(
      std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                  static_cast<size_t>(git_blob_rawsize(blob.get()))));
}

/// The tree ids of the dirs a state is read from, joined: equal keys, equal states.
Result<std::string> state_dirs_key(git_commit* commit) {
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit) != 0) return git::failure("cannot read a tree");
  git::TreeHandle tree(raw_tree);
  std::string key;
  for (const char* dir : {"services", "hosts", "config"}) {
    const git_tree_entry* entry = git_tree_entry_byname(tree.get(), dir);
    key += (entry == nullptr ? std::string("-") : git::hex(*git_tree_entry_id(entry))) + "/";
  }
  return key;
}

}  // namespace

Result<std::unique_ptr<RevertRepo>> RevertRepo::open_scratch(const ScratchOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->location = options.url;
  impl->remote.access = options.access;
  const std::string path = options.dir.string();
  git_repository* raw = nullptr;
  if (git_repository_init(&raw, path.c_str(), /*is_bare=*/1) != 0) {
    return git::failure("cannot create a scratch repository at " + path);
  }
  impl->repo.reset(raw);
  // Every commit the agent has is readable here without a download or a copy.
  std::ofstream alternates(options.dir / "objects" / "info" / "alternates");
  alternates << options.alternate_objects.string() << '\n';
  if (!alternates.flush()) return Error{"cannot write alternates in " + path, ""};
  git_remote* remote = nullptr;
  if (git_remote_create(&remote, impl->repo.get(), "origin", options.url.c_str()) != 0) {
    return git::failure("cannot use " + options.url + " as a remote", "check repo.url");
  }
  git_remote_free(remote);
  // A ref at a commit we have makes the next fetch send it as a "have": only what the
  // tip added since is downloaded.
  git_oid tip;
  git_reference* ref = nullptr;
  const std::string tracking = "refs/remotes/origin/" + options.branch;
  if (git_oid_fromstr(&tip, options.known_tip.c_str()) == 0 &&
      git_reference_create(&ref, impl->repo.get(), tracking.c_str(), &tip, 1, "tether") == 0) {
    git_reference_free(ref);
  }
  return std::unique_ptr<RevertRepo>(new RevertRepo(std::move(impl)));
}

Result<std::map<std::string, std::string>> RevertRepo::remote_refs() {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, m_impl->repo.get(), "origin") != 0) {
    return git::failure("the scratch repo has no remote origin");
  }
  git::RemoteHandle remote(raw);
  auto session = GitSession::start(m_impl->remote.access, m_impl->location);
  if (!session) return session.error();
  const git_remote_callbacks callbacks = (*session)->callbacks();
  if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr) != 0) {
    return (*session)->failure("cannot reach " + redacted_url(m_impl->location),
                               "check repo.url and the proposeRevert credentials");
  }
  const git_remote_head** heads = nullptr;
  size_t count = 0;
  std::map<std::string, std::string> refs;
  if (git_remote_ls(&heads, &count, remote.get()) == 0) {
    for (size_t i = 0; i < count; ++i) refs[heads[i]->name] = git::hex(heads[i]->oid);
  }
  git_remote_disconnect(remote.get());
  return refs;
}

Status RevertRepo::fetch_branch(const std::string& branch) {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, m_impl->repo.get(), "origin") != 0) {
    return git::failure("the scratch repo has no remote origin");
  }
  git::RemoteHandle remote(raw);
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  auto session = GitSession::start(m_impl->remote.access, m_impl->location);
  if (!session) return session.error();
  options.callbacks = (*session)->callbacks();
  std::string refspec = "+refs/heads/" + branch + ":refs/remotes/origin/" + branch;
  char* specs[] = {refspec.data()};
  const git_strarray refspecs{specs, 1};
  if (git_remote_fetch(remote.get(), &refspecs, &options, "tether revert proposal") != 0) {
    return (*session)->failure(
        "fetch of " + branch + " from " + redacted_url(m_impl->location) + " failed", "");
  }
  return ok_status();
}

Result<std::vector<FileAt>> RevertRepo::file_history(const std::string& commit,
                                                     const std::string& path,
                                                     size_t limit) {
  git_repository* repo = m_impl->repo.get();
  auto current = commit_of(repo, commit);
  if (!current) return current.error();
  std::vector<FileAt> history;
  // First parents only: the branch's own sequence of states, as merges landed on it.
  while (history.size() < limit) {
    auto content = file_at(repo, current->get(), path);
    if (!content) return content.error();
    history.push_back(FileAt{git::hex(*git_commit_id(current->get())), std::move(*content)});
    if (git_commit_parentcount(current->get()) == 0) break;
    git_commit* parent = nullptr;
    if (git_commit_parent(&parent, current->get(), 0) != 0) {
      return git::failure("cannot read the parent of " + history.back().commit);
    }
    current = git::CommitHandle(parent);
  }
  return history;
}

Result<std::vector<IdentifiedAt>> RevertRepo::state_history(const std::string& commit,
                                                            const HistoryLimits& limits,
                                                            const StateIdentifier& identify) {
  git_repository* repo = m_impl->repo.get();
  auto current = commit_of(repo, commit);
  if (!current) return current.error();
  std::vector<IdentifiedAt> history;
  std::string newer_key;
  size_t loads = 0;
  while (history.size() < limits.commits) {
    const std::string hex = git::hex(*git_commit_id(current->get()));
    auto key = state_dirs_key(current->get());
    if (!key) return key.error();
    if (history.empty() || *key != newer_key) {
      if (loads == limits.loads) break;
      ++loads;
      auto snapshot = read_tree_snapshot(repo, hex);
      history.push_back({hex, snapshot ? identify(*snapshot) : std::nullopt});
    } else {
      history.push_back({hex, history.back().identity});
    }
    newer_key = std::move(*key);
    if (git_commit_parentcount(current->get()) == 0) break;
    git_commit* parent = nullptr;
    if (git_commit_parent(&parent, current->get(), 0) != 0) {
      return git::failure("cannot read the parent of " + hex);
    }
    current = git::CommitHandle(parent);
  }
  return history;
}

Result<std::string> RevertRepo::subject(const std::string& commit) {
  auto found = commit_of(m_impl->repo.get(), commit);
  if (!found) return found.error();
  const char* summary = git_commit_summary(found->get());
  return std::string(summary != nullptr ? summary : "");
}

}  // namespace tether::review
