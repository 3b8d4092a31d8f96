// Manifest parsing: any bytes as a Service, a Host or an agent.yaml must give a value or
// diagnostics, never a crash, a hang or an exception escaping the parser.
#include "manifest/documents.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  tether::Diagnostics service_diagnostics;
  (void)tether::parse_service("services/fuzz.yaml", text, service_diagnostics);
  tether::Diagnostics host_diagnostics;
  if (auto host = tether::parse_host("hosts/fuzz.yaml", text, host_diagnostics)) {
    // Overrides are applied to a service spec: parse the same text under each of them.
    for (const auto& [name, overrides] : host->overrides) {
      tether::Diagnostics merged;
      (void)tether::parse_service("services/fuzz.yaml", text, merged, &overrides);
    }
  }
  tether::Diagnostics agent_diagnostics;
  (void)tether::parse_agent_config("agent.yaml", text, agent_diagnostics);
  return 0;
}
