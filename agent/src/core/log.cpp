#include "core/log.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace tether {
namespace {

// Chosen once in main before any logging; read-only afterwards.
LogStyle g_style = LogStyle::text;

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      break;
  }
  return spdlog::level::err;
}

/// Quotes a text-mode value only when it would otherwise be ambiguous.
std::string text_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \"=\n") == std::string::npos) return value;
  // Hostile input (a manifest, an archive entry name) may not be UTF-8: replace, never throw.
  return json_text(nlohmann::json(value));
}

}  // namespace

void configure_logging(LogStyle style, LogLevel level) {
  g_style = style;
  auto logger =
      std::make_shared<spdlog::logger>("tether", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(to_spdlog(level));
  // JSON lines carry their own time and level (built in log_event), so the pattern is bare.
  logger->set_pattern(style == LogStyle::json ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

bool parse_log_level(std::string_view text, LogLevel& level) {
  const std::pair<std::string_view, LogLevel> known[] = {{"trace", LogLevel::trace},
                                                         {"debug", LogLevel::debug},
                                                         {"info", LogLevel::info},
                                                         {"warn", LogLevel::warn},
                                                         {"error", LogLevel::error}};
  for (const auto& [name, value] : known) {
    if (name == text) {
      level = value;
      return true;
    }
  }
  return false;
}

void log_event(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  const auto spd_level = to_spdlog(level);
  if (!spdlog::default_logger_raw()->should_log(spd_level)) return;
  std::string line;
  if (g_style == LogStyle::json) {
    nlohmann::json json = {{"time", now_rfc3339()},
                           {"level", std::string(spdlog::level::to_string_view(spd_level).data())},
                           {"msg", message}};
    for (const auto& [key, value] : fields) json[std::string(key)] = value;
    line = json_text(json);
  } else {
    line = std::string(message);
    for (const auto& [key, value] : fields)
      line += " " + std::string(key) + "=" + text_value(value);
  }
  spdlog::default_logger_raw()->log(spd_level, "{}", line);
}

}  // namespace tether
