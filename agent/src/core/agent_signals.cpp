#include "core/agent_signals.hpp"

#include <initializer_list>
#include <pthread.h>
#include <unistd.h>

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

AgentSignal ProcessSignals::wait(Millis timeout) {
  const sigset_t signals = agent_signals();
  const timespec limit{timeout.count() / 1000, (timeout.count() % 1000) * 1'000'000};
  switch (::sigtimedwait(&signals, nullptr, &limit)) {
    case SIGTERM:
    case SIGINT:
      return AgentSignal::stop;
    case SIGHUP:
      return AgentSignal::poll_now;
    case SIGUSR1:
      return AgentSignal::health_changed;
    default:
      // The timeout, or EINTR from a signal the agent does not take: either way the loop
      // polls, as it always did.
      return AgentSignal::none;
  }
}

void ask_for_poll() { ::kill(::getpid(), SIGHUP); }

void ask_for_health_pass() { ::kill(::getpid(), SIGUSR1); }

}  // namespace tether
