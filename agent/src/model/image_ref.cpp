#include "model/image_ref.hpp"

namespace tether {

ImageRef parse_image_ref(const std::string& image) {
  ImageRef ref;
  std::string rest = image;
  if (const size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
  }
  // A colon after the last slash starts the tag; one before it belongs to the registry port.
  const size_t slash = rest.rfind('/');
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
  }
  ref.repository = rest;
  return ref;
}

ReleaseId container_release_id(const std::string& image, const std::string& config_hash) {
  const ImageRef ref = parse_image_ref(image);
  const std::string prefix = "sha256:";
  const std::string hex =
      ref.digest.rfind(prefix, 0) == 0 ? ref.digest.substr(prefix.size()) : ref.digest;
  ReleaseId id;
  id.version = !ref.tag.empty() ? ref.tag : prefix + hex.substr(0, 12);
  id.commit = hex;
  id.binary_sha256 = ref.digest;
  id.config_hash = config_hash;
  return id;
}

}  // namespace tether
