#include "apply/process_spawner.hpp"

#include "core/files.hpp"
#include "process/env_block.hpp"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tether {
namespace {

namespace bp = boost::process;

/// Runs in the child between fork and exec: only async-signal-safe calls here.
void prepare_child(int log_fd, int null_fd) {
  ::setsid();
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the agent blocks signals it waits for
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
  // Inherited descriptors (the agent's lock file, sockets) must not live on in the service:
  // a held flock would block the next agent. Mark them all close-on-exec.
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
}

}  // namespace

Result<pid_t> spawn_detached(const SpawnRequest& request) {
  if (request.argv.empty() || !std::filesystem::path(request.argv[0]).is_absolute()) {
    return Error{"internal: spawn needs an absolute program path", ""};
  }
  const int log_fd =
      ::open(request.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0)
    return Error{"cannot open " + request.log_file.string() + ": " + errno_text(), ""};
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EnvBlock env(request.extra_env);
  try {
    bp::child child(
        bp::exe = request.argv[0],
        bp::args = std::vector<std::string>(request.argv.begin() + 1, request.argv.end()),
        bp::start_dir = request.working_dir.string(),
        bp::extend::on_setup = [&env](auto& exec) { exec.env = env.envp(); },
        bp::extend::on_exec_setup = [log_fd, null_fd](auto&) { prepare_child(log_fd, null_fd); });
    const pid_t pid = child.id();
    child.detach();  // the service is not tied to this object's lifetime
    ::close(log_fd);
    ::close(null_fd);
    return pid;
  } catch (const std::exception& e) {
    ::close(log_fd);
    ::close(null_fd);
    return Error{"cannot start " + request.argv[0] + ": " + e.what(),
                 "check run.exec.command: the program must exist in the release and be executable"};
  }
}

}  // namespace tether
