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
};

}  // namespace tether
