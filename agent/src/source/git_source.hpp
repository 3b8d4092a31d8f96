#pragma once

#include "model/agent_config.hpp"
#include "source/state_source.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace tether {

struct GitSourceOptions {
  std::filesystem::path mirror;  ///< bare repository, created on first use
  std::string url;               ///< file://, git://, http(s):// or a path
  std::string branch = "main";
  /// Objects of another repository to read from (a git "alternate"), so a scratch mirror for
  /// a dry-run does not download what the agent's mirror already has.
  std::filesystem::path alternate_objects;
  RepoAccess access;  ///< credentials, host trust and timeout (agent.yaml repo.*)
};

/// A bare mirror of one branch of the state repo, kept with libgit2. Files are read from the
/// Git tree at a commit, never from a checkout, so what is applied is exactly what was
/// committed.
class GitSource final : public StateSource {
 public:
  /// Opens the mirror (creating it, and pointing its remote at `url`, as needed).
  [[nodiscard]] static Result<std::unique_ptr<GitSource>> open(const GitSourceOptions& options);
  ~GitSource() override;

  /// Lists the remote's refs first (cheap) and downloads only when the tip is not yet here.
  [[nodiscard]] Result<std::string> fetch() override;
  [[nodiscard]] Result<StateSnapshot> snapshot(const std::string& commit) override;
  [[nodiscard]] SourceCounters counters() const override;
  [[nodiscard]] Result<SignedCommit> signed_commit(const std::string& commit) override;
  [[nodiscard]] Result<bool> descends_from(const std::string& commit,
                                           const std::string& ancestor) override;
  [[nodiscard]] Result<std::vector<std::string>> commits_since(const std::string& base,
                                                               const std::string& tip,
                                                               size_t limit) override;
  [[nodiscard]] Result<std::vector<FileVersion>> file_history(const std::string& tip,
                                                              const std::string& path,
                                                              size_t limit) override;

 private:
  struct Impl;
  explicit GitSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether
