#include "hostile_fixture.hpp"

#include "child_env.hpp"
#include "process_guard.hpp"

#include <httplib.h>

#include <iostream>
#include <signal.h>

namespace tether::test {
namespace fs = std::filesystem;
namespace bp = boost::process;

std::string sha256_of(const fs::path& file) {
  return run_ok({"sha256sum", file.string()}).substr(0, 64);
}

/// The notify.url endpoint: an httplib server counting the events POSTed to it.
struct HostileTest::NotifyHook {
  httplib::Server server;
  std::atomic<int> events{0};
  int port = 0;
  std::thread thread;

  NotifyHook() {
    server.Post("/notify", [this](const httplib::Request&, httplib::Response&) { ++events; });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~NotifyHook() {
    server.stop();
    thread.join();
  }
};

int HostileTest::notifications() const { return m_hook->events; }

HostileTest::HostileTest() : m_hook(std::make_unique<NotifyHook>()), m_api_port(free_port()) {
  // The releases dir on a 32 MiB tmpfs: small enough to fill, and remountable read-only.
  fs::create_directories(releases());
  run_ok({"mount", "-t", "tmpfs", "-o", "size=32m", "tether-hostile", releases().string()});
  m_mounted = true;
}

HostileTest::~HostileTest() {
  if (m_agent && m_agent->running()) {
    ::kill(m_agent->id(), SIGTERM);
    m_agent->wait();
  }
  if (HasFailure()) std::cerr << "agent log:\n" << read_text(m_tmp / "agent.log");
  if (m_mounted) {
    (void)run_command({"chattr", "-i", releases().string()});
    // Lazy: the service still runs from the tmpfs until AgentTest's teardown kills it.
    (void)run_command({"umount", "-l", releases().string()});
  }
}

void HostileTest::start_host() {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  m_v1_dir = current_release_dir();
  m_service_pid = service_pid();
  // An hour between polls: only our SIGHUPs (and webhooks) make it poll. Short limits so the
  // stalled and oversized downloads and slow API clients fail in seconds (TETHER_TEST_LIMITS
  // only works in test builds).
  ChildEnv env(std::map<std::string, std::string>{
      {"TETHER_TEST_LIMITS",
       "download-stall-s=2,artifact-max-bytes=8388608,api-request-deadline-ms=1500"}});
  // notify.url keeps the notifier's thread alive all along: every SIGHUP below would have
  // killed the agent if that thread could take it (issue #18, 8).
  write_text(m_tmp / "webhook.secret", m_webhook_secret + "\n");
  write_text(m_tmp / "agent.yaml",
             "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                 "\"}\napi: {webhookSecretFile: \"" + (m_tmp / "webhook.secret").string() +
                 "\"}\nnotify: {url: \"http://127.0.0.1:" + std::to_string(m_hook->port) +
                 "/notify\"}\n");
  const std::vector<std::string> args = {"run",
                                         "--config",
                                         (m_tmp / "agent.yaml").string(),
                                         "--interval",
                                         "1h",
                                         "--repo",
                                         repo_url(),
                                         "--root",
                                         m_root.string(),
                                         "--host-id",
                                         "e2e-host",
                                         "--api-listen",
                                         "127.0.0.1:" + std::to_string(m_api_port)};
  m_agent.emplace(TETHER_BIN,
                  bp::args = args,
                  env.on_setup(),
                  bp::std_out > bp::null,
                  bp::std_err > (m_tmp / "agent.log").string());
  ASSERT_TRUE(eventually([this] { return port_accepts(m_api_port); }, std::chrono::seconds(15)));
  const nlohmann::json first = poll_now();
  ASSERT_EQ(first["lastPass"]["outcome"], "converged") << first.dump(2);
}

nlohmann::json HostileTest::api_status() const {
  const std::string body = http_get(m_api_port, "/status");
  return body.empty() ? nlohmann::json() : nlohmann::json::parse(body);
}

nlohmann::json HostileTest::poll_now(bool webhook) {
  const auto time_of = [](const nlohmann::json& status) {
    return status.is_object() && status["lastPass"].is_object() ? status["lastPass"]["time"].dump()
                                                                : std::string("none");
  };
  const std::string before = time_of(api_status());
  if (webhook) {
    const auto [code, body] = post_sync("{\"ref\": \"refs/heads/main\"}", true);
    EXPECT_EQ(code, 202) << body;
  } else {
    ::kill(m_agent->id(), SIGHUP);
  }
  nlohmann::json status;
  const bool passed = eventually(
      [&] {
        status = api_status();
        return time_of(status) != before;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(passed) << "no pass finished within 30 s of " << (webhook ? "the webhook" : "SIGHUP");
  return status;
}

std::pair<int, std::string> HostileTest::post_sync(const std::string& body, bool sign) const {
  httplib::Client client("127.0.0.1", m_api_port);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  httplib::Headers headers;
  if (sign) {
    const std::string digest = run_ok({"sh",
                                       "-c",
                                       "printf '%s' \"$1\" | openssl dgst -sha256 -hmac \"$2\"",
                                       "sign",
                                       body,
                                       m_webhook_secret});
    const std::string hex = digest.substr(digest.rfind(' ') + 1, 64);
    headers.emplace("X-Hub-Signature-256", "sha256=" + hex);
  }
  auto response = client.Post("/sync", headers, body, "application/json");
  if (!response) return {0, ""};
  return {response->status, response->body};
}

void HostileTest::declare_v2_tarball(const std::string& name,
                                     const std::vector<ArchiveEntry>& entries,
                                     const std::string& limits) {
  std::string sha;
  const std::string url = hostile_tarball(name, entries, sha);
  declare_v2_artifact(url, sha);
  if (limits.empty()) return;
  std::string text = read_text(m_repo->work() / "services/hello.yaml");
  const std::string binary = "    binary:";
  text.replace(text.find(binary), binary.size(), "    limits: " + limits + "\n" + binary);
  m_repo->write("services/hello.yaml", text);
}

void HostileTest::reset_work_tree() const {
  for (const char* dir : {"services", "hosts", "config"}) {
    std::error_code ec;
    fs::remove_all(m_repo->work() / dir, ec);
  }
  m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\nmessage=hello\n");
  m_repo->write("services/hello.yaml", hello_manifest(m_releases.at("1.0.0")));
}

void HostileTest::declare_v2_artifact(const std::string& url, const std::string& sha256) {
  const HelloRelease& v2 = release("2.0.0");
  std::string manifest = hello_manifest(v2, sha256);
  if (!url.empty()) {
    const std::string real = "file://" + v2.artifact.string();
    manifest.replace(manifest.find(real), real.size(), url);
  }
  m_repo->write("services/hello.yaml", manifest);
}

std::string HostileTest::hostile_tarball(const std::string& name,
                                         const std::vector<ArchiveEntry>& entries,
                                         std::string& sha256) const {
  const fs::path path = m_tmp / "hostile" / (name + ".tar.gz");
  fs::create_directories(path.parent_path());
  write_tar_gz(path, entries);
  sha256 = sha256_of(path);
  return "file://" + path.string();
}

void HostileTest::check(const HostileCase& c) {
  SCOPED_TRACE("hostile case: " + c.name);
  reset_work_tree();
  c.arrange();
  if (!run_ok({"git", "-C", m_repo->work().string(), "status", "--porcelain"}).empty())
    m_repo->commit(c.name);
  const nlohmann::json status = poll_now();

  // 1. A clear error, naming the file, field or URL, in GET /status ...
  std::string error = status["lastPass"].value("problem", "");
  for (const auto& service : status["services"]) error += "\n" + service.value("lastError", "");
  // 2. ... and in `tether status`, read from disk by another process.
  const CommandResult cli = tether({"status"});
  for (const std::string& text : c.expect) {
    EXPECT_NE(error.find(text), std::string::npos) << "API error lacks \"" << text << "\":\n"
                                                   << status.dump(2);
    EXPECT_NE(cli.out.find(text), std::string::npos)
        << "`tether status` lacks \"" << text << "\":\n"
        << cli.out;
  }
  EXPECT_NE(status["lastPass"]["outcome"], "converged") << status.dump(2);
  // 3. The host is still on its last good release, serving, and the service was not touched.
  EXPECT_EQ(current_release_dir(), m_v1_dir);
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  EXPECT_EQ(service_pid(), m_service_pid);
  // 4. The agent is still running.
  EXPECT_TRUE(process_running(m_agent->id())) << "the agent died";
  c.restore();
}

}  // namespace tether::test
