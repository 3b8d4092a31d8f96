#include "http_git_server.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <boost/process.hpp>

#include <stdexcept>

namespace tether::test {

namespace bp = boost::process;

struct HttpGitServer::Impl {
  bp::child child;
};

HttpGitServer::HttpGitServer(const std::filesystem::path& git_dir,
                             const std::filesystem::path& work_dir)
    : m_impl(std::make_unique<Impl>()) {
  const std::filesystem::path www = work_dir / "www";
  const std::filesystem::path cgi = www / "cgi-bin" / "git";
  write_text(cgi,
             "#!/bin/sh\nexport GIT_PROJECT_ROOT='" + git_dir.string() +
                 "'\nexport GIT_HTTP_EXPORT_ALL=1\nexec /usr/lib/git-core/git-http-backend\n");
  std::filesystem::permissions(cgi, std::filesystem::perms::owner_all);
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_port = free_port();
    m_impl->child = bp::child(bp::search_path("busybox"),
                              "httpd",
                              "-f",
                              "-p",
                              "127.0.0.1:" + std::to_string(m_port),
                              "-h",
                              www.string(),
                              bp::std_out > bp::null,
                              bp::std_err > bp::null);
    const bool up = eventually([&] { return !m_impl->child.running() || port_accepts(m_port); },
                               std::chrono::seconds(5));
    if (up && m_impl->child.running()) return;
  }
  throw std::runtime_error("busybox httpd did not start");
}

HttpGitServer::~HttpGitServer() {
  std::error_code ec;
  if (m_impl->child.running(ec)) m_impl->child.terminate(ec);
}

std::string HttpGitServer::url(const std::string& name) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + "/cgi-bin/git/" + name;
}

}  // namespace tether::test
