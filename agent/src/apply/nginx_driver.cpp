// nginx as the proxy of a blue-green service: the operator's nginx.conf has
// `upstream NAME { include FILE; }`, tether rewrites FILE (`server 127.0.0.1:PORT;`) and
// reloads nginx gracefully. New workers take new connections to the new port; the old ones
// finish what they have in flight on the old port and exit, so no connection is cut.
//
// The file's path comes from a manifest in Git and the agent runs as root: it rewrites only a
// regular file (not a symlink) that already holds tether's marker line and one server line, a
// file an operator made for it; anything else is refused before a byte is written.
#include "apply/nginx_master.hpp"
#include "apply/nginx_upstream.hpp"
#include "apply/proxy_driver.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/termination.hpp"
#include "core/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace tether {
namespace {

constexpr long long k_reload_deadline_ms = 10'000;
constexpr off_t k_max_upstream_file = 4096;
constexpr Millis k_settle_poll{20};

/// A tether upstream file as read: its text, port and ownership (kept by a rewrite).
struct UpstreamFile {
  std::string text;
  int port = 0;
  struct stat info {};
};

Error file_error(const std::string& path, const std::string& what) {
  return Error{"nginx upstream file " + path + ": " + what,
               "create it as docs/zero-downtime.md shows (nginx) and name it in "
               "spec.switch.blueGreen.nginx.upstreamFile"};
}

/// Reads `path` if it is a tether upstream file: regular, not a symlink, small, marked.
Result<UpstreamFile> read_upstream(const std::string& path) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return file_error(path, errno == ELOOP ? "is a symbolic link" : errno_text());
  UpstreamFile file;
  if (::fstat(fd.get(), &file.info) != 0 || !S_ISREG(file.info.st_mode))
    return file_error(path, "not a regular file");
  if (file.info.st_size > k_max_upstream_file)
    return file_error(path, "larger than 4 KiB: not a tether upstream file");
  char buffer[k_max_upstream_file + 1];
  ssize_t n = 0;
  do n = ::read(fd.get(), buffer, sizeof(buffer));
  while (n < 0 && errno == EINTR);
  if (n < 0) return file_error(path, errno_text());
  file.text.assign(buffer, static_cast<size_t>(n));
  auto port = parse_nginx_upstream(file.text, path);
  if (!port) {
    Error refused = port.error();
    refused.message = "nginx upstream file " + refused.message;
    return refused;
  }
  file.port = *port;
  return file;
}

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Replaces `path` with `text` atomically (temp file beside it, fsync, rename, fsync the
/// directory): nginx reads the old or the new file, never a torn one. The temp file is
/// created exclusively and without following links, so nothing planted at its name is
/// written through; it keeps the old file's mode and owner.
Status write_upstream(const std::string& path, const std::string& text, const struct stat& old) {
  const std::filesystem::path target(path);
  const std::filesystem::path temp =
      target.parent_path() / ("." + target.filename().string() + ".tether-tmp");
  const auto create = [&] {
    return ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  };
  UniqueFd fd(create());
  if (!fd.valid() && errno == EEXIST) {  // left by an agent killed mid-write
    ::unlink(temp.c_str());
    fd = UniqueFd(create());
  }
  if (!fd.valid()) return file_error(path, "cannot create " + temp.string() + ": " + errno_text());
  if (::geteuid() == 0 && ::fchown(fd.get(), old.st_uid, old.st_gid) != 0) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    return file_error(path, "cannot set the owner of " + temp.string() + ": " + reason);
  }
  const bool written = ::fchmod(fd.get(), old.st_mode & 07777) == 0 && write_all(fd.get(), text) &&
                       ::fsync(fd.get()) == 0;
  const std::string reason = errno_text();
  fd.reset();
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = written ? errno_text() : reason;
    ::unlink(temp.c_str());
    return file_error(path, "cannot rewrite: " + why);
  }
  return fsync_path(target.parent_path());
}

class NginxUpstream final : public ProxyDriver {
 public:
  NginxUpstream(NginxTarget target, Millis reload_deadline)
      : m_target(std::move(target)), m_reload_deadline(reload_deadline) {}

  Result<int> traffic_port() const override {
    auto file = read_upstream(m_target.upstream_file);
    if (!file) return file.error();
    return file->port;
  }

  Status send_traffic_to(int port) const override {
    auto previous = read_upstream(m_target.upstream_file);
    if (!previous) return previous.error();
    auto master = NginxMaster::find(m_target.pid_file);
    if (!master) return master.error();
    auto before = master->children();
    if (!before) return before.error();
    const std::string& path = m_target.upstream_file;
    if (Status written = write_upstream(path, nginx_upstream_text(port), previous->info); !written)
      return written;
    fault::point("nginx-upstream-written");
    if (Status reloaded = master->reload(*before, m_reload_deadline); !reloaded) {
      if (reloaded.error().stopping) return reloaded;
      // nginx still runs what the old file said: the file says so again.
      (void)write_upstream(path, previous->text, previous->info);
      Error failed = reloaded.error();
      failed.message += "; traffic stays on port " + std::to_string(previous->port);
      return failed;
    }
    m_before_reload = std::move(*before);
    auto now = traffic_port();
    if (!now) return now.error();
    if (*now != port)
      return Error{describe() + " says port " + std::to_string(*now) + " after the switch to " +
                       std::to_string(port),
                   "look for another process writing this file"};
    return ok_status();
  }

  bool settle(Millis timeout) const override {
    if (m_before_reload.empty()) return true;
    auto master = NginxMaster::find(m_target.pid_file);
    if (!master) return false;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto children = master->children();
      if (!children) return false;
      const bool old_ones_left =
          std::any_of(children->begin(), children->end(), [this](const ProcessIdentity& child) {
            return m_before_reload.contains(child);
          });
      if (!old_ones_left) return true;
      if (termination_requested() || std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(k_settle_poll);
    }
  }

  std::string describe() const override {
    return "nginx upstream " + m_target.upstream_file + " (pid file " + m_target.pid_file + ")";
  }

 private:
  NginxTarget m_target;
  Millis m_reload_deadline;
  /// nginx's children before this driver's last reload: the old workers settle() waits for.
  mutable std::set<ProcessIdentity> m_before_reload;
};

}  // namespace

std::unique_ptr<ProxyDriver> make_nginx_driver(const NginxTarget& target,
                                               std::optional<Millis> reload_deadline) {
  return std::make_unique<NginxUpstream>(
      target,
      reload_deadline.value_or(Millis(fault::limit("nginx-reload-ms", k_reload_deadline_ms))));
}

}  // namespace tether
