#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace tether::test {

/// Git's smart HTTP protocol on a free loopback port: busybox httpd running
/// git-http-backend as a CGI, serving the repos under `git_dir`. Stopped at scope exit.
class HttpGitServer {
 public:
  HttpGitServer(const std::filesystem::path& git_dir, const std::filesystem::path& work_dir);
  ~HttpGitServer();
  HttpGitServer(const HttpGitServer&) = delete;
  HttpGitServer& operator=(const HttpGitServer&) = delete;

  /// http://127.0.0.1:<port>/cgi-bin/git/<name>
  [[nodiscard]] std::string url(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

}  // namespace tether::test
