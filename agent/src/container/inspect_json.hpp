#pragma once

#include "core/result.hpp"
#include "model/live.hpp"

#include <string>

namespace tether {

/// Reads `podman|docker container inspect NAME` output (a JSON array with one object) into a
/// LiveContainer. The image digest comes from podman's ImageDigest, else from the digest in the
/// reference the container was created with (docker's Config.Image); "" when neither has one,
/// which never equals a declared digest. An Error names what is malformed.
[[nodiscard]] Result<LiveContainer> parse_inspect(const std::string& json);

/// The digests in `image inspect --format '{{json .RepoDigests}}'` output
/// (["repo@sha256:<hex>", ...] -> ["sha256:<hex>", ...]); empty when malformed.
[[nodiscard]] std::vector<std::string> parse_repo_digests(const std::string& json);

}  // namespace tether
