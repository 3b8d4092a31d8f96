#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tether {

enum class LogLevel { trace, debug, info, warn, error };
enum class LogStyle { text, json };

/// A key=value attached to a log line; in JSON mode each becomes a key of the object.
using LogField = std::pair<std::string_view, std::string>;

/// Sets up the process's log sink (stderr) once, in main. Text lines read
/// "2026-11-23T07:08:14.123Z info applied service=web from=1.4.2 to=1.5.0"; JSON mode writes
/// one object per line with "time", "level", "msg" and the fields as keys.
void configure_logging(LogStyle style, LogLevel level);

/// Parses "trace", "debug", "info", "warn", "error".
[[nodiscard]] bool parse_log_level(std::string_view text, LogLevel& level);

void log_event(LogLevel level,
               std::string_view message,
               std::initializer_list<LogField> fields = {});

inline void log_info(std::string_view m, std::initializer_list<LogField> f = {}) {
  log_event(LogLevel::info, m, f);
}
inline void log_warn(std::string_view m, std::initializer_list<LogField> f = {}) {
  log_event(LogLevel::warn, m, f);
}
inline void log_error(std::string_view m, std::initializer_list<LogField> f = {}) {
  log_event(LogLevel::error, m, f);
}
inline void log_debug(std::string_view m, std::initializer_list<LogField> f = {}) {
  log_event(LogLevel::debug, m, f);
}

}  // namespace tether
