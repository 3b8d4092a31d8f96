#pragma once

#include "model/plan.hpp"

#include <string>

namespace tether {

/// A plan as an operator reads it, one line per change, e.g.
///   hello: rollback 2.0.0 (1a2b3c4d5e6f) -> 1.0.0 (0f9e8d7c6b5a), already installed
[[nodiscard]] std::string plan_as_text(const Plan& plan);

}  // namespace tether
