#include "api/bake_view.hpp"

#include "api/exposition_text.hpp"

#include <cmath>
#include <cstdio>

namespace tether {
namespace {

nlohmann::json analysis_json(const BakeProgress& progress) {
  nlohmann::json queries = nlohmann::json::array();
  for (const QueryReading& reading : progress.readings) {
    nlohmann::json query = {{"name", reading.query},
                            {"condition", reading.condition},
                            {"verdict", to_string(reading.verdict)},
                            {"value", nullptr}};
    // JSON has no Inf: an infinite value is shown as text.
    if (reading.value && std::isfinite(*reading.value)) query["value"] = *reading.value;
    if (reading.value && !std::isfinite(*reading.value)) {
      query["value"] = *reading.value > 0 ? "+Inf" : "-Inf";
    }
    if (!reading.detail.empty()) query["detail"] = reading.detail;
    queries.push_back(std::move(query));
  }
  return {{"version", progress.version},
          {"bakeSeconds", progress.bake.count() / 1000.0},
          {"elapsedSeconds", progress.elapsed.count() / 1000.0},
          {"queries", std::move(queries)}};
}

std::string pair_labels(const std::pair<std::string, std::string>& key) {
  return "{service=" + exposition::label(key.first) + ",query=" + exposition::label(key.second) +
         "}";
}

}  // namespace

void overlay_bakes(nlohmann::json& status, const BakeBoard::Snapshot& bakes) {
  if (bakes.baking.empty()) return;
  nlohmann::json& services = status["services"];
  if (!services.is_array()) services = nlohmann::json::array();
  for (const auto& [name, progress] : bakes.baking) {
    nlohmann::json* entry = nullptr;
    for (nlohmann::json& service : services) {
      if (service.value("service", "") == name) entry = &service;
    }
    if (entry == nullptr) {
      services.push_back({{"service", name}, {"current", nullptr}, {"installed", 0}});
      entry = &services.back();
    }
    (*entry)["state"] = "baking";
    (*entry)["analysis"] = analysis_json(progress);
  }
}

std::string bake_metrics(const BakeBoard::Snapshot& bakes) {
  std::string out;
  exposition::family(
      out,
      "tether_analysis_baking",
      "gauge",
      "1 while the service's release bakes: its spec.analysis queries are evaluated and the "
      "switch does not count yet.");
  for (const auto& [service, progress] : bakes.baking) {
    out += "tether_analysis_baking{service=" + exposition::label(service) + "} 1\n";
  }
  exposition::family(out,
                     "tether_analysis_value",
                     "gauge",
                     "The last value of a spec.analysis query (kept after the bake).");
  for (const auto& [key, value] : bakes.last_values) {
    out += "tether_analysis_value" + pair_labels(key) + " " + exposition::number(value) + "\n";
  }
  exposition::family(
      out,
      "tether_analysis_breaches_total",
      "counter",
      "Bake rounds in which a spec.analysis query breached its condition or failed (each "
      "ends its bake with a rollback).");
  for (const auto& [key, count] : bakes.breaches) {
    out += "tether_analysis_breaches_total" + pair_labels(key) + " " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace tether
