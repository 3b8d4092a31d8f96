#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace tether {

std::string json_text(const nlohmann::json& json, int indent) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tether
