#include "manifest/diagnostics.hpp"

namespace tether {

std::string Diagnostic::describe() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (field != "<root>") out += field + ": ";
  out += message;
  return out;
}

std::string Diagnostics::describe() const {
  std::string out;
  for (const auto& item : m_items) {
    if (!out.empty()) out += '\n';
    out += item.describe();
  }
  return out;
}

}  // namespace tether
