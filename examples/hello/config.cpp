#include "config.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace hello {
namespace {

const std::set<std::string_view> k_known_keys = {"bind", "message", "port"};

std::string at(const std::string& file, int line) {
  return file + ":" + std::to_string(line) + ": ";
}

bool parse_port(std::string_view text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port >= 1 && port <= 65535;
}

/// Applies one `key=value` setting; returns an error message or an empty string.
std::string apply(Config& config, std::string_view key, std::string_view value) {
  if (key == "port") {
    if (!parse_port(value, config.port)) {
      return "port must be a number from 1 to 65535, got '" + std::string(value) + "'";
    }
  } else if (key == "bind") {
    if (value.empty()) return "bind must not be empty (e.g. bind=127.0.0.1)";
    config.bind = value;
  } else {
    config.message = value;
  }
  return "";
}

}  // namespace

std::string_view trim(std::string_view text) {
  const char* blanks = " \t\r\n\f\v";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

Outcome<Config> parse_config(std::string_view text, const std::string& file) {
  Config config;
  config.file = file;
  std::set<std::string_view> seen;
  int line_number = 0;
  while (!text.empty()) {
    auto newline = text.find('\n');
    auto line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      return Outcome<Config>::failure(at(file, line_number) + "expected key=value, got '" +
                                      std::string(line) + "'");
    }
    auto key = trim(line.substr(0, equals));
    if (!k_known_keys.contains(key)) {
      return Outcome<Config>::failure(at(file, line_number) + "unknown key '" + std::string(key) +
                                      "' (known keys: port, bind, message)");
    }
    if (!seen.insert(key).second) {
      return Outcome<Config>::failure(at(file, line_number) + "key '" + std::string(key) +
                                      "' is set twice; keep one line");
    }
    if (auto error = apply(config, key, trim(line.substr(equals + 1))); !error.empty()) {
      return Outcome<Config>::failure(at(file, line_number) + error);
    }
  }
  if (!seen.contains("port")) {
    return Outcome<Config>::failure(file + ": missing required key 'port' (add e.g. port=8080)");
  }
  return config;
}

Outcome<std::string> read_text_file(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return Outcome<std::string>::failure(path + " is a directory, not a file");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Outcome<std::string>::failure(path + ": " +
                                         (errno != 0 ? std::strerror(errno) : "cannot open"));
  }
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return Outcome<std::string>::failure(path + ": read error");
  return content;
}

Outcome<Config> load_config(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) {
    return Outcome<Config>::failure("cannot read config file: " + text.error() +
                                    " (check --config; a relative path is resolved against the "
                                    "working directory)");
  }
  return parse_config(text.value(), path);
}

}  // namespace hello
