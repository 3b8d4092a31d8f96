#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace tether::test {

/// Points podman (in this process and every child, the tether binary included) at config files
/// under `dir`: runc with cgroupfs and ulimits the VM allows (NOTES.md), and `registry` (a
/// loopback "host:port") as a plain-HTTP registry. Returns "" when podman works, else why not.
std::string configure_podman(const std::filesystem::path& dir, const std::string& registry);

/// docker-registry serving on a free loopback port with its own config and storage under
/// `dir`; stopped (by pid) at scope exit or by stop().
class LocalRegistry {
 public:
  explicit LocalRegistry(const std::filesystem::path& dir);
  ~LocalRegistry();
  LocalRegistry(const LocalRegistry&) = delete;
  LocalRegistry& operator=(const LocalRegistry&) = delete;

  /// "127.0.0.1:PORT".
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

/// A dockerd of the test's own (socket, data root, exec root under `dir`). DOCKER_HOST is set
/// for this process and its children. `problem()` says why it could not start ("" when it
/// runs).
class LocalDockerd {
 public:
  explicit LocalDockerd(const std::filesystem::path& dir);
  ~LocalDockerd();
  LocalDockerd(const LocalDockerd&) = delete;
  LocalDockerd& operator=(const LocalDockerd&) = delete;

  [[nodiscard]] const std::string& problem() const { return m_problem; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_problem;
};

/// Builds a busybox image without network: a rootfs with /bin/busybox (and, when the host's
/// busybox is not static, the libraries it needs) plus `files`, tarred with fixed mtimes and
/// owners, `podman import`ed and pushed to `registry` as `<repository>:<tag>`. Returns the
/// pinned reference "<registry>/<repository>@sha256:<hex>" that `push --digestfile` reported.
std::string build_busybox_image(const std::filesystem::path& work_dir,
                                const std::string& registry,
                                const std::string& repository,
                                const std::string& tag,
                                const std::map<std::string, std::string>& files);

}  // namespace tether::test
