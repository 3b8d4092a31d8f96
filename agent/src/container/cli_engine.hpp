#pragma once

#include "container/container_engine.hpp"

namespace tether {

/// podman or docker, driven through its CLI by the CommandRunner (argv, no shell, timeouts; the
/// argv builders are container/container_commands.hpp). Errors carry the program's stderr.
class CliEngine final : public ContainerEngine {
 public:
  CliEngine(CommandRunner& runner, ContainerRuntime runtime)
      : m_runner(runner), m_runtime(runtime) {}

  [[nodiscard]] ContainerRuntime runtime() const override { return m_runtime; }
  [[nodiscard]] std::string logs_command(const std::string& name) const override;
  [[nodiscard]] Status pull(const std::string& image) const override;
  [[nodiscard]] Status run(const ContainerLaunch& launch) const override;
  [[nodiscard]] Result<std::optional<LiveContainer>> inspect(
      const std::string& name) const override;
  [[nodiscard]] Status stop(const std::string& name, Millis timeout) const override;
  [[nodiscard]] Status remove(const std::string& name) const override;
  [[nodiscard]] Status rename(const std::string& from, const std::string& to) const override;
  [[nodiscard]] Status start(const std::string& name) const override;
  [[nodiscard]] Status remove_image(const std::string& image) const override;

 private:
  [[nodiscard]] const char* program() const { return engine_program(m_runtime); }
  [[nodiscard]] Result<CommandOutput> call(std::vector<std::string> args, Millis timeout) const;
  [[nodiscard]] Status expect_success(const std::vector<std::string>& args,
                                      Millis timeout,
                                      const std::string& what,
                                      const std::string& hint) const;

  CommandRunner& m_runner;
  ContainerRuntime m_runtime;
};

}  // namespace tether
