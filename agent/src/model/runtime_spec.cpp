#include "model/runtime_spec.hpp"

#include "model/image_ref.hpp"

namespace tether {
namespace {

template <typename T>
void compare(const T& a, const T& b, const char* name, std::vector<std::string>& out) {
  if (!(a == b)) out.emplace_back(name);
}

void compare_run(const std::optional<RunSpec>& from,
                 const std::optional<RunSpec>& to,
                 std::vector<std::string>& out) {
  const auto* a = from ? std::get_if<ExecRun>(&*from) : nullptr;
  const auto* b = to ? std::get_if<ExecRun>(&*to) : nullptr;
  if (a == nullptr || b == nullptr) {
    compare(from, to, "run", out);
    return;
  }
  compare(a->command, b->command, "run.exec.command", out);
  compare(a->env, b->env, "run.exec.env", out);
  compare(a->stop_timeout, b->stop_timeout, "run.exec.stopTimeout", out);
}

void compare_container(const std::optional<ContainerSpec>& from,
                       const std::optional<ContainerSpec>& to,
                       std::vector<std::string>& out) {
  if (!from || !to) {
    compare(from, to, "container", out);
    return;
  }
  compare(from->name, to->name, "container.name", out);
  compare(from->args, to->args, "container.args", out);
  compare(from->env, to->env, "container.env", out);
  compare(from->ports, to->ports, "container.ports", out);
  compare(from->volumes, to->volumes, "container.volumes", out);
  compare(from->user, to->user, "container.user", out);
  compare(from->stop_timeout, to->stop_timeout, "container.stopTimeout", out);
}

}  // namespace

RuntimeSpec runtime_spec_of(const Service& service, const ReleaseId& release) {
  RuntimeSpec spec;
  spec.run = service.run;
  spec.health = service.health;
  spec.runtime = service.runtime;
  if (const ContainerSpec* container = service.container()) {
    spec.container = *container;
    // A floating tag (allowFloatingTag) has no digest: the reference is all there is.
    const std::string digest = parse_image_ref(container->image).digest;
    spec.container->image = digest.empty() ? container->image : digest;
    spec.release = spec.container->image + "/" + release.config_hash;
  } else {
    spec.release = release.dir_name();
  }
  return spec;
}

std::vector<std::string> spec_differences(const RuntimeSpec& from, const RuntimeSpec& to) {
  std::vector<std::string> out;
  compare(from.release, to.release, "release", out);
  compare_run(from.run, to.run, out);
  compare(from.health, to.health, "health", out);
  compare_container(from.container, to.container, out);
  compare(from.runtime, to.runtime, "runtime", out);
  return out;
}

}  // namespace tether
