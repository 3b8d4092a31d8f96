#pragma once

#include "report/table.hpp"

#include <cstdio>

namespace tether {

/// Colour for output written to `stream`: on only when it is a terminal, NO_COLOR is unset or
/// empty (https://no-color.org) and TERM is not "dumb". Pipes and files never get escapes.
[[nodiscard]] Colour colour_for(std::FILE* stream);

}  // namespace tether
