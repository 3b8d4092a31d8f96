#include "child_env.hpp"

#include "process/env_block.hpp"

namespace tether::test {

ChildEnv::ChildEnv(const std::map<std::string, std::string>& overrides)
    : m_block(std::make_unique<EnvBlock>(overrides)) {}

ChildEnv::~ChildEnv() = default;

char** ChildEnv::envp() { return m_block->envp(); }

}  // namespace tether::test
