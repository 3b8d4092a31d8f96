#include "core/agent_signals.hpp"

#include <initializer_list>
#include <pthread.h>

namespace tether {

sigset_t agent_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (const int sig : {SIGHUP, SIGUSR1, SIGTERM, SIGINT}) sigaddset(&signals, sig);
  return signals;
}

void block_agent_signals() {
  const sigset_t signals = agent_signals();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void unblock_agent_signals() {
  const sigset_t signals = agent_signals();
  ::pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
}

}  // namespace tether
