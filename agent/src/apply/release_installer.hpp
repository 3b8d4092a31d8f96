#pragma once

#include "apply/age_decryptor.hpp"
#include "core/layout.hpp"
#include "core/result.hpp"
#include "live/hash_cache.hpp"
#include "model/desired.hpp"
#include "model/network_limits.hpp"

#include <string>

namespace tether {

/// Builds `releases/<dir>` for a desired binary release: fetch (or reuse the cached) artifact,
/// verify its digest, unpack into a fresh private temp dir beside the target (within
/// `spec.release.limits`) and record what it unpacked to (apply/artifact_tree.hpp); place the
/// config files and release.json through that dir's descriptor (apply/confined_dir.hpp),
/// verify the binary last, flush it all to disk, open the dir to readers (0755) and rename it
/// into place.
/// When a release of the same artifact is installed already (a change of config files or
/// settings only), its artifact files are copied into the temp dir instead of unpacking, each
/// as a new file whose bytes must match that record (any difference: unpack after all).
/// Config files declared `encryption: age` are decrypted with `secrets`' identity (checked
/// first: apply/age_decryptor.hpp) and placed 0600; a host that cannot decrypt one gets an Error
/// naming the file, and nothing is installed.
/// A crash at any point leaves either no release dir or a complete, verified one. An existing
/// dir of the same name (a damaged release being repaired) is replaced.
/// The binary is hashed once: a file the copy wrote is not read again while its stamp is the
/// one it had when written. Once installed, its digest and stamp go to `verified` (when given)
/// for the probe's hash cache (HashCache::vouch), which then need not read it either.
[[nodiscard]] Status install_release(const Layout& layout,
                                     const NetworkLimits& network,
                                     const DesiredService& desired,
                                     const std::string& state_commit,
                                     const SecretSettings& secrets = {},
                                     VouchedDigest* verified = nullptr);

}  // namespace tether
