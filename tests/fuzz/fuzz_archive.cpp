// Archive extraction: any bytes unpacked into a fresh dir must either be refused or land
// entirely inside it. The dir's parent holds nothing else, so anything written beside it
// (an escape) is caught, and so is a symlink inside pointing out.
#include "apply/archive_unpacker.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path& scratch() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "tether-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    return fs::path(pattern);
  }();
  return dir;
}

/// Aborts (a finding) when `root` holds a symlink whose target is absolute or climbs out.
void check_links(const fs::path& dest) {
  const fs::path root = fs::canonical(dest);
  for (const auto& entry : fs::recursive_directory_iterator(dest)) {
    if (!entry.is_symlink()) continue;
    std::error_code ec;
    const fs::path resolved = fs::weakly_canonical(entry.path(), ec);
    if (ec) continue;
    const auto rel = resolved.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") {
      std::fprintf(stderr, "symlink %s escapes to %s\n", entry.path().c_str(), resolved.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path archive = scratch() / "input";
  const fs::path box = scratch() / "box";
  const fs::path dest = box / "release";
  std::error_code ec;
  fs::remove_all(box, ec);
  fs::create_directories(dest);
  std::ofstream(archive, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  const tether::Status unpacked = tether::unpack_archive(archive, dest);
  for (const auto& entry : fs::directory_iterator(box)) {
    if (entry.path() != dest) {
      std::fprintf(stderr, "unpack wrote outside the release dir: %s\n", entry.path().c_str());
      std::abort();
    }
  }
  if (unpacked) check_links(dest);
  fs::remove_all(box, ec);
  return 0;
}
