#include "container/cli_engine.hpp"

#include "container/inspect_json.hpp"
#include "model/image_ref.hpp"

#include <algorithm>
#include <cctype>

namespace tether {
namespace {

constexpr Millis k_pull_timeout{std::chrono::minutes(10)};
constexpr Millis k_command_timeout{std::chrono::seconds(60)};
/// What stop may take beyond the container's own stop timeout (the engine's bookkeeping).
constexpr Millis k_stop_slack{std::chrono::seconds(30)};

bool says_no_such_container(const CommandOutput& output) {
  std::string text = output.err + output.out;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return text.find("no such container") != std::string::npos ||
         text.find("no such object") != std::string::npos;
}

}  // namespace

Result<CommandOutput> CliEngine::call(std::vector<std::string> args, Millis timeout) const {
  args.insert(args.begin(), program());
  return m_runner.run(Command{std::move(args), {}, {}, timeout});
}

Status CliEngine::expect_success(const std::vector<std::string>& args,
                                 Millis timeout,
                                 const std::string& what,
                                 const std::string& hint) const {
  auto output = call(args, timeout);
  if (!output) {
    return Error{what + ": " + output.error().message,
                 std::string("install ") + program() + " or set `runtime` to the one installed"};
  }
  if (output->exit_code == 0) return ok_status();
  Command shown{{program()}, {}, {}, timeout};
  return Error{what + ": " + describe_failure(shown, *output), hint};
}

std::string CliEngine::logs_command(const std::string& name) const {
  return std::string(program()) + " logs " + name;
}

Status CliEngine::pull(const std::string& image) const {
  if (parse_image_ref(image).digest.empty()) {
    return Error{"refusing to pull " + image + ": it is not pinned by digest",
                 "pin the image as NAME@sha256:<64 hex>"};
  }
  auto local = call(image_inspect_args(image), k_command_timeout);
  if (local && local->exit_code == 0) return ok_status();
  return expect_success(pull_args(image),
                        k_pull_timeout,
                        "pull of " + image + " failed",
                        "check that the registry is reachable and has this digest "
                        "(push the image, or fix spec.container.image)");
}

Status CliEngine::run(const ContainerLaunch& launch) const {
  return expect_success(
      run_args(launch),
      k_command_timeout,
      "cannot start container " + container_name_of(launch.service),
      "check spec.container (ports free, args valid) of service " + launch.service);
}

Result<std::optional<LiveContainer>> CliEngine::inspect(const std::string& name) const {
  auto output = call(inspect_args(name), k_command_timeout);
  if (!output) return Error{"cannot inspect container " + name + ": " + output.error().message, ""};
  if (output->exit_code != 0) {
    if (says_no_such_container(*output)) return std::optional<LiveContainer>();
    Command shown{{program()}, {}, {}, k_command_timeout};
    return Error{"cannot inspect container " + name + ": " + describe_failure(shown, *output),
                 std::string("check that ") + program() + " works on this host"};
  }
  auto live = parse_inspect(output->out);
  if (!live) return live.error().with_context(name);
  if (!live->image_id.empty()) {
    auto digests = call(repo_digests_args(live->image_id), k_command_timeout);
    if (digests && digests->exit_code == 0) {
      for (const std::string& digest : parse_repo_digests(digests->out)) {
        if (std::find(live->image_digests.begin(), live->image_digests.end(), digest) ==
            live->image_digests.end())
          live->image_digests.push_back(digest);
      }
    }
  }
  return std::optional<LiveContainer>(*live);
}

Status CliEngine::stop(const std::string& name, Millis timeout) const {
  return expect_success(
      stop_args(name, timeout), timeout + k_stop_slack, "cannot stop container " + name, "");
}

Status CliEngine::remove(const std::string& name) const {
  auto output = call(remove_args(m_runtime, name), k_command_timeout);
  if (!output) return Error{"cannot remove container " + name + ": " + output.error().message, ""};
  if (output->exit_code == 0 || says_no_such_container(*output)) return ok_status();
  Command shown{{program()}, {}, {}, k_command_timeout};
  return Error{"cannot remove container " + name + ": " + describe_failure(shown, *output), ""};
}

Status CliEngine::rename(const std::string& from, const std::string& to) const {
  return expect_success(
      rename_args(from, to), k_command_timeout, "cannot rename " + from + " to " + to, "");
}

Status CliEngine::start(const std::string& name) const {
  return expect_success(start_args(name), k_command_timeout, "cannot start " + name, "");
}

Status CliEngine::remove_image(const std::string& image) const {
  auto output = call(remove_image_args(image), k_command_timeout);
  if (!output) return Error{"cannot remove image " + image + ": " + output.error().message, ""};
  // docker: "No such image"; podman: "image not known". Already gone is what was asked.
  std::string text = output->err + output->out;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  const bool gone = text.find("no such image") != std::string::npos ||
                    text.find("image not known") != std::string::npos;
  if (output->exit_code == 0 || gone) return ok_status();
  Command shown{{program()}, {}, {}, k_command_timeout};
  return Error{"cannot remove image " + image + ": " + describe_failure(shown, *output), ""};
}

}  // namespace tether
