#pragma once

#include "outcome.hpp"

#include <string>
#include <string_view>

namespace hello {

/// Settings read from the `key=value` config file.
struct Config {
  std::string bind = "127.0.0.1";
  int port = 0;
  std::string message = "hello";
  std::string file;  ///< where the settings came from, for error messages

  bool operator==(const Config&) const = default;
};

/// Parses config text: `key=value` lines, `#` comments and blank lines ignored. Keys: `port`
/// (required, 1-65535), `bind`, `message`. Unknown or repeated keys are errors. `file` names the
/// source in error messages (`file:line: ...`) and is kept in Config::file.
[[nodiscard]] Outcome<Config> parse_config(std::string_view text, const std::string& file);

/// Reads and parses the config file at `path`; a missing or unreadable file is an error.
[[nodiscard]] Outcome<Config> load_config(const std::string& path);

/// `text` without leading and trailing ASCII whitespace.
[[nodiscard]] std::string_view trim(std::string_view text);

/// Whole content of the file at `path`, or nothing if it cannot be read.
[[nodiscard]] Outcome<std::string> read_text_file(const std::string& path);

}  // namespace hello
