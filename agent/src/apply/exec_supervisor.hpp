#pragma once

#include "core/duration.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "live/process_record.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>

namespace tether {

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
                                            std::optional<Millis> settle = std::nullopt) const;

  /// Stops the recorded process, if it is still ours and alive: SIGTERM to its process group,
  /// then SIGKILL after `timeout`. Removes the pid file. Nothing running is not an error.
  /// When the whole process group is seen gone, leaves a proof of it for the next start().
  [[nodiscard]] Status stop(const std::string& service, Millis timeout) const;

  /// "" while the process in `record` runs; else how it ended (with the exit status when the
  /// agent is its parent) and the end of the service log.
  [[nodiscard]] std::string exit_reason(const std::string& service,
                                        const ProcessRecord& record) const;

 private:
  /// Written by a stop() that saw the service's process group gone; removed by start().
  [[nodiscard]] std::filesystem::path clean_stop_file(const std::string& service) const;

  Layout m_layout;
  Millis m_settle;
};

}  // namespace tether
