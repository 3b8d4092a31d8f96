#pragma once

// clang-format off
#include <memory>  // before Boost.Process: Boost 1.74's posix/handles.hpp uses it without it
// clang-format on

#include <boost/process/extend.hpp>

#include <map>
#include <string>

namespace tether {
class EnvBlock;
}

namespace tether::test {

/// The environment for a child process: this process's own, with `overrides` set by name.
/// Tests pass it to bp::child as `env.on_setup()` instead of a bp::environment: Boost 1.74's
/// bp::environment::find() memcmp()s the whole "NAME=" against every entry, also past the end
/// of shorter ones (AddressSanitizer: heap-buffer-overflow). Built by the agent's own EnvBlock,
/// which avoids that for the same reason. Must outlive the bp::child construction.
class ChildEnv {
 public:
  explicit ChildEnv(const std::map<std::string, std::string>& overrides);
  ~ChildEnv();
  ChildEnv(const ChildEnv&) = delete;
  ChildEnv& operator=(const ChildEnv&) = delete;

  [[nodiscard]] char** envp();

  /// The bp::child property that hands the block to execve.
  [[nodiscard]] auto on_setup() {
    return boost::process::extend::on_setup = [this](auto& exec) { exec.env = envp(); };
  }

 private:
  std::unique_ptr<EnvBlock> m_block;
};

}  // namespace tether::test
