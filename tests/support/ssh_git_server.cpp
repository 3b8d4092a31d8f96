#include "ssh_git_server.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>

namespace tether::test {

namespace fs = std::filesystem;

namespace {

/// libgit2 1.5.1 leaks a little on every ssh connect (tests/lsan.supp). It is stripped and has
/// no frame pointers, so LeakSanitizer's fast unwinder stops inside it and the suppression
/// cannot see the libgit2 entry point above: the agents these tests start (they inherit this
/// environment) unwind the slow, complete way instead. Only ssh tests pay for it.
void unwind_fully_under_asan() {
  const char* options = std::getenv("ASAN_OPTIONS");
  if (options == nullptr) return;
  const std::string current = options;
  if (current.find("fast_unwind_on_malloc") != std::string::npos) return;
  ::setenv("ASAN_OPTIONS", (current + ":fast_unwind_on_malloc=0").c_str(), 1);
}

}  // namespace

SshGitServer::SshGitServer(const fs::path& work_dir) : m_dir(work_dir) {
  unwind_fully_under_asan();
  fs::create_directories(m_dir);
  fs::create_directories("/run/sshd");  // sshd's privilege separation dir (no systemd here)
  make_ssh_key(m_dir / "host_ed25519");
  make_ssh_key(client_key());
  fs::copy_file(client_key().string() + ".pub", m_dir / "authorized_keys");
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_port = free_port();
    write_text(m_dir / "sshd_config",
               "Port " + std::to_string(m_port) + "\nListenAddress 127.0.0.1\nHostKey " +
                   (m_dir / "host_ed25519").string() + "\nPidFile " +
                   (m_dir / "sshd.pid").string() + "\nAuthorizedKeysFile " +
                   (m_dir / "authorized_keys").string() +
                   "\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                   "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                   "PubkeyAuthentication yes\nLogLevel VERBOSE\n");
    m_pid = spawn_background({"/usr/sbin/sshd", "-D", "-e", "-f", (m_dir / "sshd_config").string()},
                             m_dir / "sshd.log");
    const bool up =
        eventually([&] { return ::waitpid(m_pid, nullptr, WNOHANG) != 0 || port_accepts(m_port); },
                   std::chrono::seconds(5));
    if (up && port_accepts(m_port)) return;
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
  }
  throw std::runtime_error("sshd did not start: " + read_text(m_dir / "sshd.log"));
}

SshGitServer::~SshGitServer() {
  ::kill(m_pid, SIGTERM);
  ::waitpid(m_pid, nullptr, 0);
}

std::string SshGitServer::url(const fs::path& bare_repo) const {
  return "ssh://127.0.0.1:" + std::to_string(m_port) + bare_repo.string();
}

void SshGitServer::authorize(const fs::path& pub_file) const {
  write_text(m_dir / "authorized_keys", read_text(m_dir / "authorized_keys") + read_text(pub_file));
}

std::string SshGitServer::known_hosts_line() const {
  const std::string pub = read_text(m_dir / "host_ed25519.pub");
  const size_t comment = pub.rfind(' ');
  return "[127.0.0.1]:" + std::to_string(m_port) + " " + pub.substr(0, comment);
}

std::string SshGitServer::fingerprint() const {
  const std::string out = run_ok({"ssh-keygen", "-l", "-f", (m_dir / "host_ed25519.pub").string()});
  const size_t start = out.find("SHA256:");
  return out.substr(start, out.find(' ', start) - start);
}

}  // namespace tether::test
