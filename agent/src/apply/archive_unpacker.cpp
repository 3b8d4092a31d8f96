#include "apply/archive_unpacker.hpp"

#include "core/fault_point.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

using ReadHandle = std::unique_ptr<archive, decltype(&archive_read_free)>;

constexpr const char* k_unsafe_hint =
    "the artifact is unsafe to unpack; rebuild it with relative paths, no links out, and "
    "regular files, dirs and symlinks only";

Error archive_failure(const std::string& what, archive* a) {
  const char* reason = archive_error_string(a);
  std::string text = what + ": " + (reason != nullptr ? reason : "unknown libarchive error");
  if (const int code = archive_errno(a); code > 0) {
    const std::string os_reason = std::strerror(code);
    if (text.find(os_reason) == std::string::npos) text += " (" + os_reason + ")";
  }
  return Error{text, ""};
}

std::string mib(long long bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

/// Bytes and entries so far, against the release's limits.
struct Budget {
  const UnpackLimits& limits;
  long long bytes = 0;
  long long entries = 0;

  [[nodiscard]] Status take_bytes(const std::string& where, long long more) {
    if (more > limits.max_bytes - bytes) {
      return Error{where + " takes the release past " + mib(limits.max_bytes) + " unpacked",
                   "raise spec.release.limits.maxUnpackedMiB if the release is really that big"};
    }
    bytes += more;
    return ok_status();
  }
  [[nodiscard]] Status take_entry(const std::string& where) {
    if (++entries > limits.max_files) {
      return Error{
          where + " is one entry more than the limit of " + std::to_string(limits.max_files),
          "raise spec.release.limits.maxFiles if the release really has that many"};
    }
    return ok_status();
  }
};

/// Checks one entry before anything of it is written.
Status check_entry(archive_entry* entry, const std::string& name, const std::string& where) {
  auto parts = confined_components(name);
  if (name.empty() || !parts) return Error{where + " escapes the release dir", k_unsafe_hint};
  if (!parts->empty() && (*parts)[0] == ".tether") {
    return Error{where + " is inside .tether/, which tether keeps for its own records",
                 "remove .tether/ from the artifact"};
  }
  // A hard link carries no file type of its own in libarchive: judge it by its target.
  if (const char* link = archive_entry_hardlink(entry); link != nullptr) {
    auto target = confined_components(link);
    if (!target || target->empty()) {
      return Error{where + " is a hard link to \"" + link + "\" outside the release dir",
                   k_unsafe_hint};
    }
    if (parts->empty())
      return Error{where + " is a hard link named like the release dir", k_unsafe_hint};
    return ok_status();
  }
  const mode_t type = archive_entry_filetype(entry);
  if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    return Error{where + " is a device, fifo or socket", k_unsafe_hint};
  }
  if (parts->empty() && type != AE_IFDIR) {
    // `.` as a symlink would turn the fresh dir into a link to another release (issue #18).
    return Error{where + " names the release dir itself but is not a directory", k_unsafe_hint};
  }
  if (type == AE_IFLNK) {
    const char* link = archive_entry_symlink(entry);
    if (link == nullptr || *link == '\0')
      return Error{where + " is a symlink to nothing", k_unsafe_hint};
    if (!stays_inside(std::filesystem::path(name).parent_path(), link)) {
      return Error{where + " is a symlink to \"" + link + "\" outside the release dir",
                   k_unsafe_hint};
    }
  }
  return ok_status();
}

/// Copies a regular entry's data into `fd` at its offsets (holes stay holes), counting the
/// file's size against the budget as it grows.
Status copy_data(archive* in, int fd, const std::string& where, Budget& budget) {
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  long long end = 0;
  for (;;) {
    const int rc = archive_read_data_block(in, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return archive_failure("reading " + where, in);
    if (offset < 0) return Error{where + " has a negative offset", k_unsafe_hint};
    const long long block_end = offset + static_cast<long long>(size);
    if (block_end > end) {
      if (Status fits = budget.take_bytes(where, block_end - end); !fits) return fits;
      end = block_end;
    }
    const char* data = static_cast<const char*>(block);
    while (size > 0) {
      const ssize_t n = ::pwrite(fd, data, size, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error{"writing " + where + ": " + std::strerror(errno), ""};
      data += n;
      offset += n;
      size -= static_cast<size_t>(n);
    }
  }
  return ok_status();
}

Status write_file_entry(archive* in,
                        archive_entry* entry,
                        const ConfinedDir& dest,
                        const std::string& name,
                        const std::string& where,
                        Budget& budget) {
  // A header's size is only a claim, but one past the budget is refused before any byte.
  const long long declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
  if (declared > budget.limits.max_bytes - budget.bytes) return budget.take_bytes(where, declared);
  auto fd = dest.create_file(name);
  if (!fd) return Error{where + ": " + fd.error().message, k_unsafe_hint};
  if (Status copied = copy_data(in, fd->get(), where, budget); !copied) return copied;
  struct stat st {};
  if (::fstat(fd->get(), &st) == 0 && st.st_size < declared) {
    // A sparse file's trailing hole: it counts like the data it stands for.
    if (Status fits = budget.take_bytes(where, declared - st.st_size); !fits) return fits;
    if (::ftruncate(fd->get(), declared) != 0)
      return Error{"writing " + where + ": " + std::strerror(errno), ""};
  }
  if (archive_entry_mtime_is_set(entry)) {
    const timespec times[2] = {{0, UTIME_OMIT},
                               {archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)}};
    (void)::futimens(fd->get(), times);
  }
  if (::fchmod(fd->get(), unpacked_file_mode(archive_entry_perm(entry))) != 0) {
    return Error{"cannot set the mode of " + where + ": " + std::strerror(errno), ""};
  }
  return ok_status();
}

Status write_entry(archive* in,
                   archive_entry* entry,
                   const ConfinedDir& dest,
                   const std::string& name,
                   Budget& budget) {
  const std::string where = "archive entry \"" + name + "\"";
  if (Status safe = check_entry(entry, name, where); !safe) return safe;
  if (Status counted = budget.take_entry(where); !counted) return counted;
  if (const char* link = archive_entry_hardlink(entry); link != nullptr) {
    Status linked = dest.make_hard_link(name, link);
    return linked ? linked
                  : Error{where + " is a hard link that cannot be made: " + linked.error().message,
                          k_unsafe_hint};
  }
  Status written = ok_status();
  switch (archive_entry_filetype(entry)) {
    case AE_IFDIR:
      written = dest.make_dirs(name);
      break;
    case AE_IFLNK:
      written = dest.make_symlink(name, archive_entry_symlink(entry));
      break;
    default:
      return write_file_entry(in, entry, dest, name, where, budget);
  }
  return written ? written : Error{where + ": " + written.error().message, k_unsafe_hint};
}

}  // namespace

bool stays_inside(const std::filesystem::path& link_dir, const std::filesystem::path& target) {
  if (target.is_absolute()) return false;
  // Leading ".." climb the link's own dir, which holds no symlinks (no write passes through
  // one). A ".." after a normal name could climb out of a dir that is itself a symlink
  // ("l/.." where l -> ..), which no lexical check can follow: refuse it.
  int depth = 0;
  for (const auto& part : link_dir) {
    if (part != "." && !part.empty()) ++depth;
  }
  bool descending = false;
  for (const auto& part : target) {
    if (part == "." || part.empty()) continue;
    if (part != "..") {
      descending = true;
    } else if (descending || --depth < 0) {
      return false;
    }
  }
  return true;
}

Status unpack_archive(const std::filesystem::path& archive_path,
                      const ConfinedDir& dest,
                      const UnpackLimits& limits) {
  ReadHandle in(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(in.get());
  archive_read_support_format_all(in.get());
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return archive_failure("cannot open archive " + archive_path.string(), in.get());
  }
  Budget budget{limits};
  archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return archive_failure("corrupt archive " + archive_path.string(), in.get());
    }
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name != nullptr ? raw_name : "";
    if (Status written = write_entry(in.get(), entry, dest, name, budget); !written) {
      return written;
    }
    fault::point("mid-unpack");
  }
  return ok_status();
}

Status unpack_archive(const std::filesystem::path& archive,
                      const std::filesystem::path& dest,
                      const UnpackLimits& limits) {
  auto dir = ConfinedDir::open(dest);
  if (!dir) return dir.error();
  return unpack_archive(archive, *dir, limits);
}

}  // namespace tether
