#include "version.hpp"

#include "config.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace hello {
namespace {

bool is_valid_version(std::string_view version) {
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '+' || c == '-';
  };
  return !version.empty() && version.size() <= 64 &&
         std::all_of(version.begin(), version.end(), allowed) &&
         version.find("..") == std::string_view::npos;
}

}  // namespace

Outcome<std::string> read_version_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) {
    return Outcome<std::string>::failure("cannot read release VERSION file: " + text.error() +
                                         " (run hello from an unpacked release: bin/hello next "
                                         "to VERSION)");
  }
  std::string version(trim(text.value()));
  if (!is_valid_version(version)) {
    return Outcome<std::string>::failure(path + ": expected one version matching " +
                                         "[A-Za-z0-9._+-]{1,64} without '..', got '" + version +
                                         "'");
  }
  return version;
}

Outcome<std::string> read_release_version() {
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    return Outcome<std::string>::failure("cannot resolve /proc/self/exe: " + error.message());
  }
  return read_version_file((exe.parent_path().parent_path() / "VERSION").string());
}

Outcome<std::string> read_migration_state() {
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    return Outcome<std::string>::failure("cannot resolve /proc/self/exe: " + error.message());
  }
  const auto path = exe.parent_path().parent_path() / "MIGRATIONS";
  if (!std::filesystem::exists(path, error)) {
    return Outcome<std::string>::failure("this release has no MIGRATIONS file beside VERSION (" +
                                         path.string() + ")");
  }
  return read_version_file(path.string());
}

bool release_has_marker(const std::string& name) {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return !error && std::filesystem::exists(exe.parent_path().parent_path() / name, error);
}

}  // namespace hello
