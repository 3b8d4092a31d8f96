// The start of a process that is handed listening sockets (socket-handoff switches):
// fork + exec, because LISTEN_PID must name the child itself and only the child knows its pid
// before the exec. Everything is prepared before the fork (argv, the environment with a
// LISTEN_PID slot wide enough for any pid, the descriptors); between fork and exec the child
// calls only async-signal-safe functions (the agent has threads).
#include "apply/socket_spawner.hpp"

#include "core/files.hpp"
#include "process/env_block.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace tether {
namespace {

constexpr const char* k_listen_pid = "LISTEN_PID=";
constexpr size_t k_listen_pid_prefix = 11;  // strlen(k_listen_pid)
/// Room for any pid (pid_max is at most 2^22, 7 digits).
constexpr const char* k_pid_slot = "0000000000";

/// The "LISTEN_PID=..." entry of `envp`, whose digits the child overwrites.
char* listen_pid_entry(char** envp) {
  for (char** entry = envp; *entry != nullptr; ++entry) {
    bool match = true;
    for (size_t i = 0; i < k_listen_pid_prefix && match; ++i)
      match = (*entry)[i] == k_listen_pid[i];
    if (match) return *entry + k_listen_pid_prefix;
  }
  return nullptr;
}

/// Writes `pid` in decimal at `out` (async-signal-safe; `out` has room for 10 digits).
void write_pid(char* out, pid_t pid) {
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\0';
}

/// What the child does between fork and exec; on failure reports errno on `report` and exits.
[[noreturn]] void become_service(const SpawnRequest& request,
                                 char** argv,
                                 char** envp,
                                 char* pid_digits,
                                 int log_fd,
                                 int null_fd,
                                 int report) {
  ::setsid();
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int count = static_cast<int>(request.sockets.fds.size());
  const int first_free = 3 + count;
  // The report pipe must survive the moves below and the closing of the rest until the exec.
  const int moved_report = ::fcntl(report, F_DUPFD_CLOEXEC, first_free);
  if (moved_report >= 0) report = moved_report;
  bool ok = moved_report >= 0 && ::dup2(null_fd, STDIN_FILENO) >= 0 &&
            ::dup2(log_fd, STDOUT_FILENO) >= 0 && ::dup2(log_fd, STDERR_FILENO) >= 0;
  // Above the target range first, so that moving one socket to 3+i never overwrites another
  // that still waits to be moved; dup2 clears close-on-exec on its target.
  int moved[64];
  for (int i = 0; ok && i < count && i < 64; ++i) {
    moved[i] = ::fcntl(request.sockets.fds[static_cast<size_t>(i)], F_DUPFD_CLOEXEC, first_free);
    ok = moved[i] >= 0;
  }
  for (int i = 0; ok && i < count; ++i) ok = ::dup2(moved[i], 3 + i) == 3 + i;
  // The agent's other descriptors (its lock file, sockets) must not live on in the service;
  // the report pipe is close-on-exec.
  if (ok && report > first_free) ok = ::syscall(SYS_close_range, first_free, report - 1, 0) == 0;
  if (ok) ok = ::syscall(SYS_close_range, report + 1, ~0U, 0) == 0;
  if (ok) ok = ::chdir(request.working_dir.c_str()) == 0;
  if (ok) {
    write_pid(pid_digits, ::getpid());
    // The binary may still be open for writing by a sibling's clone (process/text_busy.hpp).
    for (int attempt = 0; attempt < 50; ++attempt) {
      ::execve(argv[0], argv, envp);
      if (errno != ETXTBSY) break;
      const timespec pause{0, 10'000'000};
      ::nanosleep(&pause, nullptr);
    }
  }
  const int error = errno;
  (void)!::write(report, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

Result<pid_t> spawn_with_sockets(const SpawnRequest& request, int log_fd, int null_fd) {
  if (request.sockets.fds.size() > 64 || request.sockets.names.size() != request.sockets.fds.size())
    return Error{"internal: at most 64 passed sockets, one name each", ""};
  StringMap extra = request.extra_env;
  extra["LISTEN_FDS"] = std::to_string(request.sockets.fds.size());
  std::string names;
  for (const std::string& name : request.sockets.names) names += (names.empty() ? "" : ":") + name;
  extra["LISTEN_FDNAMES"] = names;
  extra["LISTEN_PID"] = k_pid_slot;
  EnvBlock env(extra);
  char* pid_digits = listen_pid_entry(env.envp());
  std::vector<char*> argv;
  for (const std::string& arg : request.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return Error{"cannot create a pipe: " + errno_text(), ""};
  const pid_t pid = ::fork();
  if (pid == 0)
    become_service(request, argv.data(), env.envp(), pid_digits, log_fd, null_fd, report[1]);
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return Error{"cannot fork to start " + request.argv[0] + ": " + errno_text(), ""};
  }
  int error = 0;
  ssize_t got = -1;
  do {
    got = ::read(report[0], &error, sizeof error);
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == sizeof error) {
    ::waitpid(pid, nullptr, 0);
    errno = error;
    return Error{"cannot start " + request.argv[0] + ": " + errno_text(),
                 "check run.exec.command: the program must exist in the release and be executable"};
  }
  return pid;
}

}  // namespace tether
