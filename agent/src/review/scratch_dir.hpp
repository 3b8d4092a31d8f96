#pragma once

#include <filesystem>
#include <string>

namespace tether::review {

/// A fresh directory under the system temp dir, removed with its contents at scope exit.
/// `path()` is empty when it could not be created.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace tether::review
