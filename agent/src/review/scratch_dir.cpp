#include "review/scratch_dir.hpp"

#include <stdlib.h>

namespace tether::review {

ScratchDir::ScratchDir(const std::string& prefix) {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / (prefix + "-XXXXXX")).string();
  if (!ec && ::mkdtemp(pattern.data()) != nullptr) m_path = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!m_path.empty()) std::filesystem::remove_all(m_path, ec);
}

}  // namespace tether::review
