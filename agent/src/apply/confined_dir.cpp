#include "apply/confined_dir.hpp"

#include "core/files.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tether {
namespace {

constexpr int k_dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

/// Why opening `name` below `dir` as a directory failed, in words an operator can act on.
std::string open_dir_failure(int dir, const std::string& name, int error) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return "passes through the symlink \"" + name + "\"";
    if (!S_ISDIR(st.st_mode)) return "\"" + name + "\" is not a directory";
  }
  errno = error;
  return "cannot open \"" + name + "\": " + errno_text();
}

/// Removes a file or link named `name` in `dir` so that a new file can take its place without
/// writing through it. A directory of that name stays (and is an error).
Status clear_name(int dir, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return ok_status();
    return Error{"cannot inspect \"" + name + "\": " + errno_text(), ""};
  }
  if (S_ISDIR(st.st_mode)) return Error{"\"" + name + "\" is a directory", ""};
  if (::unlinkat(dir, name.c_str(), 0) != 0) {
    return Error{"cannot replace \"" + name + "\": " + errno_text(), ""};
  }
  return ok_status();
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

/// openat2 with every symlink refused and the walk kept beneath `dir`; -1 with errno ENOSYS
/// when the kernel (or a seccomp filter) does not offer it.
int open_beneath(int dir, const std::string& relative) {
  open_how how{};
  how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dir, relative.c_str(), &how, sizeof how));
}

}  // namespace

Result<std::vector<std::string>> confined_components(const std::string& relative) {
  if (!relative.empty() && relative.front() == '/') {
    return Error{"\"" + relative + "\" is an absolute path", ""};
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= relative.size()) {
    const size_t end = std::min(relative.find('/', start), relative.size());
    std::string part = relative.substr(start, end - start);
    if (part == "..") return Error{"\"" + relative + "\" climbs out with \"..\"", ""};
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

Result<ConfinedDir> ConfinedDir::create_fresh(const fs::path& parent, const std::string& name) {
  UniqueFd parent_fd(::open(parent.c_str(), k_dir_flags));
  if (!parent_fd.valid()) return Error{"cannot open " + parent.string() + ": " + errno_text(), ""};
  const fs::path path = parent / name;
  std::error_code ec;
  fs::remove_all(path, ec);  // a leftover is removed, never reused: its content is untrusted
  if (ec) return Error{"cannot remove the leftover " + path.string() + ": " + ec.message(), ""};
  if (::mkdirat(parent_fd.get(), name.c_str(), 0700) != 0) {
    return Error{"cannot create " + path.string() + ": " + errno_text(),
                 "check free disk space and permissions"};
  }
  UniqueFd fd(::openat(parent_fd.get(), name.c_str(), k_dir_flags));
  if (!fd.valid()) return Error{"cannot open " + path.string() + ": " + errno_text(), ""};
  return ConfinedDir(path, std::move(fd));
}

Result<ConfinedDir> ConfinedDir::open(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), k_dir_flags));
  if (!fd.valid()) return Error{"cannot open " + path.string() + ": " + errno_text(), ""};
  return ConfinedDir(path, std::move(fd));
}

Error ConfinedDir::failure(const std::string& relative, const std::string& what) const {
  return Error{(m_path / relative).string() + ": " + what, ""};
}

Result<UniqueFd> ConfinedDir::open_parent(const std::string& relative,
                                          bool create,
                                          std::string& name) const {
  auto parts = confined_components(relative);
  if (!parts) return failure(relative, parts.error().message);
  if (parts->empty()) return failure(relative, "names the directory itself");
  name = parts->back();
  parts->pop_back();
  UniqueFd current(::fcntl(m_fd.get(), F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) return failure(relative, "cannot duplicate a descriptor: " + errno_text());
  for (const std::string& part : *parts) {
    int next = ::openat(current.get(), part.c_str(), k_dir_flags);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), part.c_str(), 0755) != 0 && errno != EEXIST) {
        return failure(relative, "cannot create \"" + part + "\": " + errno_text());
      }
      next = ::openat(current.get(), part.c_str(), k_dir_flags);
      if (next >= 0) (void)::fchmod(next, 0755);  // whatever the umask
    }
    if (next < 0) return failure(relative, open_dir_failure(current.get(), part, errno));
    current = UniqueFd(next);
  }
  return current;
}

Result<UniqueFd> ConfinedDir::open_dir(const std::string& relative) const {
  auto parts = confined_components(relative);
  if (!parts) return failure(relative, parts.error().message);
  if (parts->empty()) {
    UniqueFd self(::fcntl(m_fd.get(), F_DUPFD_CLOEXEC, 0));
    if (!self.valid()) return failure(relative, "cannot duplicate a descriptor: " + errno_text());
    return self;
  }
  std::string name;
  auto parent = open_parent(relative, false, name);
  if (!parent) return parent.error();
  UniqueFd dir(::openat(parent->get(), name.c_str(), k_dir_flags));
  if (!dir.valid()) return failure(relative, open_dir_failure(parent->get(), name, errno));
  return dir;
}

Status ConfinedDir::make_dirs(const std::string& relative) const {
  auto parts = confined_components(relative);
  if (!parts) return failure(relative, parts.error().message);
  if (parts->empty()) return ok_status();
  std::string name;
  auto parent = open_parent(relative, true, name);
  if (!parent) return parent.error();
  if (::mkdirat(parent->get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
    return failure(relative, "cannot create: " + errno_text());
  }
  UniqueFd dir(::openat(parent->get(), name.c_str(), k_dir_flags));
  if (!dir.valid()) return failure(relative, open_dir_failure(parent->get(), name, errno));
  if (::fchmod(dir.get(), 0755) != 0) return failure(relative, "cannot chmod: " + errno_text());
  return ok_status();
}

Result<UniqueFd> ConfinedDir::create_file(const std::string& relative) const {
  std::string name;
  auto parent = open_parent(relative, true, name);
  if (!parent) return parent.error();
  if (Status cleared = clear_name(parent->get(), name); !cleared) {
    return failure(relative, cleared.error().message);
  }
  UniqueFd fd(::openat(
      parent->get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return failure(relative, "cannot create: " + errno_text());
  return fd;
}

Status ConfinedDir::write_file(const std::string& relative,
                               std::string_view content,
                               mode_t mode) const {
  auto fd = create_file(relative);
  if (!fd) return fd.error();
  if (!write_all(fd->get(), content) || ::fsync(fd->get()) != 0) {
    return Error{failure(relative, "cannot write: " + errno_text()).message,
                 "check free disk space"};
  }
  if (::fchmod(fd->get(), mode) != 0) return failure(relative, "cannot chmod: " + errno_text());
  return ok_status();
}

Status ConfinedDir::make_symlink(const std::string& relative, const std::string& target) const {
  std::string name;
  auto parent = open_parent(relative, true, name);
  if (!parent) return parent.error();
  if (Status cleared = clear_name(parent->get(), name); !cleared) {
    return failure(relative, cleared.error().message);
  }
  if (::symlinkat(target.c_str(), parent->get(), name.c_str()) != 0) {
    return failure(relative, "cannot create the symlink: " + errno_text());
  }
  return ok_status();
}

Status ConfinedDir::make_hard_link(const std::string& relative, const std::string& existing) const {
  std::string existing_name;
  auto existing_parent = open_parent(existing, false, existing_name);
  if (!existing_parent) return existing_parent.error();
  struct stat st {};
  if (::fstatat(existing_parent->get(), existing_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode)) {
    return failure(relative,
                   "its target \"" + existing + "\" is not a regular file unpacked before it");
  }
  std::string name;
  auto parent = open_parent(relative, true, name);
  if (!parent) return parent.error();
  if (Status cleared = clear_name(parent->get(), name); !cleared) {
    return failure(relative, cleared.error().message);
  }
  // No AT_SYMLINK_FOLLOW: the link is made to the name's own inode, checked regular above.
  if (::linkat(existing_parent->get(), existing_name.c_str(), parent->get(), name.c_str(), 0) !=
      0) {
    return failure(relative, "cannot create the hard link: " + errno_text());
  }
  return ok_status();
}

Result<UniqueFd> ConfinedDir::open_file(const std::string& relative, Resolve resolve) const {
  auto parts = confined_components(relative);
  if (!parts) return failure(relative, parts.error().message);
  UniqueFd fd;
  if (resolve == Resolve::kernel_if_available) fd = UniqueFd(open_beneath(m_fd.get(), relative));
  if (!fd.valid() && (resolve == Resolve::walk || errno == ENOSYS)) {
    std::string name;
    auto parent = open_parent(relative, false, name);
    if (!parent) return parent.error();
    fd = UniqueFd(
        ::openat(parent->get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  }
  if (!fd.valid()) {
    const bool link = errno == ELOOP || errno == EXDEV;
    return failure(relative,
                   link ? "is or passes through a symlink" : "cannot open: " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return failure(relative, "is not a regular file");
  }
  return fd;
}

Status ConfinedDir::seal() const {
  if (::fchmod(m_fd.get(), 0755) != 0) return failure("", "cannot chmod: " + errno_text());
  return ok_status();
}

}  // namespace tether
