// nginx's master process through /proc and signals: no shell, no `nginx -s reload` (which
// would need the right binary, prefix and config path, and says nothing about whether the
// reload took).
#include "apply/nginx_master.hpp"

#include "core/files.hpp"
#include "core/termination.hpp"
#include "core/unique_fd.hpp"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace tether {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr Millis k_poll{20};
constexpr size_t k_max_pid_file = 32;

std::string proc(int pid, const char* entry) {
  return "/proc/" + std::to_string(pid) + "/" + entry;
}

std::optional<ProcStat> stat_of(int pid) {
  auto text = read_file(proc(pid, "stat"));
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

std::string cmdline_of(int pid) { return read_file(proc(pid, "cmdline")).value_or(""); }

Error pid_file_error(const std::string& pid_file, const std::string& what) {
  return Error{"nginx pid file " + pid_file + ": " + what,
               "check that nginx runs and that spec.switch.blueGreen.nginx.pidFile is its "
               "`pid` directive's path"};
}

/// The pid in `pid_file`, read without following it into a FIFO or a device and without
/// echoing what it holds (it could be any file the manifest names).
Result<int> read_pid(const std::string& pid_file) {
  const UniqueFd fd(::open(pid_file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return pid_file_error(pid_file, errno_text());
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<size_t>(info.st_size) > k_max_pid_file)
    return pid_file_error(pid_file, "not a pid file (a small regular file holding a pid)");
  char buffer[k_max_pid_file + 1];
  const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
  std::string text(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  int pid = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || pid <= 1)
    return pid_file_error(pid_file, "does not hold a process id");
  return pid;
}

}  // namespace

Result<NginxMaster> NginxMaster::find(const std::string& pid_file) {
  auto pid = read_pid(pid_file);
  if (!pid) return pid.error();
  std::error_code ec;
  // "nginx", or "nginx (deleted)" after a package upgrade replaced the binary.
  const std::string binary =
      std::filesystem::read_symlink(proc(*pid, "exe"), ec).filename().string();
  const auto process = stat_of(*pid);
  if (ec || !process)
    return pid_file_error(pid_file, "process " + std::to_string(*pid) + " is not running");
  if (!binary.starts_with("nginx") || !is_nginx_master_cmdline(cmdline_of(*pid)))
    return pid_file_error(pid_file,
                          "process " + std::to_string(*pid) + " is not an nginx master process");
  return NginxMaster(pid_file, *pid, process->start_time);
}

Result<std::set<ProcessIdentity>> NginxMaster::workers() const { return scan(true); }

Result<std::set<ProcessIdentity>> NginxMaster::children() const { return scan(false); }

Result<std::set<ProcessIdentity>> NginxMaster::scan(bool workers_only) const {
  std::set<ProcessIdentity> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    int pid = 0;
    const auto [last, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc() || last != name.data() + name.size()) continue;
    const auto child = stat_of(pid);
    if (!child || child->ppid != m_pid) continue;
    if (!workers_only || classify_nginx_child(cmdline_of(pid)) == NginxChild::worker)
      found.emplace(pid, child->start_time);
  }
  if (ec) return Error{"cannot list /proc: " + ec.message(), ""};
  return found;
}

Status NginxMaster::reload(const std::set<ProcessIdentity>& before, Millis deadline) const {
  if (::kill(m_pid, SIGHUP) != 0)
    return Error{"cannot signal " + describe() + ": " + errno_text(),
                 "the agent must run as root or as nginx's user"};
  const auto until = SteadyClock::now() + deadline;
  while (true) {
    if (termination_requested()) return stop_requested_error("waiting for " + describe());
    if (!alive())
      return Error{describe() + " exited during its reload", "start nginx and look at its log"};
    auto now = workers();
    if (!now) return now.error();
    if (nginx_reloaded(before, *now)) return ok_status();
    if (SteadyClock::now() >= until)
      return Error{describe() + " kept its old workers " + format_duration(deadline) +
                       " after SIGHUP: it refused the new configuration",
                   "run `nginx -t` and read nginx's error log"};
    std::this_thread::sleep_for(k_poll);
  }
}

bool NginxMaster::alive() const {
  const auto master = stat_of(m_pid);
  return master && master->start_time == m_start_time;
}

std::string NginxMaster::describe() const {
  return "nginx master " + std::to_string(m_pid) + " (pid file " + m_pid_file + ")";
}

}  // namespace tether
