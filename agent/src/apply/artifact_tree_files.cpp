#include "apply/archive_unpacker.hpp"
#include "apply/artifact_tree.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/sha256.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

constexpr int k_tree_dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

/// Reads `fd` to its end, hashing what it reads and, when `out` is a descriptor, writing it
/// there: the bytes written are the bytes hashed, whatever changes the source meanwhile.
Result<std::pair<std::string, long long>> hash_and_copy(int fd, int out, const std::string& what) {
  Sha256 sha;
  std::array<char, 64 * 1024> buffer{};
  long long size = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"cannot read " + what + ": " + errno_text(), ""};
    if (n == 0) return std::pair{sha.hex(), size};
    sha.update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    size += n;
    for (ssize_t done = 0; out >= 0 && done < n;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return Error{"cannot write " + what + ": " + errno_text(), ""};
      done += w;
    }
  }
}

Status list_below(int dir_fd, const std::string& prefix, ArtifactTree& tree);

Status list_entry(int dir_fd,
                  const std::string& name,
                  const std::string& path,
                  ArtifactTree& tree) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return Error{"cannot inspect " + path + ": " + errno_text(), ""};
  ArtifactEntry entry;
  entry.path = path;
  if (S_ISDIR(st.st_mode)) {
    entry.kind = ArtifactEntry::Kind::dir;
    tree.entries.push_back(entry);
    UniqueFd sub(::openat(dir_fd, name.c_str(), k_tree_dir_flags));
    if (!sub.valid()) return Error{"cannot open " + path + ": " + errno_text(), ""};
    return list_below(sub.get(), path + "/", tree);
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<size_t>(n) >= target.size())
      return Error{"cannot read the symlink " + path + ": " + errno_text(), ""};
    target.resize(static_cast<size_t>(n));
    entry.kind = ArtifactEntry::Kind::symlink;
    entry.target = std::move(target);
    tree.entries.push_back(entry);
    return ok_status();
  }
  if (!S_ISREG(st.st_mode)) return Error{path + " is not a file, dir or symlink", ""};
  UniqueFd file(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!file.valid()) return Error{"cannot open " + path + ": " + errno_text(), ""};
  auto digest = hash_and_copy(file.get(), -1, path);
  if (!digest) return digest.error();
  entry.mode = st.st_mode & 07777;
  entry.sha256 = digest->first;
  entry.size = digest->second;
  tree.entries.push_back(entry);
  return ok_status();
}

Status list_below(int dir_fd, const std::string& prefix, ArtifactTree& tree) {
  const int dup = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  std::unique_ptr<DIR, DirCloser> dir(dup >= 0 ? ::fdopendir(dup) : nullptr);
  if (!dir) {
    if (dup >= 0) ::close(dup);
    return Error{"cannot list " + (prefix.empty() ? "." : prefix) + ": " + errno_text(), ""};
  }
  std::vector<std::string> names;
  while (const dirent* item = ::readdir(dir.get())) {
    const std::string name = item->d_name;
    if (name == "." || name == ".." || (prefix.empty() && name == ".tether")) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (Status listed = list_entry(dir_fd, name, prefix + name, tree); !listed) return listed;
  }
  return ok_status();
}

Status copy_file_entry(const ArtifactEntry& entry,
                       const ConfinedDir& from,
                       const ConfinedDir& to,
                       CopiedFiles* written) {
  auto source = from.open_file(entry.path);
  if (!source) return source.error();
  auto target = to.create_file(entry.path);
  if (!target) return target.error();
  auto copied = hash_and_copy(source->get(), target->get(), entry.path);
  if (!copied) return copied.error();
  if (copied->first != entry.sha256 || copied->second != entry.size)
    return Error{entry.path + " differs from the artifact (sha256 " + copied->first + ")", ""};
  if (::fchmod(target->get(), static_cast<mode_t>(entry.mode)) != 0)
    return Error{"cannot set the mode of " + entry.path + ": " + errno_text(), ""};
  // Stamped last, after the chmod: a stamp taken before it would never match again.
  if (written != nullptr) {
    if (const auto stamp = stamp_of_fd(target->get()))
      (*written)[entry.path] = CopiedFile{*stamp, copied->first};
  }
  return ok_status();
}

}  // namespace

Result<ArtifactTree> list_artifact_tree(const ConfinedDir& dir) {
  ArtifactTree tree;
  if (Status listed = list_below(dir.fd(), "", tree); !listed) return listed.error();
  return tree;
}

Status copy_artifact_tree(const ArtifactTree& tree,
                          const ConfinedDir& from,
                          const ConfinedDir& to,
                          const UnpackLimits& limits,
                          CopiedFiles* copied) {
  // Limits may have been lowered since the artifact was unpacked: the unpack judges then.
  if (tree.bytes() > limits.max_bytes ||
      static_cast<long long>(tree.entries.size()) > limits.max_files)
    return Error{"the artifact is past spec.release.limits", ""};
  for (const ArtifactEntry& entry : tree.entries) {
    if (entry.path == ".tether" || entry.path.rfind(".tether/", 0) == 0)
      return Error{entry.path + " is tether's own", ""};
    Status placed = ok_status();
    switch (entry.kind) {
      case ArtifactEntry::Kind::dir:
        placed = to.make_dirs(entry.path);
        break;
      case ArtifactEntry::Kind::symlink:
        // Checked when unpacked; again here, since the list is a file under the root.
        placed = stays_inside(fs::path(entry.path).parent_path(), entry.target)
                     ? to.make_symlink(entry.path, entry.target)
                     : Error{entry.path + " is a symlink out of the release dir", ""};
        break;
      case ArtifactEntry::Kind::file:
        placed = copy_file_entry(entry, from, to, copied);
        break;
    }
    if (!placed) return placed;
    fault::point("mid-copy");
  }
  return ok_status();
}

}  // namespace tether
