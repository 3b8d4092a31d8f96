#pragma once

#include <sys/types.h>

namespace tether::test {

/// SIGKILLs the process group led by `pid` (a child of this process) and reaps it at scope
/// exit, so a failing test does not leave its service processes running. Does nothing when the
/// child was already reaped.
class ProcessGuard {
 public:
  explicit ProcessGuard(pid_t pid = 0) : m_pid(pid) {}
  ~ProcessGuard();
  ProcessGuard(const ProcessGuard&) = delete;
  ProcessGuard& operator=(const ProcessGuard&) = delete;

  void reset(pid_t pid) { m_pid = pid; }

 private:
  pid_t m_pid;
};

/// True while `pid` exists and is not a zombie (reads /proc; never reaps).
[[nodiscard]] bool process_running(pid_t pid);

}  // namespace tether::test
