#include "model/release_id.hpp"

#include "core/sha256.hpp"

namespace tether {

std::string ReleaseId::dir_name() const {
  const std::string id = Sha256::of(binary_sha256 + '\0' + config_hash);
  return version + "-" + commit.substr(0, 12) + "-" + id.substr(0, 8);
}

std::string ReleaseId::short_text() const { return version + " (" + commit.substr(0, 12) + ")"; }

}  // namespace tether
