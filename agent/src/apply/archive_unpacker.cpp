#include "apply/archive_unpacker.hpp"

#include "core/fault_point.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <memory>

namespace tether {
namespace {

using ReadHandle = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WriteHandle = std::unique_ptr<archive, decltype(&archive_write_free)>;

Error archive_failure(const std::string& what, archive* a) {
  const char* reason = archive_error_string(a);
  std::string text = what + ": " + (reason != nullptr ? reason : "unknown libarchive error");
  // libarchive's own text for a failed write is just "Write failed": add errno's reason
  // (No space left on device, Read-only file system ...).
  if (const int code = archive_errno(a); code > 0) {
    const std::string os_reason = std::strerror(code);
    if (text.find(os_reason) == std::string::npos) text += " (" + os_reason + ")";
  }
  return Error{text, ""};
}

/// Checks one entry's own path: relative, no "." or ".." components after normalisation.
bool safe_entry_path(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const auto& part : std::filesystem::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

Status check_entry(archive_entry* entry) {
  const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
  const std::string where = "archive entry \"" + name + "\"";
  const std::string hint = "the artifact is unsafe to unpack; rebuild it with relative paths only";
  if (!safe_entry_path(name)) return Error{where + " escapes the release dir", hint};
  // A hard link carries no file type of its own in libarchive (0 without data): judge it by
  // its target before the type check.
  if (const char* link = archive_entry_hardlink(entry); link != nullptr) {
    if (!safe_entry_path(link)) {
      return Error{where + " is a hard link to \"" + link + "\" outside the release dir", hint};
    }
    return ok_status();
  }
  const mode_t type = archive_entry_filetype(entry);
  if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    return Error{where + " is a device, fifo or socket", hint};
  }
  if (const char* link = archive_entry_symlink(entry); type == AE_IFLNK && link != nullptr) {
    if (!stays_inside(std::filesystem::path(name).parent_path(), link)) {
      return Error{where + " is a symlink to \"" + link + "\" outside the release dir", hint};
    }
  }
  return ok_status();
}

Status copy_data(archive* in, archive* out, const std::string& name) {
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    const int rc = archive_read_data_block(in, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return ok_status();
    if (rc != ARCHIVE_OK) return archive_failure("reading " + name, in);
    if (archive_write_data_block(out, block, size, offset) != ARCHIVE_OK) {
      return archive_failure("writing " + name, out);
    }
  }
}

}  // namespace

bool stays_inside(const std::filesystem::path& link_dir, const std::filesystem::path& target) {
  if (target.is_absolute()) return false;
  // Leading ".." climb the link's own dir, which holds no symlinks (libarchive refuses to write
  // through one). A ".." after a normal name could climb out of a dir that is itself a
  // symlink ("l/.." where l -> ..), which no lexical check can follow: refuse it.
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
                      const std::filesystem::path& dest) {
  ReadHandle in(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(in.get());
  archive_read_support_format_all(in.get());
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return archive_failure("cannot open archive " + archive_path.string(), in.get());
  }
  WriteHandle out(archive_write_disk_new(), &archive_write_free);
  // libarchive's own guards as a second line behind check_entry. SECURE_SYMLINKS refuses to
  // write through any symlink on the way, including dest's ancestors, so dest is resolved
  // first; entry paths are made absolute under it, hence no SECURE_NOABSOLUTEPATHS.
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::canonical(dest, ec);
  if (ec) return Error{"cannot resolve " + dest.string() + ": " + ec.message(), ""};
  archive_write_disk_set_options(out.get(),
                                 ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                     ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                     ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK)
      return archive_failure("corrupt archive " + archive_path.string(), in.get());
    if (Status safe = check_entry(entry); !safe) return safe;
    const std::string name = archive_entry_pathname(entry);
    archive_entry_set_pathname(entry, (root / name).c_str());
    if (const char* link = archive_entry_hardlink(entry)) {
      archive_entry_set_hardlink(entry, (root / link).c_str());
    }
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK) {
      return archive_failure("cannot unpack " + name, out.get());
    }
    if (archive_entry_size(entry) > 0) {
      if (Status copied = copy_data(in.get(), out.get(), name); !copied) return copied;
    }
    if (archive_write_finish_entry(out.get()) != ARCHIVE_OK) {
      return archive_failure("cannot finish " + name, out.get());
    }
    fault::point("mid-unpack");
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    return archive_failure("cannot finish unpacking", out.get());
  }
  return ok_status();
}

}  // namespace tether
