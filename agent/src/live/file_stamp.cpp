#include "live/file_stamp.hpp"

#include <sys/stat.h>

namespace tether {

namespace {

FileStamp stamp_from(const struct stat& st) {
  return FileStamp{st.st_dev,
                   st.st_ino,
                   st.st_size,
                   st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                   st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

}  // namespace

std::optional<FileStamp> stamp_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_from(st);
}

std::optional<FileStamp> stamp_of_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return stamp_from(st);
}

}  // namespace tether
