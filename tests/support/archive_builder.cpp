#include "archive_builder.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <fstream>
#include <iterator>
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
  // An honest one-entry ustar first, then its header is made to lie: libarchive cannot write a
  // truncated entry without archive_write_fail, and that path leaks inside libarchive 3.6.
  const std::string carried = "0123456789";
  archive* a = archive_write_new();
  archive_write_set_format_ustar(a);
  if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("cannot write archive: ") + archive_error_string(a));
  }
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_size(entry, static_cast<la_int64_t>(carried.size()));
  archive_write_header(a, entry);
  archive_write_data(a, carried.data(), carried.size());
  archive_entry_free(entry);
  archive_write_close(a);
  archive_write_free(a);

  std::string tar;
  {
    std::ifstream in(out, std::ios::binary);
    tar.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  constexpr std::size_t header_size = 512;
  constexpr std::size_t size_field = 124;      // 12 bytes: 11 octal digits and a NUL
  constexpr std::size_t checksum_field = 148;  // 8 bytes: 6 octal digits, NUL, space
  if (tar.size() < header_size + carried.size()) throw std::runtime_error("short tar");
  char octal[16];
  std::snprintf(octal, sizeof octal, "%011llo", static_cast<unsigned long long>(declared_size));
  tar.replace(size_field, 12, std::string(octal, 11) + '\0');
  tar.replace(checksum_field, 8, std::string(8, ' '));
  unsigned sum = 0;
  for (std::size_t i = 0; i < header_size; ++i) sum += static_cast<unsigned char>(tar[i]);
  std::snprintf(octal, sizeof octal, "%06o", sum);
  tar.replace(checksum_field, 8, std::string(octal, 6) + '\0' + ' ');
  tar.resize(header_size + carried.size());  // the data stops long before the size it claims
  std::ofstream(out, std::ios::binary | std::ios::trunc) << tar;
}

}  // namespace tether::test
