#pragma once

#include "core/result.hpp"
#include "model/history.hpp"

#include <filesystem>

namespace tether {

/// `<root>/state/history.json`: quarantines and last-good releases, rewritten atomically.
/// Read fresh on every pass so `tether retry` (another process) takes effect.
class HistoryStore {
 public:
  explicit HistoryStore(std::filesystem::path path) : m_path(std::move(path)) {}

  /// An empty History when the file does not exist yet.
  [[nodiscard]] Result<History> load() const;
  [[nodiscard]] Status save(const History& history) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace tether
