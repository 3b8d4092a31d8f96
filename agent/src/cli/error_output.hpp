#pragma once

#include "core/result.hpp"

#include <string>

namespace tether {

/// Prints `error` for an operator on stderr: "tether <command>: <message>", then, when the
/// error has one, a last line "hint: <what to do>" (the line people act on at 3 a.m.).
void print_error(const std::string& command, const Error& error);

/// The text print_error writes.
[[nodiscard]] std::string error_text(const std::string& command, const Error& error);

}  // namespace tether
