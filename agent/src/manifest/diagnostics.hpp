#pragma once

#include <string>
#include <vector>

namespace tether {

/// One problem in a manifest, located for the operator: "services/web.yaml:12: spec.release.commit:
/// expected 40 lowercase hex digits, got "abc"".
struct Diagnostic {
  std::string file;
  int line = 0;       ///< 1-based; 0 when unknown
  std::string field;  ///< dotted path, "<root>" for the whole document
  std::string message;

  [[nodiscard]] std::string describe() const;
};

/// Every problem found in a set of files; parsing goes on after an error so one run reports all.
class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { m_items.push_back(std::move(diagnostic)); }
  [[nodiscard]] bool empty() const { return m_items.empty(); }
  [[nodiscard]] size_t size() const { return m_items.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return m_items; }
  /// One line per diagnostic.
  [[nodiscard]] std::string describe() const;

 private:
  std::vector<Diagnostic> m_items;
};

}  // namespace tether
