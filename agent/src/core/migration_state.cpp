#include "core/migration_state.hpp"

#include "core/version_order.hpp"

#include <algorithm>
#include <cctype>

namespace tether {
namespace {

bool allowed(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '+' ||
         c == '-';
}

/// The leading run of digits without its leading zeros ("" when there is none).
std::string_view leading_number(std::string_view state) {
  const auto digits = std::find_if(state.begin(), state.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) == 0;
  });
  std::string_view number = state.substr(0, static_cast<size_t>(digits - state.begin()));
  while (number.size() > 1 && number.front() == '0') number.remove_prefix(1);
  return number;
}

}  // namespace

Result<std::string> migration_state_from_output(std::string_view output) {
  if (output.ends_with('\n')) output.remove_suffix(1);
  if (output.ends_with('\r')) output.remove_suffix(1);
  const std::string hint = "make the migrations command print one line like 0045 or 0045_add_users";
  if (output.empty()) return Error{"the migrations command printed nothing", hint};
  if (output.find('\n') != std::string_view::npos)
    return Error{"the migrations command printed more than one line", hint};
  if (output.size() > k_migration_state_max)
    return Error{"the migrations command printed more than 128 characters", hint};
  if (!std::all_of(output.begin(), output.end(), allowed))
    return Error{"the migrations command printed characters other than A-Z a-z 0-9 . _ + -", hint};
  return std::string(output);
}

int compare_migration_states(std::string_view a, std::string_view b) {
  const std::string_view number_a = leading_number(a);
  const std::string_view number_b = leading_number(b);
  if (!number_a.empty() && !number_b.empty()) {
    if (number_a.size() != number_b.size()) return number_a.size() < number_b.size() ? -1 : 1;
    const int order = number_a.compare(number_b);
    return order < 0 ? -1 : order > 0 ? 1 : 0;
  }
  return compare_versions(a, b);
}

std::string describe_migration_crossing(const std::string& older, const std::string& newer) {
  return "crosses migrations " + older + ".." + newer;
}

}  // namespace tether
