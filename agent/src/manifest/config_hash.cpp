#include "manifest/config_hash.hpp"

#include "core/sha256.hpp"

namespace tether {

std::string config_hash_of_digests(const std::map<std::string, std::string>& digests) {
  Sha256 sha;
  for (const auto& [target, digest] : digests) {
    sha.update(target);
    sha.update(std::string_view("\0", 1));
    sha.update(digest);
    sha.update("\n");
  }
  return sha.hex();
}

std::string config_hash(const std::map<std::string, std::string>& files) {
  std::map<std::string, std::string> digests;
  for (const auto& [target, content] : files) digests.emplace(target, Sha256::of(content));
  return config_hash_of_digests(digests);
}

std::string config_hash_with_shared(const std::map<std::string, std::string>& digests,
                                    const SharedPaths& shared) {
  std::map<std::string, std::string> lines = digests;
  // A digest is 64 hex digits: these markers can never be read as one. Shared paths never
  // overlap config targets (manifest/shared_reader.cpp).
  for (const std::string& dir : shared.dirs) lines.emplace(dir, "shared-dir");
  for (const std::string& file : shared.files) lines.emplace(file, "shared-file");
  return config_hash_of_digests(lines);
}

}  // namespace tether
