// ProcessSignals against real signals, each raised on this thread only (pthread_kill) while
// the agent's signals are blocked here: pending for this thread, taken by sigtimedwait.
#include "core/agent_signals.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <pthread.h>
#include <utility>
#include <vector>

namespace tether::agent_signals_test {
namespace {

class ProcessSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override { block_agent_signals(); }
  void TearDown() override {
    // Take back anything a failed test left pending: unblocked, a SIGTERM would end the run.
    while (m_signals.wait(Millis(0)) != AgentSignal::none) {
    }
    unblock_agent_signals();
  }
  ProcessSignals m_signals;
};

TEST_F(ProcessSignalsTest, EachAgentSignalWakesTheWaitWithItsMeaning) {
  const std::vector<std::pair<int, AgentSignal>> table = {{SIGHUP, AgentSignal::poll_now},
                                                          {SIGUSR1, AgentSignal::health_changed},
                                                          {SIGTERM, AgentSignal::stop},
                                                          {SIGINT, AgentSignal::stop}};
  for (const auto& [sig, meaning] : table) {
    ASSERT_EQ(::pthread_kill(::pthread_self(), sig), 0);
    EXPECT_EQ(m_signals.wait(std::chrono::seconds(10)), meaning) << "signal " << sig;
  }
}

TEST_F(ProcessSignalsTest, NothingPendingWaitsOutTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(m_signals.wait(Millis(20)), AgentSignal::none);
  EXPECT_GE(std::chrono::steady_clock::now() - start, Millis(20));
}

}  // namespace
}  // namespace tether::agent_signals_test
