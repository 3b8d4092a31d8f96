#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tether::test {

struct ArchiveEntry {
  enum class Type { file, dir, symlink, hardlink, fifo };
  std::string name;
  std::string content;  ///< file content, or link target for symlink/hardlink
  Type type = Type::file;
  unsigned mode = 0644;
};

/// Writes a gzip'd tar with exactly these entries, in order (libarchive), including hostile
/// ones (absolute names, "..", escaping links) that `tar` itself would refuse to create.
void write_tar_gz(const std::filesystem::path& out, const std::vector<ArchiveEntry>& entries);

/// Writes an uncompressed tar whose one entry `name` claims `declared_size` bytes but carries
/// only a few: a header that lies, as a decompression bomb's would.
void write_tar_claiming_size(const std::filesystem::path& out,
                             const std::string& name,
                             long long declared_size);

}  // namespace tether::test
