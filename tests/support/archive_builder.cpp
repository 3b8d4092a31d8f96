#include "archive_builder.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

namespace tether::test {

void write_tar_gz(const std::filesystem::path& out, const std::vector<ArchiveEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("cannot write archive: ") + archive_error_string(a));
  }
  for (const ArchiveEntry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_perm(entry, e.mode);
    switch (e.type) {
      case ArchiveEntry::Type::file:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        break;
      case ArchiveEntry::Type::dir:
        archive_entry_set_filetype(entry, AE_IFDIR);
        break;
      case ArchiveEntry::Type::symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.content.c_str());
        break;
      case ArchiveEntry::Type::hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.content.c_str());
        break;
      case ArchiveEntry::Type::fifo:
        archive_entry_set_filetype(entry, AE_IFIFO);
        break;
    }
    archive_write_header(a, entry);
    if (e.type == ArchiveEntry::Type::file && !e.content.empty()) {
      archive_write_data(a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

void write_tar_claiming_size(const std::filesystem::path& out,
                             const std::string& name,
                             long long declared_size) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_per_block(a, 0);  // unbuffered: what was written is in the file
  if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("cannot write archive: ") + archive_error_string(a));
  }
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_size(entry, declared_size);
  archive_write_header(a, entry);
  archive_write_data(a, "0123456789", 10);
  archive_entry_free(entry);
  // Not closed: closing would pad the entry to its declared size.
  archive_write_fail(a);
  archive_write_free(a);
}

}  // namespace tether::test
