#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/drill.hpp"

#include <filesystem>
#include <string>

namespace tether {

/// `<root>/state/drills.json`: the last rollback drill of each service (`tether drill`), read by
/// the agent for `tether_drill_*` on /metrics.
[[nodiscard]] std::filesystem::path drills_path(const Layout& layout);

class DrillStore {
 public:
  explicit DrillStore(std::filesystem::path path) : m_path(std::move(path)) {}

  /// Empty when there is no file or it cannot be read (only the metrics read it).
  [[nodiscard]] DrillRecords load() const;
  /// Replaces `service`'s record (the file is rewritten atomically).
  [[nodiscard]] Status record(const std::string& service, const DrillRecord& drill) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace tether
