#include "git_fixture.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <boost/process.hpp>

#include <stdexcept>

namespace tether::test {

namespace bp = boost::process;

StateRepo::StateRepo(const std::filesystem::path& dir)
    : m_bare(dir / "state.git"), m_work(dir / "work") {
  std::filesystem::create_directories(dir);
  run_ok({"git", "init", "-q", "--bare", "--initial-branch=main", m_bare.string()});
  run_ok({"git", "init", "-q", "--initial-branch=main", m_work.string()});
  run_ok({"git", "-C", m_work.string(), "config", "user.email", "ops@example.com"});
  run_ok({"git", "-C", m_work.string(), "config", "user.name", "Ops"});
  run_ok({"git", "-C", m_work.string(), "config", "commit.gpgsign", "false"});
  run_ok({"git", "-C", m_work.string(), "remote", "add", "origin", m_bare.string()});
}

void StateRepo::write(const std::string& relative, const std::string& content) const {
  write_text(m_work / relative, content);
}

void StateRepo::remove(const std::string& relative) const {
  std::filesystem::remove(m_work / relative);
}

std::string StateRepo::commit(const std::string& message) const {
  run_ok({"git", "-C", m_work.string(), "add", "-A"});
  run_ok({"git", "-C", m_work.string(), "commit", "-q", "-m", message});
  run_ok({"git", "-C", m_work.string(), "push", "-q", "origin", "HEAD:main"});
  std::string sha = run_ok({"git", "-C", m_work.string(), "rev-parse", "HEAD"});
  return sha.substr(0, 40);
}

std::string StateRepo::revert(const std::string& sha) const {
  run_ok({"git", "-C", m_work.string(), "revert", "--no-edit", sha});
  run_ok({"git", "-C", m_work.string(), "push", "-q", "origin", "HEAD:main"});
  return run_ok({"git", "-C", m_work.string(), "rev-parse", "HEAD"}).substr(0, 40);
}

struct GitDaemon::Impl {
  // `git daemon` runs git-daemon as a child of its own: the group holds both, so stopping the
  // fixture really closes the port (and leaves no daemon behind).
  bp::group group;
  bp::child child;
};

GitDaemon::GitDaemon(const std::filesystem::path& base_dir, int port)
    : m_impl(std::make_unique<Impl>()) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_port = port != 0 ? port : free_port();
    m_impl->group = bp::group();  // a fresh group per attempt: a failed one may be gone
    m_impl->child = bp::child(bp::search_path("git"),
                              "daemon",
                              "--reuseaddr",
                              "--listen=127.0.0.1",
                              "--port=" + std::to_string(m_port),
                              "--base-path=" + base_dir.string(),
                              "--export-all",
                              "--enable=receive-pack",
                              base_dir.string(),
                              bp::std_out > bp::null,
                              bp::std_err > bp::null,
                              m_impl->group);
    // Wait until the port accepts connections (or the daemon died, e.g. port taken).
    const bool listening =
        eventually([this] { return !m_impl->child.running() || port_accepts(m_port); },
                   std::chrono::seconds(10));
    if (listening && m_impl->child.running()) return;
  }
  throw std::runtime_error("git daemon did not start");
}

GitDaemon::~GitDaemon() {
  std::error_code ec;
  m_impl->group.terminate(ec);
  m_impl->child.wait(ec);
}

std::string GitDaemon::url(const std::string& name) const {
  return "git://127.0.0.1:" + std::to_string(m_port) + "/" + name;
}

}  // namespace tether::test
