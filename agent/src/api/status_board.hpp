#pragma once

#include "report/agent_status.hpp"

#include <mutex>
#include <optional>

namespace tether {

/// The agent's latest status, written by the loop after each pass and read by the API thread.
class StatusBoard {
 public:
  void publish(AgentStatus status) {
    std::lock_guard lock(m_mutex);
    m_status = std::move(status);
  }
  [[nodiscard]] std::optional<AgentStatus> latest() const {
    std::lock_guard lock(m_mutex);
    return m_status;
  }

 private:
  mutable std::mutex m_mutex;
  std::optional<AgentStatus> m_status;
};

}  // namespace tether
