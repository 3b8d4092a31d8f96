#pragma once

#include "apply/journal.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>

namespace tether {

/// The newest journal entry of each service, kept current by reading only the lines appended
/// since the last call. The journal only grows (a line per change for the host's whole life),
/// so reading it whole after every pass, as the status report did, cost more each month a
/// host ran.
class LatestJournalEntries {
 public:
  explicit LatestJournalEntries(std::filesystem::path journal) : m_path(std::move(journal)) {}

  /// Reads what was appended since the last call: the whole file on the first call, or when it
  /// was replaced or cut shorter. A line still being written is read once it is complete.
  /// Housekeeping (`prune`) and proposals are not changes of what runs and are left out.
  [[nodiscard]] const std::map<std::string, JournalEntry>& refresh();

 private:
  void take_line(const std::string& line);

  std::filesystem::path m_path;
  dev_t m_device = 0;
  ino_t m_inode = 0;
  off_t m_offset = 0;  ///< just after the last complete line read
  std::map<std::string, JournalEntry> m_latest;
};

}  // namespace tether
