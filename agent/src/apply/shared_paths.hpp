#pragma once

#include "apply/confined_dir.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "model/shared_paths.hpp"

#include <string>

namespace tether {

/// Creates what is missing of `<root>/services/<service>/shared/` for `spec.shared`: each dir
/// (0750) and each file (empty, 0640), with the parents they need (0755). What exists is kept
/// as it is, content, owner and mode: it is the service's data. Nothing is ever removed here.
/// The walk opens every component without following symlinks, so a link the service (or
/// anyone) put inside shared/ is an error naming it, never followed; `shared` itself must be a
/// real directory (a mount point is fine).
[[nodiscard]] Status prepare_shared(const Layout& layout,
                                    const std::string& service,
                                    const SharedPaths& shared);

/// Places in the release dir being built, for each shared path, the symlink
/// `shared_link_text(path)` (model/shared_paths.hpp), creating missing parent dirs. The
/// artifact may ship an empty directory there (it is replaced); a file, a symlink or a
/// non-empty directory at a shared path, or a symlink on the way to one, refuses the release
/// with an error naming the path: tether never writes through nor discards what it did not
/// make. Called before the dir is sealed and renamed, so hooks and the switch see the links.
[[nodiscard]] Status link_shared(const ConfinedDir& release, const SharedPaths& shared);

}  // namespace tether
