// HAProxy's runtime API (the `stats socket ... level admin` in haproxy.cfg): the server line
// of the backend keeps its name and moves between the two ports with `set server ... addr`,
// no reload, so connections in flight on the old port finish there.
#include "apply/proxy_driver.hpp"
#include "apply/unix_exchange.hpp"

#include <sstream>
#include <vector>

namespace tether {
namespace {

constexpr Millis k_deadline{std::chrono::seconds(2)};
// `show servers state <backend>` prints one line per server: a few KiB for a big backend.
constexpr size_t k_max_reply = 256 * 1024;

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

class HaproxyRuntime final : public ProxyDriver {
 public:
  explicit HaproxyRuntime(HaproxyTarget target) : m_target(std::move(target)) {}

  Result<int> traffic_port() const override {
    auto reply = ask("show servers state " + m_target.backend);
    if (!reply) return reply.error();
    return port_in(*reply);
  }

  Status send_traffic_to(int port) const override {
    const std::string server = m_target.backend + "/" + m_target.server;
    auto moved = ask("set server " + server + " addr 127.0.0.1 port " + std::to_string(port));
    if (!moved) return moved.error();
    if (moved->find("changed") == std::string::npos &&
        moved->find("no need to change") == std::string::npos)
      return refused("set server " + server + " addr", *moved);
    // A server an operator (or an old switch) left in maint or drain would take no one.
    auto ready = ask("set server " + server + " state ready");
    if (!ready) return ready.error();
    if (words_of(*ready).size() != 0)
      return refused("set server " + server + " state ready", *ready);
    auto now = traffic_port();
    if (!now) return now.error();
    if (*now != port)
      return Error{describe() + " still sends to port " + std::to_string(*now) +
                       " after the switch to " + std::to_string(port),
                   "look for another process changing this server (show servers state)"};
    return ok_status();
  }

  std::string describe() const override {
    return "haproxy " + m_target.backend + "/" + m_target.server + " via " + m_target.socket;
  }

 private:
  Result<std::string> ask(const std::string& command) const {
    return unix_exchange(m_target.socket, command + "\n", k_deadline, k_max_reply);
  }

  Error refused(const std::string& command, const std::string& reply) const {
    std::string said = reply.substr(0, 200);
    while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
    return Error{describe() + ": '" + command + "' answered '" + said + "'",
                 "check that haproxy.cfg has backend " + m_target.backend + " with server " +
                     m_target.server + " and the socket has level admin"};
  }

  /// The srv_port of our server in `show servers state`, found through the header's columns.
  Result<int> port_in(const std::string& reply) const {
    std::istringstream lines(reply);
    std::vector<std::string> columns;
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> words = words_of(line);
      if (!words.empty() && words[0] == "#") {
        columns.assign(words.begin() + 1, words.end());
        continue;
      }
      const auto column = [&](const char* name) -> std::string {
        for (size_t i = 0; i < columns.size() && i < words.size(); ++i)
          if (columns[i] == name) return words[i];
        return "";
      };
      if (column("be_name") != m_target.backend || column("srv_name") != m_target.server) continue;
      const std::string port = column("srv_port");
      if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
          port.size() > 5)
        break;
      return std::stoi(port);
    }
    return refused("show servers state " + m_target.backend, reply);
  }

  HaproxyTarget m_target;
};

}  // namespace

std::unique_ptr<ProxyDriver> make_haproxy_driver(const HaproxyTarget& target) {
  return std::make_unique<HaproxyRuntime>(target);
}

}  // namespace tether
