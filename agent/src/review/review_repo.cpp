#include "review/review_repo.hpp"

#include "net/git_access.hpp"
#include "net/git_url.hpp"
#include "review/git_handles.hpp"
#include "source/tree_snapshot.hpp"

#include <map>

namespace tether::review {
namespace {

constexpr size_t k_max_file_size = 8 * 1024 * 1024;

Result<std::string> read_blob(git_repository* repo, const git_oid& id, const std::string& path) {
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) != 0) return git::failure("cannot read " + path);
  git::BlobHandle blob(raw);
  const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  if (size > k_max_file_size) {
    return Error{path + " is larger than 8 MiB", "tether reads only manifests and config files"};
  }
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

Result<git::TreeHandle> subtree(git_repository* repo, git_tree* tree, const char* dir) {
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree, dir) != 0) return git::TreeHandle();
  git::EntryHandle entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return git::TreeHandle();
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo, git_tree_entry_id(entry.get())) != 0) {
    return git::failure(std::string("cannot read ") + dir + "/");
  }
  return git::TreeHandle(raw);
}

Result<git::TreeHandle> tree_of(git_repository* repo, const std::string& commit_hex) {
  git_oid oid;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0) {
    return Error{"not a commit id: " + commit_hex, ""};
  }
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo, &oid) != 0) {
    return git::failure("commit " + commit_hex + " is not in the repository");
  }
  git::CommitHandle commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0) return git::failure("cannot read tree");
  return git::TreeHandle(raw_tree);
}

bool is_yaml(const std::string& name) {
  const auto ends_with = [&](const std::string& suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

std::string stem_of(const std::string& name) { return name.substr(0, name.rfind('.')); }

}  // namespace

struct ReviewRepo::Impl {
  git::Library library;
  git::RepoHandle repo;

  Status open_local(const std::string& path) {
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
      return git::failure(path + " is not a Git repository",
                          "pass the state repo's directory (bare or a clone) or its URL");
    }
    repo.reset(raw);
    return ok_status();
  }

  /// A fresh bare repo with every ref of `url` and HEAD at the remote's default branch.
  Status fetch_remote(const std::string& url, const std::filesystem::path& scratch) {
    const std::string path = (scratch / "state.git").string();
    git_repository* raw = nullptr;
    if (git_repository_init(&raw, path.c_str(), /*is_bare=*/1) != 0) {
      return git::failure("cannot create a scratch repository at " + path);
    }
    repo.reset(raw);
    git_remote* raw_remote = nullptr;
    if (git_remote_create_anonymous(&raw_remote, repo.get(), url.c_str()) != 0) {
      return git::failure("cannot use " + url + " as a remote", "check --repo");
    }
    git::RemoteHandle remote(raw_remote);
    const std::string hint = "check --repo and that the git server is reachable from here";
    // The user's own ~/.ssh identities, ssh-agent and known_hosts, as `git clone` would use.
    auto session = GitSession::start(RepoAccess{}, url);
    if (!session) return session.error();
    const git_remote_callbacks callbacks = (*session)->callbacks();
    if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr) != 0) {
      return (*session)->failure("cannot reach " + redacted_url(url), hint);
    }
    git_buf head = GIT_BUF_INIT;
    const std::string default_branch =
        git_remote_default_branch(&head, remote.get()) == 0 ? std::string(head.ptr) : "";
    git_buf_dispose(&head);
    git_remote_disconnect(remote.get());

    std::string refspec = "+refs/*:refs/*";
    char* specs[] = {refspec.data()};
    const git_strarray refspecs{specs, 1};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    options.callbacks = callbacks;
    if (git_remote_fetch(remote.get(), &refspecs, &options, "tether plan") != 0) {
      return (*session)->failure("fetch from " + redacted_url(url) + " failed", hint);
    }
    if (!default_branch.empty()) git_repository_set_head(repo.get(), default_branch.c_str());
    return ok_status();
  }
};

ReviewRepo::ReviewRepo(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ReviewRepo::~ReviewRepo() = default;

bool is_remote_location(const std::string& location) {
  if (location.find("://") != std::string::npos) return true;
  const size_t colon = location.find(':');
  const size_t slash = location.find('/');
  return colon != std::string::npos && colon > 0 && (slash == std::string::npos || colon < slash);
}

Result<std::unique_ptr<ReviewRepo>> ReviewRepo::open(const std::string& location,
                                                     const std::filesystem::path& scratch) {
  auto impl = std::make_unique<Impl>();
  const Status opened = is_remote_location(location) ? impl->fetch_remote(location, scratch)
                                                     : impl->open_local(location);
  if (!opened) return opened.error();
  return std::unique_ptr<ReviewRepo>(new ReviewRepo(std::move(impl)));
}

Result<std::string> ReviewRepo::resolve(const std::string& rev) {
  auto commit = git::resolve_commit(m_impl->repo.get(), rev);
  if (!commit) return commit.error();
  return git::hex(*git_commit_id(commit->get()));
}

Result<StateSnapshot> ReviewRepo::snapshot(const std::string& commit) {
  // The agent's own reader and limits: what plan and validate see is what an agent would read.
  return read_tree_snapshot(m_impl->repo.get(), commit);
}

Result<std::vector<HistoricBlob>> ReviewRepo::service_history(const std::string& commit,
                                                              int max_commits) {
  git_repository* repo = m_impl->repo.get();
  git_revwalk* raw_walk = nullptr;
  git_oid start;
  if (git_oid_fromstr(&start, commit.c_str()) != 0) return Error{"not a commit id: " + commit, ""};
  if (git_revwalk_new(&raw_walk, repo) != 0) return git::failure("cannot walk the history");
  git::RevwalkHandle walk(raw_walk);
  git_revwalk_simplify_first_parent(walk.get());
  if (git_revwalk_push(walk.get(), &start) != 0) return git::failure("cannot walk from " + commit);

  // Blob id -> the blob at the oldest commit seen so far: most commits leave a file alone, so
  // each version of a manifest is read (and later parsed) once.
  std::map<std::string, std::pair<git_oid, HistoricBlob>> blobs;
  git_oid next;
  for (int age = 0; age < max_commits && git_revwalk_next(&next, walk.get()) == 0; ++age) {
    const std::string commit_hex = git::hex(next);
    auto tree = tree_of(repo, commit_hex);
    if (!tree) return tree.error();
    auto services = subtree(repo, tree->get(), "services");
    if (!services) return services.error();
    if (!*services) continue;
    for (size_t i = 0; i < git_tree_entrycount(services->get()); ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(services->get(), i);
      const std::string name = git_tree_entry_name(entry);
      if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !is_yaml(name)) continue;
      const git_oid& id = *git_tree_entry_id(entry);
      HistoricBlob blob{stem_of(name), "services/" + name, "", Declaration{age, commit_hex}};
      blobs.insert_or_assign(git::hex(id), std::make_pair(id, std::move(blob)));
    }
  }
  std::vector<HistoricBlob> out;
  for (auto& [key, value] : blobs) {
    auto content = read_blob(repo, value.first, value.second.path);
    if (!content) continue;  // an oversized old manifest says nothing about releases
    value.second.content = std::move(*content);
    out.push_back(std::move(value.second));
  }
  return out;
}

}  // namespace tether::review
