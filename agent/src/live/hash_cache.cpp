#include "live/hash_cache.hpp"

#include "core/files.hpp"
#include "core/retain_used.hpp"
#include "core/sha256.hpp"

#include <algorithm>
#include <sstream>

namespace tether {
namespace {

// One entry per line: "<dev> <inode> <size> <mtime ns> <ctime ns> <sha256> <path>"; the path
// is the rest of the line. Versioned so that a future format is not misread as this one.
constexpr const char* k_store_header = "tether-hash-cache v1";

}  // namespace

HashCache::HashCache(std::filesystem::path store) : m_store(std::move(store)) { load(); }

void HashCache::load() {
  auto text = read_file(*m_store);
  if (!text) return;  // first run, or unreadable: start empty
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line) || line != k_store_header) return;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    FileStamp id;
    long long device = 0;
    long long inode = 0;
    long long size = 0;
    std::string digest;
    if (!(fields >> device >> inode >> size >> id.mtime_ns >> id.ctime_ns >> digest) ||
        !is_sha256_hex(digest) || fields.get() != ' ') {
      continue;  // a torn or foreign line costs one re-hash, nothing more
    }
    std::string path;
    std::getline(fields, path);
    if (path.empty()) continue;
    id.device = static_cast<dev_t>(device);
    id.inode = static_cast<ino_t>(inode);
    id.size = static_cast<off_t>(size);
    m_entries[path] = Entry{id, digest};
  }
}

Result<std::string> HashCache::sha256(const std::filesystem::path& path) {
  const std::optional<FileStamp> stamp = stamp_of(path);
  if (!stamp) return Error{"cannot stat " + path.string() + ": " + errno_text(), ""};
  const FileStamp& identity = *stamp;
  const std::string key = path.string();
  if (const auto it = m_entries.find(key);
      it != m_entries.end() && it->second.identity == identity) {
    it->second.used = true;
    return it->second.digest;
  }
  auto digest = Sha256::of_file(path);
  if (!digest) return digest;
  ++m_files_hashed;
  m_entries[key] = Entry{identity, *digest, true};
  m_changed = true;
  return digest;
}

bool HashCache::vouch(const VouchedDigest& vouched) {
  // The stamp of the path now, not the one handed over: a file replaced since it was read
  // (another inode, size or ctime) keeps no digest it was not read for.
  const std::optional<FileStamp> now = stamp_of(vouched.path);
  if (!now || !(*now == vouched.identity) || !is_sha256_hex(vouched.sha256)) return false;
  Entry& entry = m_entries[vouched.path.string()];
  if (entry.identity == *now && entry.digest == vouched.sha256) return true;
  entry = Entry{*now, vouched.sha256, false};
  m_changed = true;
  return true;
}

Status HashCache::retain_used_and_save() {
  // A pass that looked nothing up (no desired state yet) says nothing about what is installed.
  const bool probed = std::any_of(
      m_entries.begin(), m_entries.end(), [](const auto& entry) { return entry.second.used; });
  if (probed && tether::retain_used(m_entries) > 0) m_changed = true;
  return save();
}

Status HashCache::save() {
  if (!m_store || !m_changed) return ok_status();
  std::string text = std::string(k_store_header) + "\n";
  for (const auto& [path, entry] : m_entries) {
    if (path.find('\n') != std::string::npos) continue;  // cannot be one line: not persisted
    const FileStamp& id = entry.identity;
    text += std::to_string(id.device) + " " + std::to_string(id.inode) + " " +
            std::to_string(id.size) + " " + std::to_string(id.mtime_ns) + " " +
            std::to_string(id.ctime_ns) + " " + entry.digest + " " + path + "\n";
  }
  if (Status made = make_dirs(m_store->parent_path()); !made) return made;
  // No fsync: a cache lost in a power cut costs one re-hash (load() skips what it cannot use).
  if (Status written = replace_file(*m_store, text); !written) return written;
  m_changed = false;
  return ok_status();
}

}  // namespace tether
