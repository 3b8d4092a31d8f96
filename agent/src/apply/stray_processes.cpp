#include "apply/stray_processes.hpp"

#include <fstream>
#include <iterator>
#include <signal.h>
#include <unistd.h>

namespace tether {
namespace fs = std::filesystem;

int kill_stray_processes(const fs::path& service_dir) {
  // The whole entry, NUL-terminated, so a longer service dir with this one as a prefix does
  // not match.
  const std::string wanted = std::string(k_service_marker) + "=" + service_dir.string();
  int killed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    const std::string environ((std::istreambuf_iterator<char>(in)), {});
    size_t at = environ.find(wanted);
    while (at != std::string::npos &&
           !((at == 0 || environ[at - 1] == '\0') &&
             (at + wanted.size() == environ.size() || environ[at + wanted.size()] == '\0'))) {
      at = environ.find(wanted, at + 1);
    }
    if (at == std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    // Services lead their own process group (setsid at spawn): take its children too.
    const pid_t group = ::getpgid(pid);
    ::kill(group > 1 ? -group : pid, SIGKILL);
    ++killed;
  }
  return killed;
}

}  // namespace tether
