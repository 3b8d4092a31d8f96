#include "live/hash_cache.hpp"

#include "core/files.hpp"
#include "core/sha256.hpp"

#include <sys/stat.h>

namespace tether {

Result<std::string> HashCache::sha256(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error{"cannot stat " + path.string() + ": " + errno_text(), ""};
  const Identity identity{st.st_dev,
                          st.st_ino,
                          st.st_size,
                          st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                          st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
  const std::string key = path.string();
  if (const auto it = m_entries.find(key);
      it != m_entries.end() && it->second.identity == identity) {
    return it->second.digest;
  }
  auto digest = Sha256::of_file(path);
  if (!digest) return digest;
  ++m_files_hashed;
  m_entries[key] = Entry{identity, *digest};
  return digest;
}

}  // namespace tether
