#include "apply/process_spawner.hpp"

#include "apply/socket_spawner.hpp"
#include "core/files.hpp"
#include "process/env_block.hpp"
#include "process/text_busy.hpp"

#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

namespace tether {
namespace {

/// posix_spawn's attributes and file actions, destroyed on every return path.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawnattr_init(&m_attributes);
    ::posix_spawn_file_actions_init(&m_actions);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&m_actions);
    ::posix_spawnattr_destroy(&m_attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  posix_spawnattr_t* attributes() { return &m_attributes; }
  posix_spawn_file_actions_t* actions() { return &m_actions; }

 private:
  posix_spawnattr_t m_attributes{};
  posix_spawn_file_actions_t m_actions{};
};

/// Every call's result: 0 or an error number, as posix_spawn's functions return them.
int describe_child(SpawnSetup& setup, const SpawnRequest& request, int log_fd, int null_fd) {
  // Its own session; the signals the agent handles or blocks back to their defaults, then
  // an empty mask (the agent blocks the signals it waits for).
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_t* attributes = setup.attributes();
  posix_spawn_file_actions_t* actions = setup.actions();
  int rc = ::posix_spawnattr_setflags(
      attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (rc == 0) rc = ::posix_spawnattr_setsigdefault(attributes, &defaults);
  if (rc == 0) rc = ::posix_spawnattr_setsigmask(attributes, &none);
  if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(actions, null_fd, STDIN_FILENO);
  if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(actions, log_fd, STDOUT_FILENO);
  if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(actions, log_fd, STDERR_FILENO);
  if (rc == 0) {
    rc = ::posix_spawn_file_actions_addchdir_np(actions, request.working_dir.c_str());
  }
  // Inherited descriptors (the agent's lock file, sockets) must not live on in the service:
  // a held flock would block the next agent.
  if (rc == 0) rc = ::posix_spawn_file_actions_addclosefrom_np(actions, STDERR_FILENO + 1);
  return rc;
}

}  // namespace

// posix_spawn, not fork + exec: glibc starts the child with clone(CLONE_VM | CLONE_VFORK), so
// the agent's page tables are neither copied nor its pages made copy-on-write, which was the
// largest part of a service start's CPU (BENCHMARKS.md, fleet simulation); an exec failure
// (no such program, not executable) comes back as the call's error number.
Result<pid_t> spawn_detached(const SpawnRequest& request) {
  if (request.argv.empty() || !std::filesystem::path(request.argv[0]).is_absolute()) {
    return Error{"internal: spawn needs an absolute program path", ""};
  }
  const int log_fd =
      ::open(request.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0)
    return Error{"cannot open " + request.log_file.string() + ": " + errno_text(), ""};
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    return Error{"cannot open /dev/null: " + errno_text(), ""};
  }
  if (!request.sockets.fds.empty()) {
    auto pid = spawn_with_sockets(request, log_fd, null_fd);
    ::close(log_fd);
    ::close(null_fd);
    return pid;
  }
  EnvBlock env(request.extra_env);
  std::vector<char*> argv;
  for (const std::string& arg : request.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  SpawnSetup setup;
  pid_t pid = -1;
  int rc = describe_child(setup, request, log_fd, null_fd);
  if (rc == 0) {
    rc = retry_text_busy([&] {
      return ::posix_spawn(
          &pid, argv[0], setup.actions(), setup.attributes(), argv.data(), env.envp());
    });
  }
  ::close(log_fd);
  ::close(null_fd);
  if (rc != 0) {
    errno = rc;  // posix_spawn returns its error number rather than setting errno
    return Error{"cannot start " + request.argv[0] + ": " + errno_text(),
                 "check run.exec.command: the program must exist in the release and be executable"};
  }
  return pid;
}

}  // namespace tether
