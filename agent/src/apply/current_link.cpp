#include "apply/current_link.hpp"

#include "core/fault_point.hpp"
#include "core/files.hpp"

#include <cstdio>
#include <unistd.h>

namespace tether {

Status switch_current(const Layout& layout,
                      const std::string& service,
                      const std::string& dir_name) {
  const fs::path link = layout.current_link(service);
  const fs::path temp = link.parent_path() / (".current.tmp-" + std::to_string(::getpid()));
  const std::string target = "releases/" + dir_name;
  ::unlink(temp.c_str());  // a leftover from a crash between symlink and rename
  if (::symlink(target.c_str(), temp.c_str()) != 0) {
    return Error{"cannot create symlink " + temp.string() + ": " + errno_text(), ""};
  }
  fault::point("between-symlink-and-rename");
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    return Error{"cannot switch " + link.string() + " to " + target + ": " + reason, ""};
  }
  return fsync_path(link.parent_path());
}

}  // namespace tether
