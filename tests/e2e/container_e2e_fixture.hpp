#pragma once
// The fixture of the container e2e tests: a registry on loopback, podman pointed at it (and a
// dockerd of the test's own when asked), busybox images built without network.
#include "agent_fixture.hpp"
#include "container_fixture.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <unistd.h>

namespace tether::test {

namespace fs = std::filesystem;
using Millis = std::chrono::milliseconds;

inline std::string digest_of(const std::string& reference) {
  return reference.substr(reference.find('@') + 1);
}

/// Milliseconds since midnight of a JSON log line's time ("2026-11-23T08:16:23.239Z").
inline std::optional<Millis> time_of(const nlohmann::json& event) {
  const std::string time = event.value("time", "");
  if (time.size() < 23) return std::nullopt;
  return std::chrono::hours(std::stoi(time.substr(11, 2))) +
         std::chrono::minutes(std::stoi(time.substr(14, 2))) +
         std::chrono::seconds(std::stoi(time.substr(17, 2))) +
         Millis(std::stoi(time.substr(20, 3)));
}

/// Time between the first JSON log lines with messages `from` and `to`; -1ms if missing.
inline Millis gap(const std::string& json_log, const std::string& from, const std::string& to) {
  std::optional<Millis> start;
  for (const std::string& line : lines_of(json_log)) {
    if (!nlohmann::json::accept(line)) continue;
    const auto event = nlohmann::json::parse(line);
    const std::optional<Millis> at = time_of(event);
    if (!at) continue;
    if (!start && event["msg"] == from) start = at;
    if (start && event["msg"] == to) {
      const Millis delta = *at - *start;
      return delta < Millis(0) ? delta + std::chrono::hours(24) : delta;
    }
  }
  return Millis(-1);
}

class ContainerTest : public AgentTest {
 protected:
  void SetUp() override {
    m_registry = std::make_unique<LocalRegistry>(m_tmp / "registry");
    const std::string problem = configure_podman(m_tmp / "podman", m_registry->address());
    // A skipped test would pass CI without testing anything: scripts/install-deps.sh installs
    // podman, so a machine where it cannot run is a failure to look at.
    if (!problem.empty()) GTEST_FAIL() << "podman cannot run containers here: " << problem;
  }

  void TearDown() override {
    // Containers outlive the agent by design: remove this test's, and its images.
    for (const char* engine : {"podman", "docker"}) {
      if (std::string(engine) == "docker" && !m_dockerd) continue;
      run_command({engine, "rm", "-f", container(), container() + "-prev"});
    }
    std::vector<std::string> rmi = {"podman", "rmi", "-f"};
    for (const auto& [tag, reference] : m_images) {
      rmi.insert(rmi.end(), {reference, "localhost/" + repository() + ":" + tag});
    }
    if (rmi.size() > 3) run_command(rmi);
  }

  [[nodiscard]] std::string container() const { return "tether-" + m_service; }
  [[nodiscard]] std::string cli() const { return m_runtime; }
  /// This test's own image repository: parallel tests never share a tag.
  [[nodiscard]] std::string repository() const { return "tether-e2e/" + m_service; }

  /// The pinned reference of an image serving "<tag>\n" on /index.html (built once per test;
  /// the test's pid makes its digests its own). `healthy = false` leaves index.html out.
  const std::string& image(const std::string& tag, bool healthy = true) {
    if (auto it = m_images.find(tag); it != m_images.end()) return it->second;
    std::map<std::string, std::string> files = {{"www/test", std::to_string(::getpid()) + "\n"}};
    if (healthy) files["www/index.html"] = tag + "\n";
    const std::string reference =
        build_busybox_image(m_tmp / "images", m_registry->address(), repository(), tag, files);
    return m_images.emplace(tag, reference).first->second;
  }

  [[nodiscard]] std::string manifest(const std::string& image_reference) const {
    const std::string port = std::to_string(m_port);
    return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + m_service +
           "\nspec:\n"
           "  container:\n"
           "    image: \"" +
           image_reference +
           "\"\n"
           "    args: [/bin/busybox, httpd, -f, -p, \"8080\", -h, /www]\n"
           "    ports: [\"127.0.0.1:" +
           port +
           ":8080\"]\n"
           "    stopTimeout: 2s\n"
           "  runtime: " +
           m_runtime +
           "\n"
           "  config:\n    - {source: config/web/site.txt, target: www/site.txt}\n"
           "  health:\n    http: {url: \"http://127.0.0.1:" +
           port +
           "/index.html\"}\n"
           "    timeout: 1s\n    interval: 200ms\n    successes: 1\n    deadline: 4s\n";
  }

  /// Commits the web service on `image_reference` (and its config file); returns the commit.
  std::string commit_web(const std::string& image_reference, const std::string& site = "c1") {
    m_repo->write("config/web/site.txt", site + "\n");
    m_repo->write("services/" + m_service + ".yaml", manifest(image_reference));
    return m_repo->commit("web " + image_reference);
  }

  [[nodiscard]] std::string says(const std::string& path = "/index.html") const {
    return http_get(m_port, path);
  }
  [[nodiscard]] bool eventually_says(const std::string& expected,
                                     const std::string& path = "/index.html") const {
    return eventually([&] { return says(path) == expected; }, std::chrono::seconds(15));
  }

  /// `inspect` of the service's container (null when there is none).
  [[nodiscard]] nlohmann::json inspect() const {
    const CommandResult result = run_command({cli(), "container", "inspect", container()});
    if (result.exit_code != 0) return nullptr;
    return nlohmann::json::parse(result.out).at(0);
  }
  [[nodiscard]] std::string container_id() const {
    const nlohmann::json live = inspect();
    return live.is_null() ? "" : live.at("Id").get<std::string>();
  }
  [[nodiscard]] bool exists(const std::string& name) const {
    return run_command({cli(), "container", "inspect", name}).exit_code == 0;
  }

  /// Deploys `tag` and waits until it answers.
  void deploy(const std::string& tag) {
    commit_web(image(tag));
    const CommandResult run = tether({"run", "--once"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_TRUE(eventually_says(tag + "\n")) << run.err;
  }

  std::string m_service = "web-" + std::to_string(::getpid());
  std::string m_runtime = "podman";
  std::unique_ptr<LocalRegistry> m_registry;
  std::unique_ptr<LocalDockerd> m_dockerd;
  std::map<std::string, std::string> m_images;  ///< tag -> pinned reference
};

}  // namespace tether::test
