#include "steady_load.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace tether::test {
namespace {

constexpr int k_max_response = 64 * 1024;

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{2, 0};  // a hung proxy or release is a failure, not a hung test
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// The value of header `name` (lowercase) in `head`, or "".
std::string header(const std::string& head, const std::string& name) {
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  const size_t start = head.find_first_not_of(' ', at + name.size() + 3);
  return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

SteadyLoad::SteadyLoad(int port, std::string path)
    : m_port(port), m_path(std::move(path)), m_thread([this] { run(); }) {}

SteadyLoad::~SteadyLoad() { stop(); }

void SteadyLoad::stop() {
  m_stopping = true;
  if (m_thread.joinable()) m_thread.join();
}

std::map<std::string, int> SteadyLoad::answers() const {
  std::lock_guard lock(m_mutex);
  return m_answers;
}

std::vector<std::string> SteadyLoad::failures() const {
  std::lock_guard lock(m_mutex);
  return m_failures;
}

int SteadyLoad::answered() const {
  std::lock_guard lock(m_mutex);
  int total = 0;
  for (const auto& [body, count] : m_answers) total += count;
  return total;
}

void SteadyLoad::fail(const std::string& why) {
  std::lock_guard lock(m_mutex);
  m_failures.push_back(why);
}

void SteadyLoad::run() {
  int kept = -1;
  while (!m_stopping) {
    kept = request(kept);           // keep-alive
    const int fresh = request(-1);  // a new connection
    if (fresh >= 0) ::close(fresh);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  if (kept >= 0) ::close(kept);
}

int SteadyLoad::request(int fd) {
  const bool reused = fd >= 0;
  if (!reused) fd = connect_to(m_port);
  if (fd < 0) {
    fail(std::string("connect: ") + std::strerror(errno));
    return -1;
  }
  const std::string get = "GET " + m_path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::string response;
  bool sent = ::send(fd, get.data(), get.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(get.size());
  size_t head_end = std::string::npos;
  long length = -1;
  char buffer[4096];
  while (sent) {
    if (head_end == std::string::npos) head_end = response.find("\r\n\r\n");
    if (head_end != std::string::npos && length < 0) {
      const std::string value = header(response.substr(0, head_end + 2), "content-length");
      length = value.empty() ? 0 : std::stol(value);
    }
    if (head_end != std::string::npos && response.size() >= head_end + 4 + length) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0 || response.size() > k_max_response) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  const bool complete = sent && head_end != std::string::npos && length >= 0 &&
                        response.size() >= head_end + 4 + length;
  if (!complete) {
    ::close(fd);
    // A keep-alive connection the proxy closed while idle is not a failed request: HTTP
    // clients retry those on a new connection, as this one does.
    if (reused && response.empty()) return request(-1);
    fail(std::string(reused ? "keep-alive " : "new ") + "connection: incomplete response '" +
         response.substr(0, 80) + "' " + std::strerror(errno));
    return -1;
  }
  const std::string status = response.substr(0, response.find("\r\n"));
  const std::string body = response.substr(head_end + 4, length);
  if (status.find(" 200 ") == std::string::npos) {
    fail(status + ": " + body.substr(0, 80));
  } else {
    std::lock_guard lock(m_mutex);
    ++m_answers[body];
  }
  if (header(response.substr(0, head_end + 2), "connection") == "close") {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace tether::test
