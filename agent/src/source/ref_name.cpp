#include "source/ref_name.hpp"

#include <algorithm>

namespace tether {
namespace {

constexpr size_t k_max_ref_length = 200;
constexpr const char* k_expected =
    "a branch, tag or ref name (letters, digits and ._-/+, no \"..\", not starting with '-')";

bool allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '/' || c == '+';
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string check_ref_name(const std::string& ref) {
  if (ref.empty() || ref.size() > k_max_ref_length) return k_expected;
  if (!std::all_of(ref.begin(), ref.end(), allowed_char)) return k_expected;
  if (ref.front() == '-' || ref.find("..") != std::string::npos) return k_expected;
  if (ref.front() == '/' || ref.back() == '/' || ref.find("//") != std::string::npos)
    return k_expected;
  if (ref.front() == '.' || ref.find("/.") != std::string::npos || ends_with(ref, ".lock"))
    return k_expected;
  if (ref == "HEAD" || ref == "refs" || ref == "refs/") return k_expected;
  return "";
}

std::vector<std::string> ref_candidates(const std::string& ref) {
  if (ref.rfind("refs/", 0) == 0) return {ref};
  return {"refs/heads/" + ref, "refs/tags/" + ref, "refs/" + ref};
}

}  // namespace tether
