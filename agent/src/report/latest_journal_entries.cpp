#include "report/latest_journal_entries.hpp"

#include "core/unique_fd.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {

const std::map<std::string, JournalEntry>& LatestJournalEntries::refresh() {
  const UniqueFd fd(::open(m_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    // No journal (yet, or removed by hand): nothing has changed on this host as far as it says.
    *this = LatestJournalEntries(m_path);
    return m_latest;
  }
  if (info.st_dev != m_device || info.st_ino != m_inode || info.st_size < m_offset) {
    *this = LatestJournalEntries(m_path);
    m_device = info.st_dev;
    m_inode = info.st_ino;
  }
  std::string pending;  // bytes after m_offset not yet ending in a newline
  std::array<char, 65536> buffer{};
  off_t at = m_offset;
  for (;;) {
    const ssize_t n = ::pread(fd.get(), buffer.data(), buffer.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file, or an error: what was read so far stands
    at += n;
    pending.append(buffer.data(), static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end = pending.find('\n'); end != std::string::npos;
         end = pending.find('\n', start)) {
      take_line(pending.substr(start, end - start));
      m_offset += static_cast<off_t>(end - start + 1);
      start = end + 1;
    }
    pending.erase(0, start);
  }
  return m_latest;
}

void LatestJournalEntries::take_line(const std::string& line) {
  auto entry = from_json_line(line);
  // Not changes of what runs: a hold is shown as such (status), not as the last change.
  if (!entry || entry->action == "prune" || entry->action == "revert-proposal" ||
      entry->action == "suspend" || entry->action == "resume")
    return;
  m_latest[entry->service] = std::move(*entry);
}

}  // namespace tether
