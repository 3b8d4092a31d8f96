#pragma once

#include "process/command_runner.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tether::test {

/// systemctl as a CommandRunner that records argv and answers by rule: every command succeeds
/// and every unit is active, except the verbs told to fail. For Applier and Reconciler tests of
/// `run.systemd` services, which PID 1 here cannot run.
class FakeSystemctl final : public CommandRunner {
 public:
  /// `systemctl <verb> ...` exits `code` from now on (is-active: 3 means inactive).
  void fail(const std::string& verb, int code = 1) {
    const std::lock_guard lock(m_mutex);
    m_failing[verb] = code;
  }
  void heal(const std::string& verb) {
    const std::lock_guard lock(m_mutex);
    m_failing.erase(verb);
  }

  /// Safe to call from several threads (the services of one wave).
  Result<CommandOutput> run(const Command& command) override {
    const std::lock_guard lock(m_mutex);
    m_commands.push_back(command.argv);
    const std::string verb = command.argv.size() > 1 ? command.argv[1] : "";
    const auto failing = m_failing.find(verb);
    if (failing == m_failing.end()) return CommandOutput{0, "", "", false};
    return CommandOutput{failing->second, "", "systemctl " + verb + " failed", false};
  }

  /// The argv of every command with this verb, in order.
  [[nodiscard]] std::vector<std::vector<std::string>> calls(const std::string& verb) const {
    std::vector<std::vector<std::string>> found;
    for (const auto& argv : m_commands) {
      if (argv.size() > 1 && argv[1] == verb) found.push_back(argv);
    }
    return found;
  }

  std::vector<std::vector<std::string>> m_commands;

 private:
  std::mutex m_mutex;
  std::map<std::string, int> m_failing;
};

}  // namespace tether::test
