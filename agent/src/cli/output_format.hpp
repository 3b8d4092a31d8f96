#pragma once

#include <string>

namespace tether {

/// `--output text|json` of status and history (`--json` is kept as an alias for scripts).
enum class OutputFormat { text, json };

[[nodiscard]] inline OutputFormat output_format(const std::string& output, bool json_alias) {
  return json_alias || output == "json" ? OutputFormat::json : OutputFormat::text;
}

}  // namespace tether
