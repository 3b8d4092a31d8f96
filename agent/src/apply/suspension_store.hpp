#pragma once

#include "core/result.hpp"
#include "model/suspension.hpp"

#include <cstdint>
#include <filesystem>

namespace tether {

/// The host's own holds, `state/suspended.json`, written by `tether suspend` and `tether
/// resume` and read by the agent at each pass (so a hold needs no signal and survives a
/// restart of the agent).
class SuspensionStore {
 public:
  /// What load() reads at most: a thousand holds with long reasons fit many times over.
  static constexpr std::uintmax_t k_max_bytes = 1024 * 1024;

  explicit SuspensionStore(std::filesystem::path path) : m_path(std::move(path)) {}

  /// No file: no holds. A file that is not what save() writes is an error naming it: the agent
  /// then keeps every service as it runs rather than ignore a hold it cannot read.
  [[nodiscard]] Result<HostSuspensions> load() const;
  /// load(), or when the file cannot be read, a hold on every service that names the error:
  /// a hold the agent cannot read is still a hold (changing what an operator may have frozen
  /// is the worse mistake), and the error says how to lift it.
  [[nodiscard]] HostSuspensions load_or_hold_all() const;
  /// Replaces the file atomically (rename), mode 0644.
  [[nodiscard]] Status save(const HostSuspensions& holds) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace tether
