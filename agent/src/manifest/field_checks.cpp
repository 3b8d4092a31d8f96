#include "manifest/field_checks.hpp"

#include <regex>

namespace tether::checks {
namespace {

bool matches(const std::string& value, const char* pattern) {
  return std::regex_match(value, std::regex(pattern));
}

}  // namespace

std::string service_name(const std::string& value) {
  return matches(value, "[a-z0-9][a-z0-9-]{0,62}")
             ? ""
             : "a name of lowercase letters, digits and '-' (max 63, not starting with '-')";
}

std::string host_name(const std::string& value) {
  return matches(value, "[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
             ? ""
             : "a host id of letters, digits, '.', '_' and '-' (max 63)";
}

std::string version(const std::string& value) {
  return matches(value, "[A-Za-z0-9._+-]{1,64}") && value.find("..") == std::string::npos
             ? ""
             : "a version of letters, digits, '.', '_', '+' and '-' (max 64, no \"..\")";
}

std::string commit(const std::string& value) {
  return matches(value, "[0-9a-f]{40}") ? "" : "a full 40-digit lowercase hex commit SHA";
}

std::string sha256(const std::string& value) {
  return matches(value, "[0-9a-f]{64}") ? "" : "64 lowercase hex digits (a SHA-256 digest)";
}

std::string artifact_url(const std::string& value) {
  return matches(value, "(https|http|file)://.+") ? "" : "an https://, http:// or file:// URL";
}

std::string http_url(const std::string& value) {
  return matches(value, "https?://.+") ? "" : "an http:// or https:// URL";
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
  return matches(value, "[A-Za-z0-9@._:-]+\\.service") ? ""
                                                       : "a systemd unit name ending in .service";
}

std::string host_port(const std::string& value) {
  return matches(value, ".+:[0-9]{1,5}") ? "" : "HOST:PORT";
}

std::string container_name(const std::string& value) {
  return matches(value, "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}") ? "" : "a container name (max 63)";
}

std::string pinned_image(const std::string& value) {
  return matches(value, ".+@sha256:[0-9a-f]{64}")
             ? ""
             : "an image pinned by digest, NAME@sha256:<64 hex> (pin the digest, or set "
               "spec.allowFloatingTag: true)";
}

std::string runtime(const std::string& value) {
  return value == "podman" || value == "docker" ? "" : "podman or docker";
}

std::string repo_url(const std::string& value) {
  return matches(value, "(https|http|git|file|ssh)://.+|/.+")
             ? ""
             : "a git URL (https://, http://, git://, file://, ssh://) or an absolute path";
}

std::string branch(const std::string& value) {
  return matches(value, "[A-Za-z0-9._/-]{1,200}") ? "" : "a branch name";
}

std::string absolute_path(const std::string& value) {
  return !value.empty() && value.front() == '/' ? "" : "an absolute path";
}

std::string percent(const std::string& value) {
  return matches(value, "([0-9]|[1-9][0-9]|100)%") ? "" : "a percentage from 0% to 100%";
}

}  // namespace tether::checks
