#include "container/container_commands.hpp"

#include "model/image_ref.hpp"

namespace tether {

std::string container_name_of(const std::string& service) { return "tether-" + service; }

std::string previous_container_name_of(const std::string& service) {
  return container_name_of(service) + "-prev";
}

std::string candidate_container_name_of(const std::string& service) {
  return container_name_of(service) + "-next";
}

std::string launch_name(const ContainerLaunch& launch) {
  return launch.name.empty() ? container_name_of(launch.service) : launch.name;
}

std::vector<std::string> published_ports(const ContainerLaunch& launch) {
  if (launch.host_port == 0 || launch.spec.ports.empty()) return launch.spec.ports;
  // Loopback only: the proxy in front is what clients reach.
  return {"127.0.0.1:" + std::to_string(launch.host_port) + ":" + launch.spec.ports.front()};
}

const char* engine_program(ContainerRuntime runtime) { return runtime_name(runtime); }

std::vector<std::string> run_args(const ContainerLaunch& launch) {
  const ContainerSpec& spec = launch.spec;
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(spec.stop_timeout).count();
  std::vector<std::string> args = {"run",
                                   "-d",
                                   "--init",
                                   "--name",
                                   launch_name(launch),
                                   "--stop-timeout",
                                   std::to_string(seconds)};
  const auto label = [&args](const std::string& key, const std::string& value) {
    args.insert(args.end(), {"--label", key + "=" + value});
  };
  label(k_label_service, launch.service);
  label(k_label_release, parse_image_ref(spec.image).digest);
  label(k_label_config_hash, launch.config_hash);
  label(k_label_state_commit, launch.state_commit);
  label(k_label_image, spec.image);
  label(k_label_fingerprint, launch.fingerprint);
  if (launch.host_port != 0) label(k_label_port, std::to_string(launch.host_port));
  if (!spec.name.empty()) args.insert(args.end(), {"--hostname", spec.name});
  if (!spec.user.empty()) args.insert(args.end(), {"--user", spec.user});
  for (const auto& [key, value] : spec.env) args.insert(args.end(), {"--env", key + "=" + value});
  for (const std::string& port : published_ports(launch))
    args.insert(args.end(), {"--publish", port});
  for (const std::string& volume : spec.volumes) args.insert(args.end(), {"--volume", volume});
  for (const ConfigMount& mount : launch.config) {
    // --mount rather than -v: a path with a colon cannot be misread as options.
    args.insert(args.end(),
                {"--mount",
                 "type=bind,source=" + mount.host_path.string() +
                     ",target=" + mount.container_path + ",readonly"});
  }
  args.push_back(spec.image);
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  return args;
}

std::vector<std::string> image_inspect_args(const std::string& image) {
  return {"image", "inspect", "--format", "{{.Id}}", image};
}

std::vector<std::string> repo_digests_args(const std::string& image_id) {
  return {"image", "inspect", "--format", "{{json .RepoDigests}}", image_id};
}

std::vector<std::string> pull_args(const std::string& image) { return {"pull", image}; }

std::vector<std::string> inspect_args(const std::string& name) {
  return {"container", "inspect", name};
}

std::vector<std::string> stop_args(const std::string& name, Millis timeout) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(timeout).count();
  return {"stop", "-t", std::to_string(seconds), name};
}

std::vector<std::string> remove_args(ContainerRuntime runtime, const std::string& name) {
  // docker's rm -f kills; podman's stops with the stop timeout unless told otherwise.
  if (runtime == ContainerRuntime::podman) return {"rm", "-f", "-t", "0", name};
  return {"rm", "-f", name};
}

std::vector<std::string> rename_args(const std::string& from, const std::string& to) {
  return {"rename", from, to};
}

std::vector<std::string> start_args(const std::string& name) { return {"start", name}; }

std::vector<std::string> remove_image_args(const std::string& image) {
  return {"image", "rm", image};
}

}  // namespace tether
