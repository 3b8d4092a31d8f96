#include "manifest/field_checks.hpp"

#include "model/container_runtime.hpp"

#include <algorithm>
#include <regex>

namespace tether::checks {
namespace {

// Compiled once: building a std::regex costs far more than matching it, and manifests of a
// large state repo run these checks thousands of times per commit.
bool matches(const std::string& value, const std::regex& pattern) {
  return std::regex_match(value, pattern);
}

}  // namespace

std::string service_name(const std::string& value) {
  static const std::regex k_pattern("[a-z0-9][a-z0-9-]{0,62}");
  return matches(value, k_pattern)
             ? ""
             : "a name of lowercase letters, digits and '-' (max 63, not starting with '-')";
}

std::string host_name(const std::string& value) {
  static const std::regex k_pattern("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  return matches(value, k_pattern) ? "" : "a host id of letters, digits, '.', '_' and '-' (max 63)";
}

std::string version(const std::string& value) {
  static const std::regex k_pattern("[A-Za-z0-9._+-]{1,64}");
  return matches(value, k_pattern) && value.find("..") == std::string::npos
             ? ""
             : "a version of letters, digits, '.', '_', '+' and '-' (max 64, no \"..\")";
}

std::string commit(const std::string& value) {
  static const std::regex k_pattern("[0-9a-f]{40}");
  return matches(value, k_pattern) ? "" : "a full 40-digit lowercase hex commit SHA";
}

std::string sha256(const std::string& value) {
  static const std::regex k_pattern("[0-9a-f]{64}");
  return matches(value, k_pattern) ? "" : "64 lowercase hex digits (a SHA-256 digest)";
}

std::string artifact_url(const std::string& value) {
  static const std::regex k_pattern("(https|http|file)://.+");
  return matches(value, k_pattern) ? "" : "an https://, http:// or file:// URL";
}

std::string http_url(const std::string& value) {
  static const std::regex k_pattern("https?://.+");
  return matches(value, k_pattern) ? "" : "an http:// or https:// URL";
}

std::string safe_relative_path(const std::string& value) {
  const char* expected = "a relative path without '.', '..' or empty components";
  if (value.empty() || value.front() == '/' || value.find('\0') != std::string::npos) {
    return expected;
  }
  size_t start = 0;
  while (start <= value.size()) {
    const size_t end = std::min(value.find('/', start), value.size());
    const std::string part = value.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return expected;
    start = end + 1;
  }
  return "";
}

std::string config_source(const std::string& value) {
  if (!safe_relative_path(value).empty() || value.rfind("config/", 0) != 0) {
    return "a path under config/ in the state repo";
  }
  return "";
}

std::string config_target(const std::string& value) {
  if (std::string problem = safe_relative_path(value); !problem.empty()) return problem;
  if (value == ".tether" || value.rfind(".tether/", 0) == 0) {
    return "a path outside .tether/ (reserved for tether's own metadata)";
  }
  return "";
}

std::string systemd_unit(const std::string& value) {
  static const std::regex k_pattern("[A-Za-z0-9@._:-]+\\.service");
  return matches(value, k_pattern) ? "" : "a systemd unit name ending in .service";
}

std::string host_port(const std::string& value) {
  static const std::regex k_pattern(".+:[0-9]{1,5}");
  return matches(value, k_pattern) ? "" : "HOST:PORT";
}

std::string container_name(const std::string& value) {
  static const std::regex k_pattern("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
  return matches(value, k_pattern) ? "" : "a container name (max 63)";
}

std::string pinned_image(const std::string& value) {
  static const std::regex k_pattern(".+@sha256:[0-9a-f]{64}");
  return matches(value, k_pattern)
             ? ""
             : "an image pinned by digest, NAME@sha256:<64 hex> (pin the digest, or set "
               "spec.allowFloatingTag: true)";
}

std::string runtime(const std::string& value) {
  return runtime_named(value) ? "" : runtime_choices();
}

std::string suspend_reason(const std::string& value) {
  constexpr size_t k_max = 200;
  const bool printable = std::none_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  return !value.empty() && value.size() <= k_max && printable
             ? ""
             : "one line of text saying why (1 to 200 bytes, no control characters)";
}

std::string repo_url(const std::string& value) {
  static const std::regex k_pattern("(https|http|git|file|ssh)://.+|/.+");
  return matches(value, k_pattern)
             ? ""
             : "a git URL (https://, http://, git://, file://, ssh://) or an absolute path";
}

std::string branch(const std::string& value) {
  static const std::regex k_pattern("[A-Za-z0-9._/-]{1,200}");
  return matches(value, k_pattern) ? "" : "a branch name";
}

std::string absolute_path(const std::string& value) {
  return !value.empty() && value.front() == '/' ? "" : "an absolute path";
}

std::string percent(const std::string& value) {
  static const std::regex k_pattern("([0-9]|[1-9][0-9]|100)%");
  return matches(value, k_pattern) ? "" : "a percentage from 0% to 100%";
}

}  // namespace tether::checks
