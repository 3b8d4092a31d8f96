#pragma once

#include <filesystem>
#include <string>

namespace tether::test {

/// Git's smart HTTP protocol over TLS with basic auth, as a private forge serves it: nginx
/// (its own config, pid and logs under `work_dir`) in front of fcgiwrap running
/// git-http-backend for the repos under `git_dir`, on a free loopback port. Its certificate is
/// signed by a CA made with openssl for this server only (ca_file()). Stopped at scope exit.
class HttpsGitServer {
 public:
  HttpsGitServer(const std::filesystem::path& git_dir,
                 const std::filesystem::path& work_dir,
                 const std::string& user,
                 const std::string& password);
  ~HttpsGitServer();
  HttpsGitServer(const HttpsGitServer&) = delete;
  HttpsGitServer& operator=(const HttpsGitServer&) = delete;

  /// https://localhost:<port>/<name>
  [[nodiscard]] std::string url(const std::string& name) const;
  /// The PEM certificate of the CA that signed the server's certificate.
  [[nodiscard]] std::filesystem::path ca_file() const { return m_dir / "ca.crt"; }

 private:
  void make_certificates() const;
  std::filesystem::path m_dir;
  int m_port = 0;
  int m_fcgiwrap_pid = 0;
  int m_nginx_pid = 0;
};

}  // namespace tether::test
