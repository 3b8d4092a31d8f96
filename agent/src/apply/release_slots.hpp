#pragma once

#include "apply/exec_supervisor.hpp"
#include "core/duration.hpp"
#include "core/result.hpp"
#include "model/desired.hpp"

#include <memory>
#include <optional>
#include <string>

namespace tether {

class ServiceRunner;

/// The processes of a blue-green service, one per pid slot (exec_supervisor.hpp): the seam
/// between the blue-green switch and the OS (release_slots.cpp over the exec supervisor; a
/// fake in unit tests).
class ReleaseSlots {
 public:
  virtual ~ReleaseSlots() = default;
  /// The process recorded in `slot`, if it is alive.
  [[nodiscard]] virtual std::optional<ProcessRecord> running(const DesiredService& desired,
                                                             PidSlot slot) const = 0;
  /// Starts `releases/<dir>` as the candidate on `port` and gates it there; a candidate that
  /// fails is stopped again (ServiceRunner::bring_up_beside).
  [[nodiscard]] virtual Status start_gated(const DesiredService& desired,
                                           const std::string& dir,
                                           int port) const = 0;
  /// Stops the process in `slot` (nothing there is fine).
  [[nodiscard]] virtual Status stop(const DesiredService& desired, PidSlot slot) const = 0;
  /// The record of `from` becomes `to`'s.
  [[nodiscard]] virtual Status move(const DesiredService& desired,
                                    PidSlot from,
                                    PidSlot to) const = 0;
  /// Waits until no connection to `port` is open, or `timeout` passed (false), or SIGTERM.
  [[nodiscard]] virtual bool drain(int port, Millis timeout) const = 0;
};

/// The real slots: the exec supervisor and health gate behind `runner`.
[[nodiscard]] std::unique_ptr<ReleaseSlots> make_exec_release_slots(const ServiceRunner& runner);

}  // namespace tether
