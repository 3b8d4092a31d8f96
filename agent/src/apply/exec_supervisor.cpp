#include "apply/exec_supervisor.hpp"

#include "apply/process_spawner.hpp"
#include "apply/stray_processes.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

#include <cerrno>
#include <signal.h>
#include <sys/wait.h>
#include <thread>

namespace tether {
namespace {

constexpr Millis k_poll{25};

/// The last `max_bytes` of the service log, for error messages.
std::string log_tail(const fs::path& log, size_t max_bytes) {
  auto text = read_file(log);
  if (!text || text->empty()) return "(log is empty)";
  return text->size() <= max_bytes ? *text : "..." + text->substr(text->size() - max_bytes);
}

/// Waits until `record`'s process is gone or `timeout` passes; true if it is gone.
bool wait_gone(const ProcessRecord& record, Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (is_alive(record)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(k_poll);
  }
  return true;
}

std::string exit_description(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

/// True when no process is left in the process group `leader` led: kill(2) with signal 0 finds
/// no member. A recycled pid that leads someone else's group reads as "not gone": the caller
/// then does the careful thing.
bool process_group_gone(pid_t leader) { return ::kill(-leader, 0) == -1 && errno == ESRCH; }

}  // namespace

ExecSupervisor::ExecSupervisor(Layout layout, Millis settle)
    : m_layout(std::move(layout)), m_settle(settle) {}

Result<ProcessRecord> ExecSupervisor::start(const std::string& service,
                                            const ExecRun& run,
                                            const std::string& release_dir,
                                            const std::string& fingerprint,
                                            std::optional<Millis> settle,
                                            StartSlot where) const {
  const fs::path dir = m_layout.release_dir(service, release_dir);
  SpawnRequest request;
  request.argv = run.command;
  // argv[0] names a file in the release ("bin/web") unless it is absolute.
  if (!fs::path(request.argv[0]).is_absolute()) request.argv[0] = (dir / request.argv[0]).string();
  request.working_dir = dir;
  request.extra_env = run.env;
  request.extra_env[k_service_marker] = m_layout.service_dir(service).string();
  request.log_file = m_layout.log_file(service);
  request.sockets = where.sockets;
  for (const fs::path& needed :
       {request.log_file.parent_path(), m_layout.pid_file(service).parent_path()}) {
    if (Status made = make_dirs(needed); !made) return made.error();
  }
  // Nothing recorded runs (else it would not be started): whatever carries the marker is a
  // stray from an agent killed between spawn and record, or a child that outlived its crashed
  // leader. Finding them reads every process's environment, which costs milliseconds per
  // start on a busy host; a stop() that saw the whole process group gone left a proof that
  // there is nothing to find. The proof is used up here, before the spawn: a start
  // interrupted from now on leaves none, and the next one looks again.
  // A blue-green candidate starts beside the serving process, which carries the marker too:
  // no stray hunt for it (an interrupted switch's leftovers are stopped by their pid files).
  std::error_code no_proof;
  if (where.slot == PidSlot::serving && !fs::remove(clean_stop_file(service), no_proof)) {
    if (const int strays = kill_stray_processes(m_layout.service_dir(service)); strays > 0)
      log_warn("killed processes left by an interrupted start or a crashed service",
               {{"service", service}, {"count", std::to_string(strays)}});
  }
  auto pid = spawn_detached(request);
  if (!pid) return pid.error();
  const auto start_time = process_start_time(*pid);
  if (!start_time) {
    // Already gone (a zombie has no start time): collect its status for the error.
    int status = 0;
    ::waitpid(*pid, &status, 0);
    return Error{service + ": " + run.command[0] + " " + exit_description(status) +
                     " right after start; log " + request.log_file.string() + ": " +
                     log_tail(request.log_file, 400),
                 "fix the release or its config, or revert the change in the state repo"};
  }
  const ProcessRecord record{
      *pid, *start_time, release_dir, fingerprint, where.port, where.sockets.description};
  // Record first: if the agent dies now, the next one still knows what it started.
  if (Status written = write_process_record(slot_file(service, where.slot), record); !written) {
    ::kill(-*pid, SIGKILL);
    return written.error();
  }
  const auto deadline = std::chrono::steady_clock::now() + settle.value_or(m_settle);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(*pid, &status, WNOHANG) == *pid) {
      return Error{service + ": " + run.command[0] + " " + exit_description(status) +
                       " right after start; log " + request.log_file.string() + ": " +
                       log_tail(request.log_file, 400),
                   "fix the release or its config, or revert the change in the state repo"};
    }
    std::this_thread::sleep_for(k_poll);
  }
  return record;
}

std::string ExecSupervisor::exit_reason(const std::string& service,
                                        const ProcessRecord& record) const {
  int status = 0;
  std::string how;
  if (::waitpid(record.pid, &status, WNOHANG) == record.pid) {
    how = exit_description(status);
  } else if (!is_alive(record)) {
    how = "exited";
  } else {
    return "";
  }
  const fs::path log = m_layout.log_file(service);
  return "process " + std::to_string(record.pid) + " " + how + "; log " + log.string() + ": " +
         log_tail(log, 400);
}

Result<bool> ExecSupervisor::stop_recorded(const std::string& service,
                                           const fs::path& pid_file,
                                           Millis timeout) const {
  const auto record = read_process_record(pid_file);
  if (record && is_alive(*record)) {
    // The service leads its own process group (setsid at spawn): signal the group so its
    // children stop with it.
    ::kill(-record->pid, SIGTERM);
    // As systemd does: a stopped (SIGSTOP'd, hung in a debugger) process only acts on the
    // SIGTERM once continued, instead of waiting out the whole stop timeout for SIGKILL.
    ::kill(-record->pid, SIGCONT);
    if (!wait_gone(*record, timeout)) {
      ::kill(-record->pid, SIGKILL);
      if (!wait_gone(*record, std::chrono::seconds(5))) {
        return Error{service + ": process " + std::to_string(record->pid) + " survived SIGKILL",
                     ""};
      }
    }
  }
  std::error_code ec;
  fs::remove(pid_file, ec);
  return record && process_group_gone(record->pid);
}

Status ExecSupervisor::stop(const std::string& service, Millis timeout) const {
  for (const PidSlot beside : {PidSlot::candidate, PidSlot::retiring}) {
    if (Status stopped = stop_slot(service, beside, timeout); !stopped) return stopped;
  }
  auto gone = stop_recorded(service, m_layout.pid_file(service), timeout);
  if (!gone) return gone.error();
  if (*gone) {
    // Best effort: without the proof the next start() scans for strays, as after a crash.
    // No fsync: a power cut that loses the proof also stopped every process it speaks of.
    if (Status proved = replace_file(clean_stop_file(service), ""); !proved)
      log_debug("cannot record the clean stop", {{"error", proved.error().describe()}});
  }
  return ok_status();
}

Status ExecSupervisor::stop_slot(const std::string& service, PidSlot slot, Millis timeout) const {
  auto gone = stop_recorded(service, slot_file(service, slot), timeout);
  return gone ? ok_status() : Status(gone.error());
}

std::optional<ProcessRecord> ExecSupervisor::running_in(const std::string& service,
                                                        PidSlot slot) const {
  auto record = read_process_record(slot_file(service, slot));
  if (record && is_alive(*record)) return record;
  return std::nullopt;
}

Status ExecSupervisor::move_slot(const std::string& service, PidSlot from, PidSlot to) const {
  std::error_code ec;
  // rename(2) replaces the target in one step: a reader sees the old record or the new one.
  fs::rename(slot_file(service, from), slot_file(service, to), ec);
  if (ec)
    return Error{service + ": cannot move the pid file " + slot_file(service, from).string() +
                     ": " + ec.message(),
                 "check the permissions of " + slot_file(service, to).parent_path().string()};
  return ok_status();
}

fs::path ExecSupervisor::slot_file(const std::string& service, PidSlot slot) const {
  const fs::path serving = m_layout.pid_file(service);
  switch (slot) {
    case PidSlot::serving:
      return serving;
    case PidSlot::candidate:
      return serving.parent_path() / "candidate.pid";
    case PidSlot::retiring:
      return serving.parent_path() / "retiring.pid";
  }
  return serving;
}

fs::path ExecSupervisor::clean_stop_file(const std::string& service) const {
  return m_layout.pid_file(service).parent_path() / "stopped-clean";
}

}  // namespace tether
