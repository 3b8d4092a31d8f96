#include "review/init_repo.hpp"

#include "review/git_handles.hpp"

namespace tether::review {
namespace {

Result<git::RepoHandle> init_repository(const std::filesystem::path& dir,
                                        const std::string& branch) {
  git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  // NO_REINIT: never stack a commit on somebody's existing repository.
  options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  options.initial_head = branch.c_str();
  git_repository* raw = nullptr;
  if (git_repository_init_ext(&raw, dir.c_str(), &options) != 0) {
    return git::failure("cannot create a Git repository in " + dir.string(),
                        "pass a new or empty directory");
  }
  return git::RepoHandle(raw);
}

Result<git_oid> write_index_tree(git_repository* repo) {
  git_index* raw = nullptr;
  if (git_repository_index(&raw, repo) != 0) return git::failure("cannot open the index");
  git::IndexHandle index(raw);
  git_oid tree{};
  if (git_index_add_all(index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0 ||
      git_index_write(index.get()) != 0 || git_index_write_tree(&tree, index.get()) != 0) {
    return git::failure("cannot add the files to the index");
  }
  return tree;
}

}  // namespace

Result<std::string> init_with_first_commit(const std::filesystem::path& dir,
                                           const std::string& branch,
                                           const std::string& message) {
  git::Library library;
  auto repo = init_repository(dir, branch);
  if (!repo) return repo.error();
  auto tree_id = write_index_tree(repo->get());
  if (!tree_id) return tree_id.error();
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo->get(), &*tree_id) != 0)
    return git::failure("cannot read the new tree");
  git::TreeHandle tree(raw_tree);
  git_signature* raw_signature = nullptr;
  if (git_signature_default(&raw_signature, repo->get()) != 0 &&
      git_signature_now(&raw_signature, git::k_fallback_name, git::k_fallback_email) != 0) {
    return git::failure("cannot make a commit signature");
  }
  git::SignatureHandle signature(raw_signature);
  git_oid id{};
  if (git_commit_create(&id,
                        repo->get(),
                        "HEAD",
                        signature.get(),
                        signature.get(),
                        nullptr,
                        message.c_str(),
                        tree.get(),
                        0,
                        nullptr) != 0) {
    return git::failure("cannot create the first commit");
  }
  return git::hex(id);
}

}  // namespace tether::review
