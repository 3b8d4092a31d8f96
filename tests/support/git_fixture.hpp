#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace tether::test {

/// A bare state repo plus a working clone to commit and push from, all with the git CLI,
/// the way an operator would change the state repo.
class StateRepo {
 public:
  /// Creates `<dir>/state.git` (bare, branch main) and `<dir>/work` (a clone of it).
  explicit StateRepo(const std::filesystem::path& dir);

  [[nodiscard]] const std::filesystem::path& bare() const { return m_bare; }
  [[nodiscard]] const std::filesystem::path& work() const { return m_work; }
  [[nodiscard]] std::string file_url() const { return "file://" + m_bare.string(); }

  void write(const std::string& relative, const std::string& content) const;
  void remove(const std::string& relative) const;
  /// Commits everything in the work tree and pushes; returns the new commit SHA.
  std::string commit(const std::string& message) const;
  /// `git revert --no-edit <sha>` and push; returns the revert commit's SHA.
  std::string revert(const std::string& sha) const;

 private:
  std::filesystem::path m_bare;
  std::filesystem::path m_work;
};

/// `git daemon` on a free loopback port serving (and accepting pushes to) repos under
/// `base_dir`; stopped at scope exit.
class GitDaemon {
 public:
  /// `port` 0 picks a free one; a fixed port restarts a server where its clients expect it.
  explicit GitDaemon(const std::filesystem::path& base_dir, int port = 0);
  ~GitDaemon();
  GitDaemon(const GitDaemon&) = delete;
  GitDaemon& operator=(const GitDaemon&) = delete;

  /// git://127.0.0.1:<port>/<name>
  [[nodiscard]] std::string url(const std::string& name) const;
  [[nodiscard]] int port() const { return m_port; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

}  // namespace tether::test
