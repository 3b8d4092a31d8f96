#include "nginx_proxy.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>

namespace tether::test {

NginxProxy::NginxProxy(const std::filesystem::path& dir, int port, int upstream_port)
    : m_dir(dir), m_port(port) {
  std::filesystem::create_directories(m_dir / "temp");
  write_text(upstream_file(),
             "# managed by tether: the operator created this file for it\n"
             "server 127.0.0.1:" +
                 std::to_string(upstream_port) + ";\n");
  write_text(conf_file(), config(false));
  m_pid = spawn_background({"/usr/sbin/nginx",
                            "-p",
                            m_dir.string() + "/",
                            "-c",
                            conf_file().string(),
                            "-e",
                            (m_dir / "error.log").string(),
                            "-g",
                            "daemon off;"},
                           m_dir / "stderr.log");
  m_guard.reset(m_pid);
  if (!eventually([&] { return !read_text(pid_file()).empty() && port_accepts(m_port); },
                  std::chrono::seconds(10)))
    throw std::runtime_error("nginx did not start: " + error_log() +
                             read_text(m_dir / "stderr.log"));
}

NginxProxy::~NginxProxy() {
  ::kill(m_pid, SIGTERM);
  // Reaped here, the guard leaves it alone; still running after 5 s, the guard kills it.
  eventually([&] { return ::waitpid(m_pid, nullptr, WNOHANG) == m_pid; }, std::chrono::seconds(5));
}

std::string NginxProxy::error_log() const { return read_text(m_dir / "error.log"); }

void NginxProxy::break_config(bool broken) { write_text(conf_file(), config(broken)); }

std::string NginxProxy::config(bool broken) const {
  const std::string dir = m_dir.string();
  const std::string temp = dir + "/temp";
  return "worker_processes 2;\n"
         "pid " +
         pid_file().string() +
         ";\n"
         "error_log " +
         dir + "/error.log info;\n" + (broken ? "this_is_not_a_directive;\n" : "") +
         "events { worker_connections 256; }\n"
         "http {\n"
         "  access_log off;\n"
         "  client_body_temp_path " +
         temp + "/body;\n  proxy_temp_path " + temp + "/proxy;\n  fastcgi_temp_path " + temp +
         "/fastcgi;\n  uwsgi_temp_path " + temp + "/uwsgi;\n  scgi_temp_path " + temp +
         "/scgi;\n"
         "  upstream app { include " +
         upstream_file().string() +
         "; }\n"
         "  server {\n"
         "    listen 127.0.0.1:" +
         std::to_string(m_port) +
         ";\n"
         "    location / { proxy_pass http://app; }\n"
         "  }\n"
         "}\n";
}

}  // namespace tether::test
