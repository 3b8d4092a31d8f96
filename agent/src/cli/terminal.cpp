#include "cli/terminal.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace tether {

Colour colour_for(std::FILE* stream) {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  const bool wanted = (no_colour == nullptr || *no_colour == '\0') &&
                      (term == nullptr || std::strcmp(term, "dumb") != 0);
  return wanted && ::isatty(::fileno(stream)) == 1 ? Colour::on : Colour::off;
}

}  // namespace tether
