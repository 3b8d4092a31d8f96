#include "report/agent_status.hpp"

namespace tether {

const char* to_string(ServiceState state) {
  switch (state) {
    case ServiceState::converged:
      return "converged";
    case ServiceState::pending:
      return "pending";
    case ServiceState::failed:
      return "failed";
    case ServiceState::blocked:
      return "blocked";
    case ServiceState::degraded:
      return "degraded";
    case ServiceState::unhealthy:
      return "unhealthy";
    case ServiceState::suspended:
      return "suspended";
    case ServiceState::quarantined:
      break;
  }
  return "quarantined";
}

}  // namespace tether
