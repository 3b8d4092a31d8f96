// The upstream include file's text and what /proc says about nginx's processes: pure, so the
// driver's judgement (nginx_driver.cpp) is tested with strings.
#include "apply/nginx_upstream.hpp"

#include <charconv>
#include <sstream>

namespace tether {
namespace {

constexpr const char* k_server_prefix = "server 127.0.0.1:";

std::string trimmed(const std::string& line) {
  const size_t begin = line.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const size_t end = line.find_last_not_of(" \t\r");
  return line.substr(begin, end - begin + 1);
}

/// The port of a `server 127.0.0.1:PORT;` line, or nullopt.
std::optional<int> server_port(const std::string& line) {
  const std::string prefix = k_server_prefix;
  if (!line.starts_with(prefix) || !line.ends_with(";")) return std::nullopt;
  const std::string digits = line.substr(prefix.size(), line.size() - prefix.size() - 1);
  int port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || port < 1 ||
      port > 65535)
    return std::nullopt;
  return port;
}

Error not_ours(const std::string& path, const std::string& what) {
  return Error{path + ": not a tether upstream file: " + what,
               "tether rewrites only a file made for it: '" + std::string(k_nginx_upstream_marker) +
                   "' on a line of its own and one 'server 127.0.0.1:PORT;' line (see "
                   "docs/zero-downtime.md, nginx)"};
}

}  // namespace

std::string nginx_upstream_text(int port) {
  return std::string(k_nginx_upstream_marker) +
         " (spec.switch.blueGreen.nginx): rewritten at each switch\n" + k_server_prefix +
         std::to_string(port) + ";\n";
}

Result<int> parse_nginx_upstream(const std::string& text, const std::string& path) {
  std::istringstream lines(text);
  bool marked = false;
  std::optional<int> port;
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::string content = trimmed(line);
    if (content.starts_with(k_nginx_upstream_marker)) marked = true;
    if (content.empty() || content.front() == '#') continue;
    const auto found = server_port(content);
    const std::string where = "line " + std::to_string(number);
    if (!found) return not_ours(path, where + " is neither a comment nor 'server 127.0.0.1:PORT;'");
    if (port) return not_ours(path, where + " is a second server line");
    port = found;
  }
  if (!marked) return not_ours(path, "no '" + std::string(k_nginx_upstream_marker) + "' line");
  if (!port) return not_ours(path, "no 'server 127.0.0.1:PORT;' line");
  return *port;
}

std::optional<ProcStat> parse_proc_stat(const std::string& text) {
  // "pid (comm) state ppid ...": comm may hold anything, so fields count from the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string state;
  long long ppid = 0;
  if (!(fields >> state >> ppid)) return std::nullopt;
  // Fields 5..21 lie between ppid (4) and starttime (22).
  std::string skipped;
  for (int field = 5; field <= 21; ++field)
    if (!(fields >> skipped)) return std::nullopt;
  std::uint64_t start = 0;
  if (!(fields >> start) || ppid < 0) return std::nullopt;
  return ProcStat{static_cast<int>(ppid), start};
}

NginxChild classify_nginx_child(const std::string& cmdline) {
  // nginx overwrites argv with its title; what follows is NULs or spaces.
  const std::string title = trimmed(cmdline.substr(0, cmdline.find('\0')));
  if (title == "nginx: worker process") return NginxChild::worker;
  if (title == "nginx: worker process is shutting down") return NginxChild::shutting_down;
  return NginxChild::other;
}

bool is_nginx_master_cmdline(const std::string& cmdline) {
  return cmdline.starts_with("nginx: master process");
}

bool nginx_reloaded(const std::set<ProcessIdentity>& before,
                    const std::set<ProcessIdentity>& workers_now) {
  bool new_worker = false;
  for (const ProcessIdentity& worker : workers_now) {
    if (before.contains(worker)) return false;
    new_worker = true;
  }
  return new_worker;
}

}  // namespace tether
