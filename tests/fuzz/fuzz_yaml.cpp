// YAML bounds: whatever the bytes (aliases, anchors on keys, cycles, merge keys, nesting),
// either yaml_guard() refuses the text, or yaml-cpp builds it into a document that a walk over
// its nodes (as the manifest code does) finishes within the guard's bounds. A walk that goes
// past them is a finding: the guard let a bomb or a cycle through.
#include "manifest/documents.hpp"
#include "manifest/yaml_guard.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

/// Visits `node` as a tree (aliases expanded, the way every reader sees them); false once more
/// than `budget` nodes or `depth` levels were seen.
bool walk(const YAML::Node& node, size_t& budget, size_t depth) {
  if (budget == 0 || depth > tether::k_yaml_max_depth + 1) return false;
  --budget;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!walk(entry.first, budget, depth + 1) || !walk(entry.second, budget, depth + 1)) {
        return false;
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!walk(item, budget, depth + 1)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!tether::yaml_guard(text)) {
    try {
      for (const YAML::Node& document : YAML::LoadAll(text)) {
        // The guard counts keys and values alike; a little slack for the documents' roots.
        size_t budget = tether::k_yaml_max_nodes + 16;
        if (!walk(document, budget, 0)) {
          std::fprintf(stderr, "yaml_guard passed a document that expands past its bounds\n");
          std::abort();
        }
      }
    } catch (const YAML::Exception&) {
      // refused by yaml-cpp itself: fine
    }
  }
  // And the manifest loaders on the same bytes: a value or diagnostics, nothing else.
  tether::Diagnostics diagnostics;
  (void)tether::parse_host("hosts/fuzz.yaml", text, diagnostics);
  return 0;
}
