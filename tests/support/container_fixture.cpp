#include "container_fixture.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <boost/process.hpp>

#include <cstdlib>
#include <regex>
#include <stdexcept>

namespace tether::test {

namespace bp = boost::process;
namespace fs = std::filesystem;

std::string configure_podman(const fs::path& dir, const std::string& registry) {
  if (bp::search_path("podman").empty()) return "podman is not installed (scripts/install-deps.sh)";
  // NOTES.md: crun and podman's default ulimits fail in this VM; runc with cgroupfs works.
  write_text(dir / "containers.conf",
             "[containers]\n"
             "default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n"
             "[engine]\n"
             "runtime = \"runc\"\n"
             "cgroup_manager = \"cgroupfs\"\n"
             "events_logger = \"file\"\n");
  write_text(dir / "registries.conf",
             "[[registry]]\nlocation = \"" + registry + "\"\ninsecure = true\n");
  ::setenv("CONTAINERS_CONF", (dir / "containers.conf").c_str(), 1);
  ::setenv("CONTAINERS_REGISTRIES_CONF", (dir / "registries.conf").c_str(), 1);
  const CommandResult info =
      run_command({"podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"});
  if (info.exit_code != 0) return "podman does not work here: " + info.err;
  return "";
}

struct LocalRegistry::Impl {
  bp::group group;
  bp::child child;
};

LocalRegistry::LocalRegistry(const fs::path& dir) : m_impl(std::make_unique<Impl>()) {
  const std::string program = bp::search_path("docker-registry").string();
  if (program.empty()) throw std::runtime_error("docker-registry is not installed");
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_port = free_port();
    const fs::path config = dir / "registry.yml";
    write_text(config,
               "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " +
                   (dir / "data").string() + "\nhttp:\n  addr: " + address() + "\n");
    m_impl->group = bp::group();
    m_impl->child = bp::child(program,
                              "serve",
                              config.string(),
                              bp::std_out > bp::null,
                              bp::std_err > (dir / "registry.log").string(),
                              m_impl->group);
    const bool up = eventually([this] { return !m_impl->child.running() || port_accepts(m_port); },
                               std::chrono::seconds(10));
    if (up && m_impl->child.running()) return;
  }
  throw std::runtime_error("docker-registry did not start; see " + (dir / "registry.log").string());
}

LocalRegistry::~LocalRegistry() { stop(); }

void LocalRegistry::stop() {
  std::error_code ec;
  m_impl->group.terminate(ec);
  m_impl->child.wait(ec);
}

struct LocalDockerd::Impl {
  bp::group group;
  bp::child child;
};

LocalDockerd::LocalDockerd(const fs::path& dir) : m_impl(std::make_unique<Impl>()) {
  const std::string program = bp::search_path("dockerd").string();
  if (program.empty() || bp::search_path("docker").empty()) {
    m_problem = "dockerd or the docker CLI is not installed (docker.io)";
    return;
  }
  fs::create_directories(dir);
  const std::string socket = "unix://" + (dir / "docker.sock").string();
  m_impl->child = bp::child(program,
                            "-H",
                            socket,
                            "--data-root",
                            (dir / "data").string(),
                            "--exec-root",
                            (dir / "exec").string(),
                            "--pidfile",
                            (dir / "dockerd.pid").string(),
                            bp::std_out > bp::null,
                            bp::std_err > (dir / "dockerd.log").string(),
                            m_impl->group);
  ::setenv("DOCKER_HOST", socket.c_str(), 1);
  const bool up = eventually(
      [this] {
        return !m_impl->child.running() || run_command({"docker", "info"}).exit_code == 0;
      },
      std::chrono::seconds(30));
  if (!up || !m_impl->child.running()) {
    m_problem = "dockerd did not start: " + read_text(dir / "dockerd.log").substr(0, 2000);
  }
}

LocalDockerd::~LocalDockerd() {
  std::error_code ec;
  // SIGTERM first: dockerd then stops its containers and unmounts its data root.
  if (m_impl->child.running(ec)) {
    ::kill(m_impl->child.id(), SIGTERM);
    eventually(
        [this] {
          std::error_code e;
          return !m_impl->child.running(e);
        },
        std::chrono::seconds(15));
  }
  m_impl->group.terminate(ec);
  m_impl->child.wait(ec);
  ::unsetenv("DOCKER_HOST");
}

namespace {

/// The files a rootfs needs for the host's busybox to run: itself, plus what ldd lists when
/// it is dynamically linked (Debian's `busybox` package; `busybox-static` needs nothing).
std::vector<fs::path> busybox_files() {
  const fs::path busybox = bp::search_path("busybox").string();
  if (busybox.empty()) throw std::runtime_error("busybox is not installed");
  std::vector<fs::path> files = {fs::canonical(busybox)};
  const CommandResult ldd = run_command({"ldd", busybox.string()});
  if (ldd.exit_code != 0) return files;  // "not a dynamic executable"
  const std::regex path(R"((/\S+) \(0x)");
  for (std::sregex_iterator it(ldd.out.begin(), ldd.out.end(), path), end; it != end; ++it) {
    files.emplace_back((*it)[1].str());
  }
  return files;
}

void copy_into(const fs::path& rootfs, const fs::path& file) {
  const fs::path target = rootfs / file.relative_path();
  fs::create_directories(target.parent_path());
  fs::copy_file(fs::canonical(file), target, fs::copy_options::overwrite_existing);
}

}  // namespace

std::string build_busybox_image(const fs::path& work_dir,
                                const std::string& registry,
                                const std::string& repository,
                                const std::string& tag,
                                const std::map<std::string, std::string>& files) {
  const fs::path rootfs = work_dir / ("rootfs-" + tag);
  fs::remove_all(rootfs);
  const std::vector<fs::path> needed = busybox_files();
  fs::create_directories(rootfs / "bin");
  fs::copy_file(needed.front(), rootfs / "bin" / "busybox");
  for (size_t i = 1; i < needed.size(); ++i) copy_into(rootfs, needed[i]);
  for (const auto& [path, content] : files) write_text(rootfs / path, content);
  // Fixed mtimes, owners and order: the same files always give the same layer.
  const fs::path tar = work_dir / ("image-" + tag + ".tar");
  run_ok({"find", rootfs.string(), "-exec", "touch", "-h", "-d", "@0", "{}", "+"});
  run_ok({"tar",
          "--sort=name",
          "--mtime=@0",
          "--owner=0",
          "--group=0",
          "--numeric-owner",
          "-C",
          rootfs.string(),
          "-cf",
          tar.string(),
          "."});
  run_ok({"touch", "-d", "@0", tar.string()});
  const std::string local = "localhost/" + repository + ":" + tag;
  run_ok({"podman", "import", "--quiet", tar.string(), local});
  const fs::path digest_file = work_dir / ("digest-" + tag);
  run_ok({"podman",
          "push",
          "--quiet",
          "--digestfile",
          digest_file.string(),
          local,
          registry + "/" + repository + ":" + tag});
  const std::string digest = read_text(digest_file);
  if (digest.rfind("sha256:", 0) != 0) throw std::runtime_error("push gave no digest for " + local);
  return registry + "/" + repository + "@" + digest.substr(0, 71);
}

}  // namespace tether::test
