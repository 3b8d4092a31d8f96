#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace tether {

/// `json` as text that can never throw: bytes that are not valid UTF-8 in a string (a
/// manifest's env value, a host label, a file name from the state repo) become U+FFFD instead
/// of nlohmann's type_error 316, which aborted the agent. `indent` as nlohmann's dump(): -1 for
/// one line. Every JSON document the agent writes or prints goes through this.
[[nodiscard]] std::string json_text(const nlohmann::json& json, int indent = -1);

}  // namespace tether
