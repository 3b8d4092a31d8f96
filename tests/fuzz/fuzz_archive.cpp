// Archive extraction: any bytes unpacked into a fresh dir must either be refused or land
// entirely inside it, defused. The dir's parent holds nothing else (and a decoy "previous
// release" beside it), so anything written beside the dir or into the decoy (an escape) is
// caught, and so is a symlink inside pointing out, a setuid, setgid or sticky bit, or a write
// bit for group or others, refused archive or not.
#include "apply/archive_unpacker.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
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

[[noreturn]] void finding(const char* what, const fs::path& path) {
  std::fprintf(stderr, "%s: %s\n", what, path.c_str());
  std::abort();
}

/// Aborts (a finding) on a symlink whose target is absolute or climbs out, and on any mode bit
/// the unpacker must strip.
void check_tree(const fs::path& dest) {
  const fs::path root = fs::canonical(dest);
  for (const auto& entry : fs::recursive_directory_iterator(dest)) {
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      const fs::path resolved = fs::weakly_canonical(entry.path(), ec);
      if (ec) continue;
      const auto rel = resolved.lexically_relative(root);
      if (rel.empty() || *rel.begin() == "..") finding("symlink escapes", entry.path());
      continue;
    }
    if ((st.st_mode & 07022) != 0)
      finding("setuid/setgid/sticky or g/o write bit kept", entry.path());
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
      finding("not a file, dir or link", entry.path());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path archive = scratch() / "input";
  const fs::path box = scratch() / "box";
  const fs::path decoy = box / "1.0.0-aaaaaaaaaaaa-bbbbbbbb";
  std::error_code ec;
  fs::remove_all(box, ec);
  fs::create_directories(decoy);
  std::ofstream(decoy / "release.json") << "v1";
  std::ofstream(archive, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  auto dest = tether::ConfinedDir::create_fresh(box, ".tmp-2.0.0");
  if (!dest) std::abort();
  tether::UnpackLimits limits;
  // Small caps keep each run cheap (a gzip bomb or 30,000 empty entries in 64 KiB would
  // otherwise cost seconds of disk writes); the caps themselves are what is under test too.
  limits.max_bytes = 2 * 1024 * 1024;
  limits.max_files = 1000;
  const tether::Status unpacked = tether::unpack_archive(archive, *dest, limits);
  for (const auto& entry : fs::directory_iterator(box)) {
    if (entry.path() != dest->path() && entry.path() != decoy) {
      finding("unpack wrote outside the release dir", entry.path());
    }
  }
  if (fs::is_symlink(dest->path()) || !fs::is_directory(dest->path())) {
    finding("the release dir was replaced", dest->path());
  }
  if (std::distance(fs::directory_iterator(decoy), fs::directory_iterator()) != 1) {
    finding("unpack wrote into the previous release", decoy);
  }
  check_tree(dest->path());
  (void)unpacked;
  fs::remove_all(box, ec);
  return 0;
}
