#include "process/env_block.hpp"

#include <unistd.h>

namespace tether {

EnvBlock::EnvBlock(const StringMap& extra) {
  for (char** entry = ::environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    if (extra.count(name) == 0) m_entries.push_back(text);
  }
  for (const auto& [name, value] : extra) m_entries.push_back(name + "=" + value);
  for (std::string& entry : m_entries) m_pointers.push_back(entry.data());
  m_pointers.push_back(nullptr);
}

}  // namespace tether
