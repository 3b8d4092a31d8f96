#include "agent_fixture.hpp"

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sstream>
#include <sys/wait.h>

namespace tether::test {
namespace fs = std::filesystem;

namespace {

/// key=value lines -> map.
std::map<std::string, std::string> parse_pairs(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : lines_of(text)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace

std::vector<nlohmann::json> journal(const std::filesystem::path& root) {
  std::vector<nlohmann::json> entries;
  for (const std::string& line : lines_of(read_text(root / "state/journal.jsonl"))) {
    entries.push_back(nlohmann::json::parse(line));
  }
  return entries;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

AgentTest::AgentTest() : m_root(m_tmp / "root"), m_port(free_port()) {
  m_repo = std::make_unique<StateRepo>(m_tmp / "git");
  m_daemon = std::make_unique<GitDaemon>(m_tmp / "git");
}

AgentTest::~AgentTest() {
  if (m_daemon_pid > 0) {
    ::kill(m_daemon_pid, SIGKILL);
    ::waitpid(m_daemon_pid, nullptr, 0);
  }
  // Services run in their own process groups and outlive the agent: stop them here.
  std::error_code ec;
  for (const auto& service : fs::directory_iterator(m_root / "services", ec)) {
    const std::string text = read_text(service.path() / "run" / "exec.pid");
    if (text.empty()) continue;
    const auto pid = nlohmann::json::parse(text).at("pid").get<pid_t>();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
}

const HelloRelease& AgentTest::release(const std::string& version, Build build) {
  if (auto it = m_releases.find(version); it != m_releases.end()) return it->second;
  const fs::path script = fs::path(TETHER_SOURCE_DIR) / "scripts" / "make-release.sh";
  std::vector<std::string> argv = {
      script.string(), version, (m_tmp / "artifacts").string(), "--binary", HELLO_BIN};
  if (build == Build::broken_health) argv.push_back("--broken-health");
  if (build == Build::crash_at_start) argv.push_back("--crash-at-start");
  if (build == Build::failing_requests) argv.insert(argv.end(), {"--fail-rate", "0.1"});
  const auto out = parse_pairs(run_ok(argv));
  HelloRelease r{version,
                 std::string(40, 'a'),
                 out.at("artifact"),
                 out.at("artifact_sha256"),
                 out.at("binary_sha256")};
  // A distinct, stable, made-up source commit per version.
  for (size_t i = 0; i < version.size() && i < 40; ++i)
    r.commit[i] = "0123456789abcdef"[static_cast<unsigned char>(version[i]) % 16];
  return m_releases.emplace(version, r).first->second;
}

void AgentTest::write_hello_host(const std::string& host_id, int port, const std::string& labels) {
  const std::string port_text = std::to_string(port);
  m_repo->write("config/hello/" + host_id + ".conf", "port=" + port_text + "\nmessage=hello\n");
  m_repo->write("hosts/" + host_id + ".yaml",
                "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: " + host_id +
                    "}\nspec:\n" + (labels.empty() ? "" : "  labels: " + labels + "\n") +
                    "  overrides:\n    hello:\n"
                    "      config: [{source: config/hello/" +
                    host_id +
                    ".conf, target: etc/hello.conf}]\n"
                    "      health: {http: {url: \"http://127.0.0.1:" +
                    port_text +
                    "/healthz\"}, timeout: 1s, interval: 100ms, successes: 2, "
                    "deadline: 4s}\n");
}

std::string AgentTest::hello_manifest(const HelloRelease& r,
                                      const std::string& artifact_sha256) const {
  return "apiVersion: tether.dev/v1\n"
         "kind: Service\n"
         "metadata:\n  name: hello\n"
         "spec:\n"
         "  release:\n"
         "    version: \"" +
         r.version +
         "\"\n"
         "    commit: " +
         r.commit +
         "\n"
         "    artifact:\n"
         "      url: \"file://" +
         r.artifact.string() +
         "\"\n"
         "      sha256: " +
         (artifact_sha256.empty() ? r.artifact_sha256 : artifact_sha256) +
         "\n"
         "    binary:\n      path: bin/hello\n      sha256: " +
         r.binary_sha256 +
         "\n"
         "  config:\n    - {source: config/hello/hello.conf, target: etc/hello.conf}\n"
         "  run:\n    exec:\n      command: [bin/hello, --config, etc/hello.conf]\n      "
         "stopTimeout: 5s\n"
         "  keepReleases: 5\n" +
         health_section();
}

std::string AgentTest::health_section() const {
  std::string section = m_health;
  const size_t port = section.find("PORT");
  if (port != std::string::npos) section.replace(port, 4, std::to_string(m_port));
  return section;
}

std::string AgentTest::commit_hello(const std::string& version, Build build) {
  const HelloRelease& r = release(version, build);
  m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\nmessage=hello\n");
  m_repo->write("services/hello.yaml", hello_manifest(r));
  return m_repo->commit("hello " + version);
}

void AgentTest::deploy(const std::string& version) {
  commit_hello(version);
  const CommandResult run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(hello_eventually_says("hello " + version + "\n"));
}

pid_t AgentTest::start_daemon(const std::string& interval,
                              int api_port,
                              const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {TETHER_BIN,
                                   "run",
                                   "--interval",
                                   interval,
                                   "--repo",
                                   repo_url(),
                                   "--root",
                                   m_root.string(),
                                   "--host-id",
                                   "e2e-host"};
  if (api_port != 0)
    argv.insert(argv.end(), {"--api-listen", "127.0.0.1:" + std::to_string(api_port)});
  argv.insert(argv.end(), extra.begin(), extra.end());
  m_daemon_pid = spawn_background(argv, m_tmp / "agent.log");
  return m_daemon_pid;
}

int AgentTest::stop_daemon() {
  if (m_daemon_pid <= 0) return -1;
  ::kill(m_daemon_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_daemon_pid, &status, 0);
  m_daemon_pid = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult AgentTest::tether(std::vector<std::string> args) const {
  std::vector<std::string> argv = {TETHER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--root", m_root.string()});
  if (args.at(0) == "run") argv.insert(argv.end(), {"--repo", repo_url(), "--host-id", "e2e-host"});
  return run_command(argv, {}, std::chrono::seconds(120));
}

bool AgentTest::hello_eventually_says(const std::string& expected) const {
  return eventually([&] { return hello_says() == expected; }, std::chrono::seconds(15));
}

void AgentTest::write_named_hello(const std::string& name,
                                  const HelloRelease& r,
                                  int port,
                                  int probed_port,
                                  const std::string& interval,
                                  int successes,
                                  const std::string& depends_on) {
  m_repo->write("config/" + name + "/hello.conf",
                "port=" + std::to_string(port) + "\nmessage=" + name + "\n");
  std::string yaml = "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
                     "\nspec:\n  release:\n    version: \"" + r.version +
                     "\"\n    commit: " + r.commit + "\n    artifact:\n      url: \"file://" +
                     r.artifact.string() + "\"\n      sha256: " + r.artifact_sha256 +
                     "\n    binary:\n      path: bin/hello\n      sha256: " + r.binary_sha256 +
                     "\n  config:\n    - {source: config/" + name +
                     "/hello.conf, target: etc/hello.conf}\n"
                     "  run:\n    exec:\n      command: [bin/hello, --config, etc/hello.conf]\n"
                     "      stopTimeout: 5s\n"
                     "  health:\n    http: {url: \"http://127.0.0.1:" +
                     std::to_string(probed_port) +
                     "/healthz\"}\n    timeout: 1s\n    interval: " + interval +
                     "\n    successes: " + std::to_string(successes) + "\n    deadline: 3s\n";
  if (!depends_on.empty()) yaml += "  dependsOn: [" + depends_on + "]\n";
  m_repo->write("services/" + name + ".yaml", yaml);
}

void AgentTest::expect_valid_status(const std::string& document) const {
  write_text(m_tmp / "status.json", document);
  const CommandResult valid =
      run_command({"/usr/bin/python3",
                   std::string(TETHER_SOURCE_DIR) + "/tests/schema/validate_json.py",
                   std::string(TETHER_SOURCE_DIR) + "/manifests-schema/status.schema.json",
                   (m_tmp / "status.json").string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << document;
}

pid_t AgentTest::service_pid() const {
  // Between a stop and the next start there is no pid file: 0, as for nothing running.
  const std::string text = read_text(m_root / "services/hello/run/exec.pid");
  if (!nlohmann::json::accept(text)) return 0;
  return nlohmann::json::parse(text).value("pid", 0);
}

std::string AgentTest::current_release_dir() const {
  std::error_code ec;
  const fs::path target = fs::read_symlink(m_root / "services" / "hello" / "current", ec);
  return ec ? "" : target.filename().string();
}

std::string AgentTest::release_dir_of(const std::string& version) {
  for (const auto& entry : fs::directory_iterator(m_root / "services" / "hello" / "releases")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(version + "-", 0) == 0) return name;
  }
  return "";
}

}  // namespace tether::test
