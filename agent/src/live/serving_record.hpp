#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/desired.hpp"
#include "model/serving.hpp"

#include <optional>
#include <string>

namespace tether {

/// `<root>/services/<name>/serving.json` (model/serving.hpp): what passed its health gate last.
[[nodiscard]] fs::path serving_record_path(const Layout& layout, const std::string& service);
/// Replaces the record (written to a temp file and renamed over: never torn).
[[nodiscard]] Status write_serving_record(const Layout& layout,
                                          const std::string& service,
                                          const ServingRecord& record);
/// nullopt when there is none or it cannot be parsed (a damaged record counts as none).
[[nodiscard]] std::optional<ServingRecord> read_serving_record(const Layout& layout,
                                                               const std::string& service);
void remove_serving_record(const Layout& layout, const std::string& service);

/// The record for `desired` having just passed its gate at `state_commit`.
[[nodiscard]] ServingRecord serving_record_of(const DesiredService& desired,
                                              const std::string& state_commit);

/// `declared` as the serving record says it runs: its release, run, health and container spec,
/// so a restart or rollback starts what passed the gate, not the (quarantined) declaration.
[[nodiscard]] DesiredService as_serving(const DesiredService& declared,
                                        const ServingRecord& serving);

}  // namespace tether
