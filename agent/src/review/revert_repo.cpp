#include "review/revert_repo.hpp"

#include "net/git_access.hpp"
#include "net/git_url.hpp"
#include "review/git_handles.hpp"
#include "review/revert_repo_impl.hpp"

namespace tether::review {
namespace {

Result<git::CommitHandle> lookup(git_repository* repo, const std::string& hex) {
  git_oid oid;
  git_commit* raw = nullptr;
  if (git_oid_fromstr(&oid, hex.c_str()) != 0 || git_commit_lookup(&raw, repo, &oid) != 0) {
    return git::failure("commit " + hex + " is not in the clone");
  }
  return git::CommitHandle(raw);
}

std::string revert_message(git_commit* reverted, int mainline) {
  const char* summary = git_commit_summary(reverted);
  std::string message = "Revert \"" + std::string(summary != nullptr ? summary : "") +
                        "\"\n\nThis reverts commit " + git::hex(*git_commit_id(reverted));
  if (mainline > 0) {
    const git_oid* parent = git_commit_parent_id(reverted, static_cast<unsigned>(mainline - 1));
    if (parent != nullptr) message += ", reversing\nchanges made to " + git::hex(*parent);
  }
  return message + ".\n";
}

int record_rejection(const char* refname, const char* status, void* payload) {
  if (status != nullptr) {
    static_cast<RemoteState*>(GitSession::user_data(payload))->rejection =
        std::string(refname) + ": " + status;
  }
  return 0;
}

}  // namespace

std::optional<Author> parse_author(const std::string& text) {
  const size_t open = text.find('<');
  if (open == std::string::npos || text.size() < open + 3 || text.back() != '>') {
    return std::nullopt;
  }
  std::string name = text.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  const std::string email = text.substr(open + 1, text.size() - open - 2);
  if (name.empty() || email.empty() || email.find_first_of("<>") != std::string::npos) {
    return std::nullopt;
  }
  return Author{name, email};
}

RevertRepo::RevertRepo(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RevertRepo::~RevertRepo() = default;

Result<std::unique_ptr<RevertRepo>> RevertRepo::clone(const std::string& location,
                                                      const std::filesystem::path& workdir) {
  auto impl = std::make_unique<Impl>();
  impl->location = location;
  git_repository* raw = nullptr;
  git_clone_options options = GIT_CLONE_OPTIONS_INIT;
  if (git_clone(&raw, location.c_str(), workdir.string().c_str(), &options) != 0) {
    return git::failure("cannot clone " + location + " into " + workdir.string(),
                        "check --repo and that the git server is reachable from here");
  }
  impl->repo.reset(raw);
  return std::unique_ptr<RevertRepo>(new RevertRepo(std::move(impl)));
}

Result<std::string> RevertRepo::resolve(const std::string& rev) {
  auto commit = git::resolve_commit(m_impl->repo.get(), rev);
  // A fresh clone has only the default branch locally: "release~2" means origin's release.
  if (!commit) {
    auto remote = git::resolve_commit(m_impl->repo.get(), "origin/" + rev);
    if (!remote) return commit.error();
    commit = std::move(remote);
  }
  return git::hex(*git_commit_id(commit->get()));
}

std::optional<std::string> RevertRepo::remote_branch(const std::string& branch) {
  git_oid oid;
  const std::string ref = "refs/remotes/origin/" + branch;
  if (git_reference_name_to_id(&oid, m_impl->repo.get(), ref.c_str()) != 0) return std::nullopt;
  return git::hex(oid);
}

Result<RevertedCommit> RevertRepo::revert(const RevertSpec& spec,
                                          const std::optional<std::string>& message) {
  git_repository* repo = m_impl->repo.get();
  auto reverted = lookup(repo, spec.commit);
  if (!reverted) return reverted.error();
  auto onto = lookup(repo, spec.onto_commit);
  if (!onto) return onto.error();
  const unsigned parents = git_commit_parentcount(reverted->get());
  const std::string short_sha = spec.commit.substr(0, 12);
  if (parents == 0) {
    return Error{short_sha + " is the first commit of the repo; there is nothing to revert to", ""};
  }
  if (parents > 1 && (spec.mainline < 1 || spec.mainline > static_cast<int>(parents))) {
    return Error{short_sha + " is a merge commit",
                 "pass --mainline N: the parent whose side is kept (1 = the branch it was "
                 "merged into)"};
  }
  const int mainline = parents > 1 ? spec.mainline : 0;
  auto tree_id = m_impl->merged_tree(reverted->get(), onto->get(), mainline);
  if (!tree_id) return tree_id.error();
  if (git_oid_equal(&*tree_id, git_commit_tree_id(onto->get()))) {
    return Error{
        "reverting " + short_sha + " changes nothing on top of " + spec.onto_commit.substr(0, 12),
        "its changes are not there (already reverted, or on another branch): check "
        "COMMIT and --onto"};
  }
  auto signature = m_impl->signature(spec.author);
  if (!signature) return signature.error();
  RevertedCommit out;
  const char* summary = git_commit_summary(reverted->get());
  out.subject = summary != nullptr ? summary : "";
  out.message = message ? *message : revert_message(reverted->get(), mainline);
  auto commit_id = m_impl->write_commit(*tree_id, onto->get(), signature->get(), out.message);
  if (!commit_id) return commit_id.error();
  out.commit = *commit_id;
  auto commit = lookup(repo, out.commit);
  if (!commit) return commit.error();
  git_reference* raw_ref = nullptr;
  if (git_branch_create(&raw_ref, repo, spec.branch.c_str(), commit->get(), /*force=*/0) != 0) {
    return git::failure("cannot create branch " + spec.branch, "pass another --branch NAME");
  }
  git::ReferenceHandle branch(raw_ref);
  if (Status checked_out = m_impl->checkout(commit->get(), spec.branch); !checked_out) {
    return checked_out.error();
  }
  return out;
}

Status RevertRepo::push(const std::string& branch) {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, m_impl->repo.get(), "origin") != 0) {
    return git::failure("the clone has no remote origin");
  }
  git::RemoteHandle remote(raw);
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  m_impl->remote.rejection.clear();
  auto session = GitSession::start(m_impl->remote.access, m_impl->location);
  if (!session) return session.error();
  (*session)->set_user_data(&m_impl->remote);
  options.callbacks = (*session)->callbacks();
  options.callbacks.push_update_reference = record_rejection;
  std::string refspec = "refs/heads/" + branch + ":refs/heads/" + branch;
  char* specs[] = {refspec.data()};
  const git_strarray refspecs{specs, 1};
  if (git_remote_push(remote.get(), &refspecs, &options) != 0) {
    return (*session)->failure(
        "push of " + branch + " to " + redacted_url(m_impl->location) + " failed",
        "check that the server accepts pushes from here; the commit is in the "
        "clone (keep it with --workdir)");
  }
  if (const std::string& rejection = m_impl->remote.rejection; !rejection.empty()) {
    return Error{m_impl->location + " rejected the push of " + rejection,
                 "pass another --branch NAME, or check the server's branch protection"};
  }
  return ok_status();
}

}  // namespace tether::review
