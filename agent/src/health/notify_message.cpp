#include "health/notify_message.hpp"

namespace tether {
namespace {

/// STATUS= ends up in logs, the journal and /status: one line of printable ASCII, bounded.
constexpr std::size_t k_status_max = 200;

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, k_status_max)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  return out;
}

void apply_line(NotifyMessage& message, std::string_view line) {
  const std::size_t equals = line.find('=');
  if (equals == std::string_view::npos) return;
  const std::string_view key = line.substr(0, equals);
  const std::string_view value = line.substr(equals + 1);
  if (key == "READY") {
    message.ready = message.ready || value == "1";
  } else if (key == "WATCHDOG") {
    message.watchdog_ping = message.watchdog_ping || value == "1";
    message.watchdog_trigger = message.watchdog_trigger || value == "trigger";
  } else if (key == "STOPPING") {
    message.stopping = message.stopping || value == "1";
  } else if (key == "STATUS") {
    message.status = printable(value);
  }
}

}  // namespace

NotifyMessage parse_notify_message(std::string_view datagram) {
  NotifyMessage message;
  while (!datagram.empty()) {
    const std::size_t end = datagram.find('\n');
    apply_line(message, datagram.substr(0, end));
    if (end == std::string_view::npos) break;
    datagram.remove_prefix(end + 1);
  }
  return message;
}

}  // namespace tether
