#include "cli/error_output.hpp"

#include <cstdio>

namespace tether {

std::string error_text(const std::string& command, const Error& error) {
  std::string out = "tether " + command + ": " + error.message + "\n";
  if (!error.hint.empty()) out += "hint: " + error.hint + "\n";
  return out;
}

void print_error(const std::string& command, const Error& error) {
  std::fputs(error_text(command, error).c_str(), stderr);
}

}  // namespace tether
