#include "bench_state.hpp"

#include "core/sha256.hpp"

#include <string>

namespace tether::bench {

StateSnapshot make_state(size_t services) {
  StateSnapshot snapshot;
  snapshot.commit = std::string(40, 'a');
  for (size_t i = 0; i < services; ++i) {
    const std::string name = "svc" + std::to_string(i);
    const std::string port = std::to_string(20000 + i);
    snapshot.files["config/" + name + "/app.conf"] = "port=" + port + "\nname=" + name + "\n";
    snapshot.files["services/" + name + ".yaml"] =
        "apiVersion: tether.dev/v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: " +
        name +
        "\n"
        "spec:\n"
        "  release:\n"
        "    version: \"1." +
        std::to_string(i % 10) +
        ".0\"\n"
        "    commit: \"" +
        Sha256::of(name).substr(0, 40) +
        "\"\n"
        "    artifact:\n"
        "      url: \"https://artifacts.example.com/" +
        name +
        ".tar.gz\"\n"
        "      sha256: \"" +
        Sha256::of(name + "/artifact") +
        "\"\n"
        "    binary:\n"
        "      path: bin/app\n"
        "      sha256: \"" +
        Sha256::of(name + "/binary") +
        "\"\n"
        "  config:\n"
        "    - source: config/" +
        name +
        "/app.conf\n"
        "      target: etc/app.conf\n"
        "  run:\n"
        "    exec:\n"
        "      command: [\"bin/app\", \"--config\", \"etc/app.conf\"]\n"
        "  health:\n"
        "    http: {url: \"http://127.0.0.1:" +
        port +
        "/healthz\", status: 200}\n"
        "    deadline: 30s\n";
  }
  return snapshot;
}

Live make_live(const Desired& desired, bool behind) {
  Live live;
  for (const auto& [name, service] : desired.services) {
    ReleaseId id = service.release;
    if (behind) id.version = "0.9.0";
    InstalledRelease release{id.dir_name(), id, "2026-11-23T00:00:00Z", true, ""};
    LiveService& entry = live[name];
    entry.name = name;
    entry.current_dir = release.dir_name;
    entry.installed.push_back(release);
    entry.process = ProcessState::running;
    entry.process_release_dir = release.dir_name;
    // Converged means running the declared settings too, verified by a gate (the planner
    // reconfigures a process whose fingerprint is unknown or differs).
    entry.fingerprint = service.fingerprint;
    entry.serving = ServingRecord{id, service.fingerprint};
  }
  return live;
}

}  // namespace tether::bench
