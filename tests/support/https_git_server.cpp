#include "https_git_server.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>

namespace tether::test {

namespace fs = std::filesystem;

namespace {

void stop(int pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

std::string nginx_config(const fs::path& dir, const fs::path& git_dir, int port) {
  const std::string d = dir.string();
  return "daemon off;\nmaster_process off;\nuser root;\npid " + d + "/nginx.pid;\nerror_log " + d +
         "/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path " + d +
         "/tmp;\n  fastcgi_temp_path " + d + "/tmp;\n  proxy_temp_path " + d +
         "/tmp;\n  uwsgi_temp_path " + d + "/tmp;\n  scgi_temp_path " + d +
         "/tmp;\n  server {\n    listen 127.0.0.1:" + std::to_string(port) +
         " ssl;\n    ssl_certificate " + d + "/server.crt;\n    ssl_certificate_key " + d +
         "/server.key;\n    location / {\n      auth_basic \"state repo\";\n"
         "      auth_basic_user_file " +
         d +
         "/htpasswd;\n"
         "      include /etc/nginx/fastcgi_params;\n"
         "      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;\n"
         "      fastcgi_param GIT_PROJECT_ROOT " +
         git_dir.string() +
         ";\n"
         "      fastcgi_param GIT_HTTP_EXPORT_ALL \"\";\n"
         "      fastcgi_param PATH_INFO $uri;\n"
         "      fastcgi_param REMOTE_USER $remote_user;\n"
         "      fastcgi_pass unix:" +
         d + "/fcgiwrap.sock;\n    }\n  }\n}\n";
}

}  // namespace

HttpsGitServer::HttpsGitServer(const fs::path& git_dir,
                               const fs::path& work_dir,
                               const std::string& user,
                               const std::string& password)
    : m_dir(work_dir) {
  fs::create_directories(m_dir / "tmp");
  make_certificates();
  const std::string hash = run_ok({"openssl", "passwd", "-apr1", password});
  write_text(m_dir / "htpasswd", user + ":" + hash);
  const fs::path socket = m_dir / "fcgiwrap.sock";
  m_fcgiwrap_pid =
      spawn_background({"/usr/sbin/fcgiwrap", "-s", "unix:" + socket.string()}, m_dir / "fcgi.log");
  if (!eventually([&] { return fs::exists(socket); }, std::chrono::seconds(5))) {
    stop(m_fcgiwrap_pid);
    throw std::runtime_error("fcgiwrap did not start: " + read_text(m_dir / "fcgi.log"));
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_port = free_port();
    write_text(m_dir / "nginx.conf", nginx_config(m_dir, git_dir, m_port));
    m_nginx_pid = spawn_background(
        {"/usr/sbin/nginx", "-c", (m_dir / "nginx.conf").string(), "-p", m_dir.string()},
        m_dir / "nginx.log");
    const bool up = eventually(
        [&] { return ::waitpid(m_nginx_pid, nullptr, WNOHANG) != 0 || port_accepts(m_port); },
        std::chrono::seconds(5));
    if (up && port_accepts(m_port)) return;
    stop(m_nginx_pid);
  }
  stop(m_fcgiwrap_pid);
  throw std::runtime_error("nginx did not start: " + read_text(m_dir / "error.log"));
}

HttpsGitServer::~HttpsGitServer() {
  stop(m_nginx_pid);
  stop(m_fcgiwrap_pid);
}

void HttpsGitServer::make_certificates() const {
  const std::string d = m_dir.string();
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"};
  std::vector<std::string> ca = {"openssl",
                                 "req",
                                 "-x509",
                                 "-nodes",
                                 "-days",
                                 "2",
                                 "-subj",
                                 "/CN=tether test CA",
                                 "-keyout",
                                 d + "/ca.key",
                                 "-out",
                                 d + "/ca.crt"};
  ca.insert(ca.end(), ec.begin(), ec.end());
  run_ok(ca);
  std::vector<std::string> csr = {"openssl",
                                  "req",
                                  "-nodes",
                                  "-subj",
                                  "/CN=localhost",
                                  "-keyout",
                                  d + "/server.key",
                                  "-out",
                                  d + "/server.csr"};
  csr.insert(csr.end(), ec.begin(), ec.end());
  run_ok(csr);
  write_text(m_dir / "san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run_ok({"openssl",
          "x509",
          "-req",
          "-days",
          "2",
          "-in",
          d + "/server.csr",
          "-CA",
          d + "/ca.crt",
          "-CAkey",
          d + "/ca.key",
          "-CAcreateserial",
          "-extfile",
          d + "/san.ext",
          "-out",
          d + "/server.crt"});
}

std::string HttpsGitServer::url(const std::string& name) const {
  // localhost, not 127.0.0.1: libgit2 1.5 inverts its check of IP-address subjectAltNames and
  // refuses every certificate for an https://<IP>/ URL.
  return "https://localhost:" + std::to_string(m_port) + "/" + name;
}

}  // namespace tether::test
