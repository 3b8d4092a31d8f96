#include "apply/log_rotation.hpp"

#include <string>

namespace tether {

bool rotate_log_if_large(const std::filesystem::path& log, std::uintmax_t max_bytes, int keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(log, ec);
  if (ec || size <= max_bytes || keep < 1) return false;
  auto generation = [&log](int n) { return fs::path(log.string() + "." + std::to_string(n)); };
  fs::remove(generation(keep), ec);
  for (int n = keep - 1; n >= 1; --n) fs::rename(generation(n), generation(n + 1), ec);
  fs::copy_file(log, generation(1), fs::copy_options::overwrite_existing, ec);
  if (ec) return false;
  fs::resize_file(log, 0, ec);
  return !ec;
}

}  // namespace tether
