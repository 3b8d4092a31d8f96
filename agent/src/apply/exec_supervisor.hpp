#pragma once

#include "apply/process_spawner.hpp"
#include "core/duration.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "live/process_record.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>

namespace tether {

/// Which of a service's pid files a process is recorded in. Only `serving` is what the live
/// probe, status and the health watch see; a blue-green switch (blue_green_switch.cpp) runs a
/// `candidate` beside it until traffic moved, then the old one `retiring` while it drains.
enum class PidSlot { serving, candidate, retiring };

/// Where start() records the process, the port it was handed (blue-green; 0: none) and the
/// listening sockets it is passed (socket hand-off; none: it opens its own).
struct StartSlot {
  PidSlot slot = PidSlot::serving;
  int port = 0;
  PassedSockets sockets = {};
};

/// The built-in `run.exec` supervisor. Services run detached (own session, outliving the agent);
/// the pid file under `<service>/run/` is how a later agent finds them again.
class ExecSupervisor {
 public:
  /// `settle` is how long a started process must stay up before start() reports success.
  ExecSupervisor(Layout layout, Millis settle);

  /// Starts `run.command` in `releases/<release_dir>` and records it in the pid file with
  /// `fingerprint` (the spec it runs, for the planner). Fails if the program cannot be started
  /// or exits within the settle time (the error quotes the end of the service log).
  /// `settle` overrides the constructor's (a caller with a health gate of its own passes 0).
  [[nodiscard]] Result<ProcessRecord> start(const std::string& service,
                                            const ExecRun& run,
                                            const std::string& release_dir,
                                            const std::string& fingerprint = "",
                                            std::optional<Millis> settle = std::nullopt,
                                            StartSlot where = {}) const;

  /// Stops the recorded process, if it is still ours and alive: SIGTERM to its process group,
  /// then SIGKILL after `timeout`. Removes the pid file. Nothing running is not an error.
  /// A blue-green candidate or retiring process left by an interrupted switch stops with it.
  /// When the whole process group is seen gone, leaves a proof of it for the next start().
  [[nodiscard]] Status stop(const std::string& service, Millis timeout) const;

  /// Blue-green: the process recorded in `slot`, if it is still ours and alive.
  [[nodiscard]] std::optional<ProcessRecord> running_in(const std::string& service,
                                                        PidSlot slot) const;
  /// Blue-green: stops the process recorded in `slot` as stop() does, removes its pid file.
  [[nodiscard]] Status stop_slot(const std::string& service, PidSlot slot, Millis timeout) const;
  /// Blue-green: the record of `from` becomes the record of `to` (an atomic rename; the pid
  /// file of `to` is replaced). Nothing recorded in `from` is an error.
  [[nodiscard]] Status move_slot(const std::string& service, PidSlot from, PidSlot to) const;

  /// "" while the process in `record` runs; else how it ended (with the exit status when the
  /// agent is its parent) and the end of the service log.
  [[nodiscard]] std::string exit_reason(const std::string& service,
                                        const ProcessRecord& record) const;

 private:
  /// Written by a stop() that saw the service's process group gone; removed by start().
  [[nodiscard]] std::filesystem::path clean_stop_file(const std::string& service) const;

  [[nodiscard]] std::filesystem::path slot_file(const std::string& service, PidSlot slot) const;
  /// Stops the process recorded in `pid_file`; true when its whole process group is gone.
  [[nodiscard]] Result<bool> stop_recorded(const std::string& service,
                                           const std::filesystem::path& pid_file,
                                           Millis timeout) const;

  Layout m_layout;
  Millis m_settle;
};

}  // namespace tether
