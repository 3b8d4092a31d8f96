#include "core/termination.hpp"

#include <signal.h>

namespace tether {

bool termination_requested() {
  sigset_t pending;
  sigemptyset(&pending);
  if (::sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}

Error stop_requested_error(const std::string& what) {
  Error error{what + ": stopped because the agent is stopping (SIGTERM)",
              "the next agent start takes up from here"};
  error.stopping = true;
  return error;
}

}  // namespace tether
