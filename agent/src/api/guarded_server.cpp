#include "api/guarded_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <list>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tether {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// Set by this thread's DeadlineStream when its request ran out of time: the error handler,
/// called on the same thread, answers 408 instead of httplib's 400.
thread_local bool t_request_timed_out = false;

/// Waits until `sock` is ready for `events` or `deadline` passes; false on timeout or error.
bool wait_ready(socket_t sock, short events, SteadyClock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<Millis>(deadline - SteadyClock::now()).count();
    if (left <= 0) return false;
    pollfd fd{sock, events, 0};
    const int rc = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, 1000 * 60)));
    if (rc > 0) return (fd.revents & (events | POLLHUP | POLLERR)) != 0;
    if (rc < 0 && errno != EINTR) return false;
  }
}

/// The address of the socket's peer (or its own address), as text.
std::string address_of(socket_t sock, bool peer, int* port = nullptr) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if ((peer ? ::getpeername(sock, raw, &length) : ::getsockname(sock, raw, &length)) != 0) {
    return "unknown";
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    if (port != nullptr) *port = ntohs(in->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    if (port != nullptr) *port = ntohs(in6->sin6_port);
  }
  return text[0] != '\0' ? text : "unknown";
}

/// A client socket read against one deadline for the whole request, buffered (httplib reads
/// request lines a byte at a time), and written with a timeout per write and for the whole
/// response.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, const ConnectionLimits& limits)
      : m_sock(sock),
        m_read_deadline(SteadyClock::now() + limits.request_deadline),
        m_write_timeout(limits.write_timeout) {}

  bool is_readable() const override {
    if (wait_ready(m_sock, POLLIN, m_read_deadline)) return true;
    t_request_timed_out = SteadyClock::now() >= m_read_deadline;
    return false;
  }
  bool is_writable() const override {
    return wait_ready(
        m_sock, POLLOUT, std::min(SteadyClock::now() + m_write_timeout, write_deadline()));
  }
  ssize_t read(char* ptr, size_t size) override {
    if (m_begin == m_end) {
      if (!is_readable()) return -1;
      const ssize_t n = ::recv(m_sock, m_buffer, sizeof m_buffer, 0);
      if (n <= 0) return n;
      m_begin = 0;
      m_end = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, m_end - m_begin);
    std::copy(m_buffer + m_begin, m_buffer + m_begin + n, ptr);
    m_begin += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (m_write_start == SteadyClock::time_point{}) m_write_start = SteadyClock::now();
    if (!is_writable()) return -1;
    return ::send(m_sock, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = address_of(m_sock, true, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = address_of(m_sock, false, &port);
  }
  socket_t socket() const override { return m_sock; }

 private:
  SteadyClock::time_point write_deadline() const {
    const SteadyClock::time_point start =
        m_write_start == SteadyClock::time_point{} ? SteadyClock::now() : m_write_start;
    return start + 4 * m_write_timeout;
  }

  socket_t m_sock;
  SteadyClock::time_point m_read_deadline;
  Millis m_write_timeout;
  SteadyClock::time_point m_write_start{};
  char m_buffer[4096];
  size_t m_begin = 0;
  size_t m_end = 0;
};

/// httplib's task queue with a thread per connection, started when one arrives, up to `max`
/// at once (the rest queue); an idle agent holds no API threads.
///
/// The threads are joined, never detached: a handler may use libgit2, whose per-thread error
/// state is freed by a thread-exit destructor. A detached thread could still be exiting when
/// the agent's last libgit2 user shuts the library down (deleting that destructor's key), and
/// its state would leak (LSan caught it after GET /plan).
class OnDemandThreads final : public httplib::TaskQueue {
 public:
  explicit OnDemandThreads(size_t max) : m_max(max) {}
  ~OnDemandThreads() override { shutdown(); }

  void enqueue(std::function<void()> job) override {
    std::lock_guard lock(m_mutex);
    join_finished();
    m_jobs.push_back(std::move(job));
    if (m_running >= m_max) return;  // a running thread takes it when its job is done
    ++m_running;
    m_threads.emplace_back([this] { work(); });
  }
  /// Waits until every queued connection was served and every thread has exited.
  void shutdown() override {
    std::list<std::thread> threads;
    {
      std::unique_lock lock(m_mutex);
      m_idle.wait(lock, [this] { return m_running == 0; });
      threads.swap(m_threads);
      m_finished.clear();
    }
    for (std::thread& thread : threads) thread.join();
  }

 private:
  void work() {
    std::unique_lock lock(m_mutex);
    while (!m_jobs.empty()) {
      std::function<void()> job = std::move(m_jobs.front());
      m_jobs.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
    // Last touch of `this`, under the lock: shutdown() joins every thread before it returns.
    --m_running;
    m_finished.push_back(std::this_thread::get_id());
    m_idle.notify_all();
  }

  /// Joins the threads whose work is done, so a long-lived agent does not pile them up. They
  /// have released the lock for good, so joining under it waits only for their exit.
  void join_finished() {
    for (const std::thread::id id : m_finished) {
      const auto it =
          std::find_if(m_threads.begin(), m_threads.end(), [id](const std::thread& thread) {
            return thread.get_id() == id;
          });
      if (it == m_threads.end()) continue;
      it->join();
      m_threads.erase(it);
    }
    m_finished.clear();
  }

  const size_t m_max;
  std::mutex m_mutex;
  std::condition_variable m_idle;
  std::deque<std::function<void()>> m_jobs;
  size_t m_running = 0;
  std::list<std::thread> m_threads;
  std::vector<std::thread::id> m_finished;
};

/// Answers a refused connection without reading its request.
void refuse(socket_t sock, const std::string& client, size_t cap) {
  const std::string body = "too many connections from " + client + " (at most " +
                           std::to_string(cap) + " at once); retry later\n";
  const std::string response =
      "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  // Closing with the request unread would reset the connection, and the client could lose the
  // answer: say we are done, then drain what it sent for a moment.
  ::shutdown(sock, SHUT_WR);
  const auto until = SteadyClock::now() + std::chrono::milliseconds(200);
  char sink[1024];
  while (wait_ready(sock, POLLIN, until) && ::recv(sock, sink, sizeof sink, 0) > 0) {
  }
}

}  // namespace

GuardedServer::GuardedServer(ConnectionLimits limits, ErrorText error_text)
    : m_limits(limits), m_error_text(std::move(error_text)) {
  const size_t threads = m_limits.max_threads;
  new_task_queue = [threads] { return new OnDemandThreads(threads); };
  set_keep_alive_max_count(1);
  set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (t_request_timed_out) {
      response.status = 408;
      response.set_content("408 the request did not arrive within " +
                               std::to_string(m_limits.request_deadline.count()) + " ms\n",
                           "text/plain");
      return;
    }
    if (!response.body.empty()) return;
    const std::string text =
        m_error_text ? m_error_text(response.status) : std::to_string(response.status) + " error";
    response.set_content(text + ": " + request.method + " " + request.path.substr(0, 200) + "\n",
                         "text/plain");
  });
}

GuardedServer::Admission GuardedServer::admit(socket_t sock, const std::string& client) {
  std::lock_guard lock(m_mutex);
  if (m_aborting) return Admission::stopping;
  if (m_per_client[client] >= m_limits.per_client) return Admission::over_cap;
  ++m_per_client[client];
  m_open.insert(sock);
  return Admission::admitted;
}

void GuardedServer::release(socket_t sock, const std::string& client) {
  std::lock_guard lock(m_mutex);
  m_open.erase(sock);
  if (--m_per_client[client] == 0) m_per_client.erase(client);
}

void GuardedServer::abort_connections() {
  std::lock_guard lock(m_mutex);
  m_aborting = true;
  // Under the lock: a socket in m_open is not closed yet (release() comes first).
  for (const socket_t sock : m_open) ::shutdown(sock, SHUT_RDWR);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  const std::string client = address_of(sock, true);
  const Admission admission = admit(sock, client);
  if (admission == Admission::admitted) {
    t_request_timed_out = false;
    DeadlineStream stream(sock, m_limits);
    bool closed = false;
    // One request per connection (close_connection = true): the deadline covers all of it.
    (void)process_request(stream, true, closed, nullptr);
    release(sock, client);
  } else if (admission == Admission::over_cap) {
    refuse(sock, client, m_limits.per_client);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

}  // namespace tether
