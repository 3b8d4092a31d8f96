#include "process_guard.hpp"

#include <fstream>
#include <signal.h>
#include <string>
#include <sys/wait.h>

namespace tether::test {

ProcessGuard::~ProcessGuard() {
  if (m_pid <= 0) return;
  // Only a child not yet reaped is certainly still ours: a reaped pid may have been reused.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return;
  ::kill(-m_pid, SIGKILL);
  ::kill(m_pid, SIGKILL);
  ::waitpid(m_pid, nullptr, 0);
}

bool process_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace tether::test
