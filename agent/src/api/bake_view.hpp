#pragma once

#include "analysis/bake_board.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace tether {

/// GET /status while services bake (docs/analysis.md): each baking service reads state
/// "baking" (never "converged" before its bake passed), with `analysis`: the release baked, how
/// long so far, and the last round's value and verdict per query.
void overlay_bakes(nlohmann::json& status, const BakeBoard::Snapshot& bakes);

/// GET /metrics: tether_analysis_baking{service}, tether_analysis_value{service,query} (the
/// last value read) and tether_analysis_breaches_total{service,query} (rounds that breached or
/// failed), in the text exposition format.
[[nodiscard]] std::string bake_metrics(const BakeBoard::Snapshot& bakes);

}  // namespace tether
