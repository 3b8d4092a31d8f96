#pragma once

#include <cstddef>

namespace tether {

/// The sweep of a cache whose entries carry a `used` flag that a lookup sets: erases the entries
/// not looked up since the previous sweep and clears the flag on the rest, so a cache holds
/// what the host has now rather than everything it ever had. Returns how many were erased.
template <typename Map>
size_t retain_used(Map& entries) {
  size_t erased = 0;
  for (auto it = entries.begin(); it != entries.end();) {
    if (!it->second.used) {
      it = entries.erase(it);
      ++erased;
    } else {
      it->second.used = false;
      ++it;
    }
  }
  return erased;
}

}  // namespace tether
