#include "cli/wake_agent.hpp"

#include "core/file_lock.hpp"

#include <csignal>
#include <string>

namespace tether {

void wake_agent(const Layout& layout) {
  const auto holder = lock_holder(layout.lock_file());
  if (!holder) return;
  try {
    ::kill(static_cast<pid_t>(std::stol(*holder)), SIGHUP);
  } catch (const std::exception&) {  // not a pid: nothing to wake
  }
}

}  // namespace tether
