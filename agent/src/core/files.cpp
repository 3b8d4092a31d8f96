#include "core/files.hpp"

#include "core/unique_fd.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

/// Writes all of `content` to `fd`, retrying short writes.
bool write_all(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Creates or truncates `path` and writes `content`; `sync`: fsync it before closing.
Status write_whole_file(const std::filesystem::path& path,
                        const std::string& content,
                        unsigned mode,
                        bool sync) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error{"cannot create " + path.string() + ": " + errno_text(), ""};
  const bool written = write_all(fd, content) && (!sync || ::fsync(fd) == 0);
  const std::string reason = written ? "" : errno_text();
  ::close(fd);
  if (!written) {
    return Error{"cannot write " + path.string() + ": " + reason, "check free disk space"};
  }
  return ok_status();
}

/// Writes `content` to a temp file beside `path` and renames it over `path`; `durable`: fsync
/// the file before the rename and the directory after it.
Status write_and_rename(const std::filesystem::path& path,
                        const std::string& content,
                        bool durable) {
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());
  if (Status written = write_whole_file(temp, content, 0644, durable); !written) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    return Error{"cannot rename " + temp.string() + " to " + path.string() + ": " + reason, ""};
  }
  return durable ? fsync_path(path.parent_path()) : ok_status();
}

}  // namespace

std::string errno_text() { return std::strerror(errno); }

Result<std::string> read_file(const std::filesystem::path& path) {
  // Opened before any check and checked with fstat on what was opened: a FIFO or a device in
  // an operator's path (a token file, known_hosts, agent.yaml) is refused instead of hanging
  // the agent in open(2) (O_NONBLOCK) or read(2) forever (S_ISREG), with no window between a
  // check and the open for the path to be swapped.
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return Error{"cannot read " + path.string() + ": " + errno_text(), ""};
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Error{"cannot read " + path.string() + ": not a regular file", ""};
  }
  std::string content;
  std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"read error on " + path.string() + ": " + errno_text(), ""};
    if (n == 0) return content;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
}

Status write_file_synced(const std::filesystem::path& path,
                         const std::string& content,
                         unsigned mode) {
  return write_whole_file(path, content, mode, true);
}

Status fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open " + path.string() + ": " + errno_text(), ""};
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error{"fsync " + path.string() + ": " + errno_text(), ""};
  return ok_status();
}

Status write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  return write_and_rename(path, content, true);
}

Status replace_file(const std::filesystem::path& path, const std::string& content) {
  return write_and_rename(path, content, false);
}

Status append_line_synced(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open " + path.string() + ": " + errno_text(), ""};
  const bool written = write_all(fd, line + "\n") && ::fsync(fd) == 0;
  const std::string reason = written ? "" : errno_text();
  ::close(fd);
  if (!written)
    return Error{"cannot append to " + path.string() + ": " + reason, "check free disk space"};
  return ok_status();
}

Status make_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"cannot create directory " + dir.string() + ": " + ec.message(), ""};
  return ok_status();
}

std::string now_rfc3339() { return rfc3339_of(std::chrono::system_clock::now()); }

std::string rfc3339_of(std::chrono::system_clock::time_point time) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", static_cast<int>(ms.count()));
  return buffer;
}

}  // namespace tether
