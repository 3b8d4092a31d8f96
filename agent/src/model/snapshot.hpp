#pragma once

#include <map>
#include <string>

namespace tether {

/// The files of the state repo at one commit that tether reads (services/, hosts/, config/),
/// taken from the Git tree without a checkout.
struct StateSnapshot {
  std::string commit;
  std::map<std::string, std::string> files;  ///< repo path -> content
};

}  // namespace tether
