#pragma once

#include "model/service.hpp"

#include <string>
#include <vector>

namespace tether {

/// An environment for execve: the agent's own, with `extra` added or overriding by name.
/// Built here rather than with Boost.Process's environment, whose find() in Boost 1.74 reads
/// past the end of shorter entries (AddressSanitizer: heap-buffer-overflow).
class EnvBlock {
 public:
  explicit EnvBlock(const StringMap& extra);
  EnvBlock(const EnvBlock&) = delete;
  EnvBlock& operator=(const EnvBlock&) = delete;

  /// NULL-terminated "NAME=value" pointers, valid while this object lives.
  [[nodiscard]] char** envp() { return m_pointers.data(); }

 private:
  std::vector<std::string> m_entries;
  std::vector<char*> m_pointers;
};

}  // namespace tether
