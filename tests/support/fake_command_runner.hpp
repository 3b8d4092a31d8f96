#pragma once

#include "process/command_runner.hpp"

#include <deque>
#include <string>
#include <vector>

namespace tether::test {

/// Records every command and answers from a script, one reply per call (ninja's
/// FakeCommandRunner): for code that calls programs that cannot run here, like systemctl.
class FakeCommandRunner final : public CommandRunner {
 public:
  void reply(Result<CommandOutput> output) { m_replies.push_back(std::move(output)); }
  void exits(int code, const std::string& err = "") { reply(CommandOutput{code, "", err, false}); }
  Result<CommandOutput> run(const Command& command) override {
    m_commands.push_back(command);
    if (m_replies.empty()) return Error{"FakeCommandRunner: no reply scripted", ""};
    Result<CommandOutput> next = std::move(m_replies.front());
    m_replies.pop_front();
    return next;
  }
  std::vector<Command> m_commands;

 private:
  std::deque<Result<CommandOutput>> m_replies;
};

}  // namespace tether::test
