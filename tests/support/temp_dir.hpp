#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tether::test {

/// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return m_path / name;
  }

 private:
  std::filesystem::path m_path;
};

/// Writes `content` to `path`, creating parent dirs.
void write_text(const std::filesystem::path& path, const std::string& content);
/// The names of the entries of `dir`, sorted.
[[nodiscard]] std::vector<std::string> names_in(const std::filesystem::path& dir);
/// Reads a whole file ("" if missing).
[[nodiscard]] std::string read_text(const std::filesystem::path& path);

}  // namespace tether::test
