#include "net/file_url.hpp"

#include "core/files.hpp"
#include "core/termination.hpp"
#include "core/unique_fd.hpp"

#include <array>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether::net {
namespace {

constexpr std::string_view k_scheme = "file://";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The local path of file:///p or file://localhost/p, percent-decoding; "" when not one.
std::string path_of(const std::string& url) {
  std::string rest = url.substr(k_scheme.size());
  if (rest.rfind("localhost/", 0) == 0) rest.erase(0, std::string_view("localhost").size());
  if (rest.empty() || rest[0] != '/') return "";
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 &&
        hex_value(rest[i + 2]) >= 0) {
      path += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  if (path.find('\0') != std::string::npos) return "";
  return path;
}

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

bool is_file_url(const std::string& url) { return url.rfind(k_scheme, 0) == 0; }

Status read_file_url(const std::string& url,
                     std::uint64_t max_bytes,
                     const std::function<bool(std::string_view)>& sink) {
  const std::string path = path_of(url);
  if (path.empty())
    return Error{url + ": not a file URL with an absolute path", "write file:///path/to/file"};
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid())
    return Error{url + ": cannot open " + path + ": " + errno_text(), "check the path"};
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return Error{url + ": cannot stat " + path + ": " + errno_text(), ""};
  if (!S_ISREG(info.st_mode)) {
    return Error{url + ": " + path + " is " + kind_of(info.st_mode) + ", not a regular file",
                 "artifacts must be regular files; point the URL at the artifact itself"};
  }
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return Error{url + ": " + std::to_string(info.st_size) + " bytes, larger than the " +
                     std::to_string(max_bytes) + "-byte cap",
                 "check the URL; artifacts must be smaller than the cap"};
  }
  std::array<char, 64 * 1024> buffer{};
  std::uint64_t total = 0;
  for (;;) {
    if (termination_requested()) return stop_requested_error("reading " + url);
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Error{url + ": cannot read " + path + ": " + errno_text(), ""};
    if (got == 0) return ok_status();
    total += static_cast<std::uint64_t>(got);
    if (total > max_bytes)  // grew while being read
      return Error{url + ": larger than the " + std::to_string(max_bytes) + "-byte cap", ""};
    if (!sink(std::string_view(buffer.data(), static_cast<size_t>(got))))
      return Error{"cannot write the download: " + errno_text(), "check free disk space"};
  }
}

}  // namespace tether::net
