#pragma once

#include <map>
#include <set>
#include <string>

namespace tether {

/// The files of the state repo at one commit that tether reads (services/, hosts/, config/),
/// taken from the Git tree without a checkout.
struct StateSnapshot {
  std::string commit;
  std::map<std::string, std::string> files;  ///< repo path -> content
  /// Symlinks under the same dirs: never read (they could point anywhere once placed), kept
  /// so that an error about one can say what it is.
  std::set<std::string> symlinks{};
  /// The Git blob id (40 hex) of each file in `files`, when the source reads Git: a file with
  /// the same path and blob id as in an earlier snapshot has the same content, so what was
  /// parsed from it then still holds. Empty for sources that do not know them.
  std::map<std::string, std::string> blob_ids{};
};

}  // namespace tether
