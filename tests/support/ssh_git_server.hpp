#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace tether::test {

/// A real OpenSSH server on a free loopback port (`sshd -D`, its own config, host key and
/// authorized_keys under `work_dir`), serving git over ssh:// to one client key it makes.
/// Stopped at scope exit.
class SshGitServer {
 public:
  explicit SshGitServer(const std::filesystem::path& work_dir);
  ~SshGitServer();
  SshGitServer(const SshGitServer&) = delete;
  SshGitServer& operator=(const SshGitServer&) = delete;

  [[nodiscard]] int port() const { return m_port; }
  /// ssh://127.0.0.1:<port><bare repo path> (no user: the client's own name, root here)
  [[nodiscard]] std::string url(const std::filesystem::path& bare_repo) const;
  /// The private key the server authorizes (ed25519, no passphrase; `.pub` beside it).
  [[nodiscard]] std::filesystem::path client_key() const { return m_dir / "client_ed25519"; }
  /// Lets the key whose public half is `pub_file` log in too (a deploy key registered).
  void authorize(const std::filesystem::path& pub_file) const;
  /// "[127.0.0.1]:<port> ssh-ed25519 AAAA...": the known_hosts line of its host key.
  [[nodiscard]] std::string known_hosts_line() const;
  /// The host key's fingerprint, "SHA256:...", as ssh-keygen -l prints it.
  [[nodiscard]] std::string fingerprint() const;

 private:
  std::filesystem::path m_dir;
  int m_port = 0;
  int m_pid = 0;
};

}  // namespace tether::test
