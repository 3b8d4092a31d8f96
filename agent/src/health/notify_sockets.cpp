#include "health/notify_sockets.hpp"

#include "core/log.hpp"

namespace tether {
namespace {

/// Datagrams read per check: a service (or anything else) flooding its socket costs one check
/// at most this many reads; the rest wait in the kernel's bounded queue.
constexpr std::size_t k_max_datagrams_per_check = 256;

SteadyTime now() { return std::chrono::steady_clock::now(); }

}  // namespace

NotifySockets::NotifySockets(Layout layout, MainPidLookup main_pid)
    : m_layout(std::move(layout)), m_main_pid(std::move(main_pid)) {}

std::filesystem::path NotifySockets::socket_path(const std::string& service) const {
  return m_layout.pid_file(service).parent_path() / "notify.sock";
}

Result<StringMap> NotifySockets::prepare(const std::string& service, int watchdog_sec) {
  const auto path = socket_path(service);
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  auto socket = NotifySocket::bind(path);
  if (!socket) return socket.error();
  {
    std::lock_guard lock(m_mutex);
    m_channels.insert_or_assign(service, Channel{std::move(*socket), 0, started_state(now())});
  }
  StringMap env{{"NOTIFY_SOCKET", path.string()}};
  // WATCHDOG_PID is left out: the pid is not known before the spawn, and sd_watchdog_enabled()
  // treats its absence as "this process".
  if (watchdog_sec > 0) env["WATCHDOG_USEC"] = std::to_string(watchdog_sec * 1'000'000LL);
  return env;
}

ProbeResult NotifySockets::check(const std::string& service, int watchdog_sec) {
  const std::optional<pid_t> pid = m_main_pid(service);
  if (!pid) return {false, "no running process of " + service + " (run.exec) to hear READY=1 from"};
  std::lock_guard lock(m_mutex);
  auto it = m_channels.find(service);
  if (it == m_channels.end()) {
    auto socket = NotifySocket::bind(socket_path(service));
    if (!socket) return {false, socket.error().describe()};
    log_info("notify socket bound again for a running service",
             {{"service", service}, {"pid", std::to_string(*pid)}});
    it = m_channels.emplace(service, Channel{std::move(*socket), *pid, adopted_state(now())}).first;
  }
  Channel& channel = it->second;
  if (channel.pid != *pid) {
    // The first check after a start learns the pid; another pid later is a process this
    // agent did not start through prepare(): it must say READY=1 again.
    if (channel.pid != 0) channel.state = started_state(now());
    channel.pid = *pid;
  }
  drain(service, channel);
  return judge_notify(channel.state, channel.pid, watchdog_sec, now());
}

void NotifySockets::drain(const std::string& service, Channel& channel) {
  for (const NotifyDatagram& datagram : channel.socket.receive(k_max_datagrams_per_check)) {
    if (datagram.sender != channel.pid) {
      // Not the main process (NotifyAccess=main): a child, or someone else entirely.
      if (!channel.warned) {
        log_warn("ignored a notify datagram from a process that is not the service's main one",
                 {{"service", service},
                  {"sender", std::to_string(datagram.sender)},
                  {"main", std::to_string(channel.pid)}});
      }
      channel.warned = true;
      continue;
    }
    const NotifyMessage message = parse_notify_message(datagram.text);
    apply_message(channel.state, message, now());
    if (message.watchdog_trigger)
      log_warn("WATCHDOG=trigger: the service asks to be restarted", {{"service", service}});
  }
}

ProbeResult probe_notify(const NotifyProbe& probe,
                         const std::filesystem::path& release_dir,
                         NotifySockets* sockets) {
  const std::filesystem::path releases = release_dir.parent_path();
  if (sockets == nullptr || releases.filename() != "releases")
    return {false, "health.notify needs a run.exec service started by this agent"};
  return sockets->check(releases.parent_path().filename().string(), probe.watchdog_sec);
}

}  // namespace tether
