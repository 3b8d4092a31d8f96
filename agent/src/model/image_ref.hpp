#pragma once

#include "model/release_id.hpp"

#include <string>

namespace tether {

/// An image reference split into its parts: `repo[:tag][@sha256:<hex>]`.
struct ImageRef {
  std::string repository;  ///< "registry.example.com/web"
  std::string tag;         ///< "" when the reference has none
  std::string digest;      ///< "sha256:<64 hex>", "" when the reference is not pinned
  bool operator==(const ImageRef&) const = default;
};

/// Splits `image`; a port in the registry host ("127.0.0.1:5000/web") is not taken for a tag.
[[nodiscard]] ImageRef parse_image_ref(const std::string& image);

/// The identity of a container release (docs/design.md: image digest plus config hash), in the
/// shape binary releases use so plans, journal and quarantine treat both alike: version is the
/// tag (or "sha256:<12 hex>" without one), commit the digest's hex, binary_sha256 the digest.
[[nodiscard]] ReleaseId container_release_id(const std::string& image,
                                             const std::string& config_hash);

}  // namespace tether
