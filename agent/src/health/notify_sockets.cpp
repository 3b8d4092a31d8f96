#include "health/notify_sockets.hpp"

#include "core/log.hpp"

#include <cstdint>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace tether {
namespace {

/// Datagrams read per socket at a time: a service (or anything else) flooding its socket
/// costs one read-out at most this many; the rest wait in the kernel's bounded queue.
constexpr std::size_t k_max_datagrams_per_read = 256;
/// Datagrams kept while the main pid is not known yet (spawned, pid file not yet written).
constexpr std::size_t k_max_unattributed = 16;

SteadyTime now() { return std::chrono::steady_clock::now(); }

/// Follows the main process: the first one seen after prepare() (or adoption) keeps the
/// state; another one later (not started through prepare()) must say READY=1 again.
void follow(pid_t& followed, NotifyState& state, pid_t pid) {
  if (followed == pid) return;
  if (followed != 0) state = started_state(now());
  followed = pid;
}

}  // namespace

NotifySockets::NotifySockets(Layout layout, MainPidLookup main_pid)
    : m_layout(std::move(layout)), m_main_pid(std::move(main_pid)) {}

NotifySockets::~NotifySockets() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  wake_reader();
  if (m_reader.joinable()) m_reader.join();
  if (m_wake_fd >= 0) ::close(m_wake_fd);
}

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
    install(service, Channel{std::move(*socket), 0, started_state(now())});
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
    install(service, Channel{std::move(*socket), *pid, adopted_state(now())});
    it = m_channels.find(service);
  }
  Channel& channel = it->second;
  follow(channel.pid, channel.state, *pid);
  drain(service, channel, pid);
  return judge_notify(channel.state, channel.pid, watchdog_sec, now());
}

void NotifySockets::adopt(const std::string& service) {
  std::lock_guard lock(m_mutex);
  const auto it = m_channels.find(service);
  if (it == m_channels.end()) return;  // check() binds it again, as adopted
  // pid 0: the next check follows the main pid without forgetting this state.
  it->second.pid = 0;
  it->second.state = adopted_state(now());
  it->second.unattributed.clear();
}

void NotifySockets::install(const std::string& service, Channel channel) {
  if (const auto it = m_channels.find(service); it != m_channels.end())
    m_retired.push_back(std::move(it->second.socket));
  m_channels.insert_or_assign(service, std::move(channel));
  if (!m_reader.joinable()) {
    m_wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wake_fd < 0) {
      log_error("cannot create an eventfd: notify sockets are read only when probed");
      return;
    }
    m_reader = std::thread([this] { read_until_stopped(); });
  }
  wake_reader();
}

void NotifySockets::wake_reader() {
  const std::uint64_t one = 1;
  if (m_wake_fd >= 0) (void)!::write(m_wake_fd, &one, sizeof one);
}

void NotifySockets::read_until_stopped() {
  std::vector<pollfd> polled;
  std::vector<std::string> services;  // services[i] owns polled[i + 1]
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
      // Closed here, where no poll() of this thread can be watching them.
      m_retired.clear();
      polled.assign(1, pollfd{m_wake_fd, POLLIN, 0});
      services.clear();
      for (const auto& [service, channel] : m_channels) {
        polled.push_back(pollfd{channel.socket.fd(), POLLIN, 0});
        services.push_back(service);
      }
    }
    if (::poll(polled.data(), polled.size(), -1) < 0) continue;  // EINTR
    std::uint64_t wakes = 0;
    if ((polled[0].revents & POLLIN) != 0) (void)!::read(m_wake_fd, &wakes, sizeof wakes);
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 1; i < polled.size(); ++i) {
      if (polled[i].revents == 0) continue;
      const auto it = m_channels.find(services[i - 1]);
      // Replaced meanwhile: the new socket is polled from the next round.
      if (it == m_channels.end() || it->second.socket.fd() != polled[i].fd) continue;
      drain(it->first, it->second, std::nullopt);
    }
  }
}

void NotifySockets::drain(const std::string& service, Channel& channel, std::optional<pid_t> pid) {
  std::vector<NotifyDatagram> got = channel.socket.receive(k_max_datagrams_per_read);
  if (got.empty() && channel.unattributed.empty()) return;
  if (!pid) pid = m_main_pid(service);
  if (!pid) {
    // Spawned, pid file not written yet: keep the latest few for when it is.
    for (NotifyDatagram& datagram : got) channel.unattributed.push_back(std::move(datagram));
    const std::size_t excess = channel.unattributed.size() > k_max_unattributed
                                   ? channel.unattributed.size() - k_max_unattributed
                                   : 0;
    channel.unattributed.erase(channel.unattributed.begin(),
                               channel.unattributed.begin() + static_cast<long>(excess));
    return;
  }
  follow(channel.pid, channel.state, *pid);
  std::vector<NotifyDatagram> pending;
  pending.swap(channel.unattributed);
  for (const NotifyDatagram& datagram : pending) count(service, channel, datagram);
  for (const NotifyDatagram& datagram : got) count(service, channel, datagram);
}

void NotifySockets::count(const std::string& service,
                          Channel& channel,
                          const NotifyDatagram& datagram) {
  if (datagram.sender != channel.pid) {
    // Not the main process (NotifyAccess=main): a child, or someone else entirely; or a
    // socket hand-off's candidate whose pid file was not written yet when this was read (the
    // serving process was the main one until then). Kept, bounded, for when its sender is the
    // main process; never counted otherwise.
    channel.unattributed.push_back(datagram);
    if (channel.unattributed.size() > k_max_unattributed)
      channel.unattributed.erase(channel.unattributed.begin());
    if (!channel.warned) {
      log_warn("ignored a notify datagram from a process that is not the service's main one",
               {{"service", service},
                {"sender", std::to_string(datagram.sender)},
                {"main", std::to_string(channel.pid)}});
    }
    channel.warned = true;
    return;
  }
  const NotifyMessage message = parse_notify_message(datagram.text);
  apply_message(channel.state, message, now());
  if (message.watchdog_trigger)
    log_warn("WATCHDOG=trigger: the service asks to be restarted", {{"service", service}});
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
