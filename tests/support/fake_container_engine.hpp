#pragma once

#include "container/container_engine.hpp"
#include "model/container_labels.hpp"
#include "model/image_ref.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tether::test {

/// A ContainerEngine over containers held in memory, as podman keeps them: names are unique,
/// `run` labels the container as the real engine's run_args do, and every call is logged
/// ("run tether-web", "rename tether-web tether-web-prev") for tests of the order of calls.
class FakeContainerEngine final : public ContainerEngine {
 public:
  /// A container that is there before the test (put there by an earlier switch, or by hand).
  void add(LiveContainer container) {
    std::string name = container.name;
    m_containers[name] = std::move(container);
  }
  /// `image` cannot be removed (the engine says a container uses it).
  void refuse_image_removal(const std::string& image) { m_kept_images.insert(image); }
  [[nodiscard]] Status remove_image(const std::string& image) const override {
    m_calls.push_back("rmi " + image);
    if (m_kept_images.count(image) != 0) return Error{"image " + image + " is in use", ""};
    return ok_status();
  }
  /// A container of `image` cannot be run (the engine refuses it).
  void refuse_run(const std::string& image) { m_failing_runs.insert(image); }
  /// `image` cannot be pulled (the registry does not have it).
  void refuse_pull(const std::string& image) { m_refused.insert(image); }

  [[nodiscard]] ContainerRuntime runtime() const override { return ContainerRuntime::podman; }
  [[nodiscard]] std::string logs_command(const std::string& name) const override {
    return "fake logs " + name;
  }
  [[nodiscard]] Status pull(const std::string& image) const override {
    m_calls.push_back("pull " + image);
    if (m_refused.count(image) != 0) return Error{"pull of " + image + " failed", ""};
    return ok_status();
  }
  [[nodiscard]] Status run(const ContainerLaunch& launch) const override {
    const std::string name = launch_name(launch);
    m_calls.push_back("run " + name);
    if (m_failing_runs.count(launch.spec.image) != 0) return Error{"cannot run " + name, ""};
    if (m_containers.count(name) != 0) return Error{"name " + name + " is in use", ""};
    LiveContainer container;
    container.name = name;
    container.running = true;
    container.status = "running";
    container.id = std::to_string(++m_made);
    container.labels = {{k_label_service, launch.service},
                        {k_label_release, parse_image_ref(launch.spec.image).digest},
                        {k_label_config_hash, launch.config_hash},
                        {k_label_image, launch.spec.image},
                        {k_label_fingerprint, launch.fingerprint}};
    if (launch.host_port != 0) container.labels[k_label_port] = std::to_string(launch.host_port);
    m_containers[name] = container;
    return ok_status();
  }
  [[nodiscard]] Result<std::optional<LiveContainer>> inspect(
      const std::string& name) const override {
    const auto it = m_containers.find(name);
    if (it == m_containers.end()) return std::optional<LiveContainer>();
    return std::optional<LiveContainer>(it->second);
  }
  [[nodiscard]] Status stop(const std::string& name, Millis) const override {
    m_calls.push_back("stop " + name);
    const auto it = m_containers.find(name);
    if (it == m_containers.end()) return Error{"no such container " + name, ""};
    it->second.running = false;
    it->second.status = "exited";
    return ok_status();
  }
  [[nodiscard]] Status remove(const std::string& name) const override {
    if (m_containers.erase(name) != 0) m_calls.push_back("remove " + name);
    return ok_status();
  }
  [[nodiscard]] Status rename(const std::string& from, const std::string& to) const override {
    m_calls.push_back("rename " + from + " " + to);
    const auto it = m_containers.find(from);
    if (it == m_containers.end() || m_containers.count(to) != 0)
      return Error{"cannot rename " + from + " to " + to, ""};
    LiveContainer container = it->second;
    m_containers.erase(it);
    container.name = to;
    m_containers[to] = container;
    return ok_status();
  }
  [[nodiscard]] Status start(const std::string& name) const override {
    m_calls.push_back("start " + name);
    const auto it = m_containers.find(name);
    if (it == m_containers.end()) return Error{"no such container " + name, ""};
    it->second.running = true;
    it->second.status = "running";
    return ok_status();
  }

  /// The containers now, by name.
  [[nodiscard]] const std::map<std::string, LiveContainer>& containers() const {
    return m_containers;
  }
  /// The calls that change something, in order (removals of nothing left out).
  [[nodiscard]] const std::vector<std::string>& calls() const { return m_calls; }

 private:
  // The interface's operations are const (the engine is a handle on state outside tether).
  mutable std::map<std::string, LiveContainer> m_containers;
  mutable std::vector<std::string> m_calls;
  mutable int m_made = 0;
  std::set<std::string> m_refused;
  std::set<std::string> m_failing_runs;
  std::set<std::string> m_kept_images;
};

}  // namespace tether::test
