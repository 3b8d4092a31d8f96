#include "source/git_source.hpp"

#include "net/git_access.hpp"
#include "net/git_url.hpp"
#include "source/file_history.hpp"
#include "source/git_handles.hpp"
#include "source/tree_snapshot.hpp"

#include <git2.h>

#include <fstream>
#include <optional>

namespace tether {
namespace {

using git::CommitHandle;
using git::RemoteHandle;
using git::RepoHandle;
using WalkHandle = git::RevwalkHandle;

/// A libgit2 buffer freed on scope exit.
struct Buffer {
  git_buf buf = GIT_BUF_INIT;
  ~Buffer() { git_buf_dispose(&buf); }
  [[nodiscard]] std::string text() const { return std::string(buf.ptr, buf.size); }
};

}  // namespace

struct GitSource::Impl {
  GitSourceOptions options;
  RepoHandle repo;
  RemoteHandle origin;  ///< see remote()
  SourceCounters counters;
  /// The last snapshot read: its blobs are not inflated again for the next commit.
  std::optional<StateSnapshot> last_snapshot;
  /// What set_tracking_ref() last found or wrote the tracking ref at.
  std::string tracking_tip;

  Impl() { git_libgit2_init(); }
  ~Impl() {
    origin.reset();
    repo.reset();
    git_libgit2_shutdown();
  }

  std::string tracking_ref() const { return "refs/remotes/origin/" + options.branch; }

  Status open_repo() {
    git_repository* raw = nullptr;
    const std::string path = options.mirror.string();
    if (git_repository_open_bare(&raw, path.c_str()) != 0 &&
        git_repository_init(&raw, path.c_str(), /*is_bare=*/1) != 0) {
      return git::failure("cannot open or create the mirror " + path);
    }
    repo.reset(raw);
    if (!options.alternate_objects.empty()) {
      std::ofstream alternates(options.mirror / "objects" / "info" / "alternates");
      alternates << options.alternate_objects.string() << '\n';
      if (!alternates) return Error{"cannot write alternates in " + path, ""};
    }
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repo.get(), "origin") == 0) {
      const bool same = std::string(git_remote_url(remote)) == options.url;
      git_remote_free(remote);
      if (same) return ok_status();
      if (git_remote_set_url(repo.get(), "origin", options.url.c_str()) != 0) {
        return git::failure("cannot set the mirror's remote to " + options.url);
      }
      return ok_status();
    }
    if (git_remote_create(&remote, repo.get(), "origin", options.url.c_str()) != 0) {
      return git::failure("cannot add remote " + options.url);
    }
    git_remote_free(remote);
    return ok_status();
  }

  /// The mirror's "origin", looked up once per process: every git_remote_lookup parses the
  /// repo config with libgit2's regexes, and with libgit2 1.5 + pcre2 10.42 (Debian 12) that
  /// leaked ~130 KiB per poll. A git_remote can be connected and disconnected again and again.
  Result<git_remote*> remote() {
    if (!origin) {
      git_remote* raw = nullptr;
      if (git_remote_lookup(&raw, repo.get(), "origin") != 0) return git::failure("no remote");
      origin.reset(raw);
    }
    return origin.get();
  }

  /// The remote's tip of the branch, by listing refs (no objects transferred). Leaves the
  /// connection open: a fetch that follows goes on over it (git_remote_fetch reuses a connected
  /// remote) instead of paying a second connection, server process and ref advertisement.
  Result<std::string> remote_tip(git_remote* remote, GitSession& session) {
    const git_remote_connect_options connect = session.connect_options();
    if (git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &connect) != 0) {
      return session.failure("cannot reach " + redacted_url(options.url),
                             "check repo.url and that the git server is reachable from this host");
    }
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    std::string tip;
    const std::string wanted = "refs/heads/" + options.branch;
    if (git_remote_ls(&heads, &count, remote) == 0) {
      for (size_t i = 0; i < count; ++i) {
        if (wanted == heads[i]->name) tip = git::hex(heads[i]->oid);
      }
    }
    if (tip.empty()) {
      return Error{"branch " + options.branch + " not found at " + options.url,
                   "check repo.branch in the agent config"};
    }
    return tip;
  }

  bool has_commit(const std::string& hex) {
    git_oid oid;
    git_commit* commit = nullptr;
    if (git_oid_fromstr(&oid, hex.c_str()) != 0) return false;
    if (git_commit_lookup(&commit, repo.get(), &oid) != 0) return false;
    git_commit_free(commit);
    return true;
  }

  Status download(git_remote* remote, GitSession& session) {
    git_fetch_options fetch_options = GIT_FETCH_OPTIONS_INIT;
    fetch_options.callbacks = session.callbacks();
    fetch_options.follow_redirects = GitSession::k_follow_redirects;
    const std::string refspec = "+refs/heads/" + options.branch + ":" + tracking_ref();
    char* specs[] = {const_cast<char*>(refspec.c_str())};
    const git_strarray refspecs{specs, 1};
    if (git_remote_fetch(remote, &refspecs, &fetch_options, "tether fetch") != 0) {
      return session.failure("fetch from " + redacted_url(options.url) + " failed",
                             "the next poll retries");
    }
    return ok_status();
  }

  Status set_tracking_ref(const std::string& hex) {
    // A quiet poll finds the ref where this process last set it: the mirror is the agent's
    // own, so neither a lock file, write and rename nor a read of the ref every few seconds.
    if (hex == tracking_tip) return ok_status();
    git_oid oid;
    git_reference* ref = nullptr;
    git_oid_fromstr(&oid, hex.c_str());
    git_oid current;
    if (git_reference_name_to_id(&current, repo.get(), tracking_ref().c_str()) != 0 ||
        !git_oid_equal(&current, &oid)) {
      if (git_reference_create(&ref, repo.get(), tracking_ref().c_str(), &oid, 1, "tether") != 0) {
        return git::failure("cannot update " + tracking_ref());
      }
      git_reference_free(ref);
    }
    tracking_tip = hex;
    return ok_status();
  }
};

GitSource::GitSource(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GitSource::~GitSource() = default;

Result<std::unique_ptr<GitSource>> GitSource::open(const GitSourceOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (Status opened = impl->open_repo(); !opened) return opened.error();
  return std::unique_ptr<GitSource>(new GitSource(std::move(impl)));
}

Result<std::string> GitSource::fetch() {
  auto remote = m_impl->remote();
  if (!remote) return remote.error();
  ++m_impl->counters.polls;
  auto session = GitSession::start(m_impl->options.access, m_impl->options.url);
  if (!session) return session.error();
  struct Disconnect {
    git_remote* remote;
    ~Disconnect() { git_remote_disconnect(remote); }
  } disconnect{*remote};
  auto tip = m_impl->remote_tip(*remote, **session);
  if (!tip) return tip.error();
  // The tip may be here already (no change since the last poll, or a revert back to a commit
  // we fetched before): then only the tracking ref moves and nothing is downloaded.
  if (!m_impl->has_commit(*tip)) {
    ++m_impl->counters.downloads;
    if (Status downloaded = m_impl->download(*remote, **session); !downloaded) {
      return downloaded.error();
    }
    if (!m_impl->has_commit(*tip)) {
      return Error{"the fetch from " + m_impl->options.url + " did not bring commit " + *tip,
                   "the branch may have moved during the fetch; the next poll retries"};
    }
  }
  if (Status set = m_impl->set_tracking_ref(*tip); !set) return set.error();
  return *tip;
}

SourceCounters GitSource::counters() const { return m_impl->counters; }

Result<StateSnapshot> GitSource::snapshot(const std::string& commit_hex) {
  const StateSnapshot* previous = m_impl->last_snapshot ? &*m_impl->last_snapshot : nullptr;
  auto snapshot =
      read_tree_snapshot(m_impl->repo.get(), commit_hex, {}, previous);  // source/tree_snapshot.cpp
  if (snapshot) m_impl->last_snapshot = *snapshot;
  return snapshot;
}

}  // namespace tether

namespace tether {
namespace {

Result<git_oid> parse_oid(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) != 0) {
    return Error{"not a commit id: " + hex, ""};
  }
  return oid;
}

}  // namespace

Result<SignedCommit> GitSource::signed_commit(const std::string& commit_hex) {
  auto oid = parse_oid(commit_hex);
  if (!oid) return oid.error();
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, m_impl->repo.get(), &*oid) != 0) {
    return git::failure("commit " + commit_hex + " is not in the mirror");
  }
  CommitHandle commit(raw);
  SignedCommit out;
  out.commit_time = static_cast<long long>(git_commit_time(commit.get()));
  Buffer signature;
  Buffer signed_data;
  const int rc = git_commit_extract_signature(
      &signature.buf, &signed_data.buf, m_impl->repo.get(), &*oid, nullptr);
  if (rc == GIT_ENOTFOUND) return out;  // unsigned
  if (rc != 0) return git::failure("cannot read the signature of " + commit_hex);
  out.signature = signature.text();
  out.signed_data = signed_data.text();
  return out;
}

Result<bool> GitSource::descends_from(const std::string& commit_hex,
                                      const std::string& ancestor_hex) {
  if (commit_hex == ancestor_hex) return true;
  auto commit = parse_oid(commit_hex);
  if (!commit) return commit.error();
  auto ancestor = parse_oid(ancestor_hex);
  if (!ancestor) return ancestor.error();
  const int rc = git_graph_descendant_of(m_impl->repo.get(), &*commit, &*ancestor);
  if (rc < 0) return git::failure("cannot compare " + commit_hex + " with " + ancestor_hex);
  return rc == 1;
}

Result<std::vector<std::string>> GitSource::commits_since(const std::string& base_hex,
                                                          const std::string& tip_hex,
                                                          size_t limit) {
  auto tip = parse_oid(tip_hex);
  if (!tip) return tip.error();
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, m_impl->repo.get()) != 0) return git::failure("cannot walk history");
  WalkHandle walk(raw);
  if (git_revwalk_push(walk.get(), &*tip) != 0) return git::failure("cannot walk " + tip_hex);
  if (!base_hex.empty()) {
    auto base = parse_oid(base_hex);
    if (!base) return base.error();
    if (git_revwalk_hide(walk.get(), &*base) != 0) return git::failure("cannot walk " + base_hex);
  }
  std::vector<std::string> commits;
  git_oid oid;
  while (commits.size() < limit && git_revwalk_next(&oid, walk.get()) == 0) {
    commits.push_back(git::hex(oid));
  }
  return commits;
}

Result<std::vector<FileVersion>> GitSource::file_history(const std::string& tip_hex,
                                                         const std::string& path,
                                                         size_t limit) {
  auto tip = parse_oid(tip_hex);
  if (!tip) return tip.error();
  return read_file_history(m_impl->repo.get(), *tip, path, limit, TreeLimits{}.max_file_bytes);
}

}  // namespace tether
