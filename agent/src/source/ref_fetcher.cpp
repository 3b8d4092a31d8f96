#include "source/ref_fetcher.hpp"

#include "net/git_access.hpp"
#include "net/git_url.hpp"
#include "source/git_handles.hpp"
#include "source/ref_name.hpp"

#include <git2.h>

namespace tether {
namespace {

using SteadyClock = std::chrono::steady_clock;

using git::ObjectHandle;
using git::ReferenceHandle;
using git::RemoteHandle;
using git::RepoHandle;

constexpr const char* k_preview_ref = "refs/tether/preview";
constexpr const char* k_base_ref = "refs/tether/base";

RefFetchError failure(RefFetchFailure kind, std::string message, std::string hint) {
  return RefFetchError{kind, Error{std::move(message), std::move(hint)}};
}

}  // namespace

struct RefFetcher::Impl {
  RepoHandle repo;
  RepoAccess access;

  Impl() { git_libgit2_init(); }
  ~Impl() {
    repo.reset();
    git_libgit2_shutdown();
  }

  /// The advertised ref `ref` stands for, with its tip; nullopt when none matches.
  static std::optional<FetchedRef> find(git_remote* remote, const std::string& ref) {
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    if (git_remote_ls(&heads, &count, remote) != 0) return std::nullopt;
    for (const std::string& candidate : ref_candidates(ref)) {
      for (size_t i = 0; i < count; ++i) {
        if (candidate == heads[i]->name) return FetchedRef{candidate, git::hex(heads[i]->oid)};
      }
    }
    return std::nullopt;
  }

  /// Offers `have` to the server as a common commit: libgit2 negotiates with the local refs.
  void set_base(const std::string& have) {
    git_oid oid;
    if (have.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, have.c_str()) != 0) return;
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo.get()) != 0) return;
    const bool present = git_odb_exists(odb, &oid) == 1;
    git_odb_free(odb);
    git_reference* ref = nullptr;
    if (present && git_reference_create(&ref, repo.get(), k_base_ref, &oid, 1, "base") == 0)
      git_reference_free(ref);
  }

  /// The commit refs/tether/preview names, peeling an annotated tag.
  Result<std::string> peeled_tip() {
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo.get(), k_preview_ref) != 0)
      return Error{"the fetch did not create " + std::string(k_preview_ref) + ": " +
                       git::last_error_message(),
                   ""};
    ReferenceHandle ref(raw);
    git_object* object = nullptr;
    if (git_reference_peel(&object, ref.get(), GIT_OBJECT_COMMIT) != 0)
      return Error{"the ref does not name a commit: " + git::last_error_message(),
                   "preview a branch, a tag of a commit or a pull request ref"};
    ObjectHandle commit(object);
    return git::hex(*git_object_id(commit.get()));
  }
};

RefFetcher::RefFetcher(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RefFetcher::~RefFetcher() = default;

Result<std::unique_ptr<RefFetcher>> RefFetcher::open(const std::filesystem::path& repo,
                                                     const RepoAccess& access) {
  auto impl = std::make_unique<Impl>();
  impl->access = access;
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, repo.c_str()) != 0)
    return Error{"cannot open " + repo.string() + ": " + git::last_error_message(), ""};
  impl->repo.reset(raw);
  return std::unique_ptr<RefFetcher>(new RefFetcher(std::move(impl)));
}

std::variant<FetchedRef, RefFetchError> RefFetcher::fetch(const std::string& url,
                                                          const std::string& ref,
                                                          const std::string& have,
                                                          SteadyClock::time_point deadline) {
  const std::string shown = redacted_url(url);
  const std::string timed_out = "fetching " + ref + " from " + shown + " took too long";
  const std::string timeout_hint = "the state repo server is slow; try again later";
  if (SteadyClock::now() >= deadline)
    return failure(RefFetchFailure::timed_out, timed_out, timeout_hint);
  auto session = GitSession::start(m_impl->access, url, deadline);
  if (!session) return RefFetchError{RefFetchFailure::unreachable, session.error()};
  const auto failed = [&](const std::string& what, const std::string& hint) {
    if ((*session)->stalled() == StallReason::timed_out)
      return failure(RefFetchFailure::timed_out, timed_out, timeout_hint);
    return RefFetchError{RefFetchFailure::unreachable, (*session)->failure(what, hint)};
  };
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, m_impl->repo.get(), url.c_str()) != 0)
    return failure(RefFetchFailure::unreachable,
                   "cannot use " + shown + ": " + git::last_error_message(),
                   "check repo.url in agent.yaml");
  RemoteHandle remote(raw);
  const git_remote_callbacks callbacks = (*session)->callbacks();
  if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr) != 0)
    return failed("cannot reach " + shown, "check that the git server is reachable from this host");
  std::optional<FetchedRef> found = Impl::find(remote.get(), ref);
  if (!found) {
    git_remote_disconnect(remote.get());
    return failure(RefFetchFailure::not_found,
                   "ref " + ref + " not found at " + shown,
                   "push the branch, or name it as the server does (e.g. refs/pull/42/head)");
  }
  m_impl->set_base(have);
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks = callbacks;
  options.update_fetchhead = 0;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  const std::string refspec = "+" + found->name + ":" + k_preview_ref;
  char* specs[] = {const_cast<char*>(refspec.c_str())};
  const git_strarray refspecs{specs, 1};
  if (git_remote_fetch(remote.get(), &refspecs, &options, "tether preview") != 0) {
    return failed("fetch of " + found->name + " from " + shown + " failed",
                  "try again; check the git server's logs if it persists");
  }
  auto tip = m_impl->peeled_tip();
  if (!tip) return failure(RefFetchFailure::not_found, tip.error().message, tip.error().hint);
  found->commit = *tip;
  return *found;
}

}  // namespace tether
