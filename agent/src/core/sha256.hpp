#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace tether {

/// Incremental SHA-256 (OpenSSL EVP). Hex output is lowercase, as manifests write it.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  /// Finishes the digest; the object must not be updated afterwards.
  [[nodiscard]] std::string hex();

  [[nodiscard]] static std::string of(std::string_view data);
  /// Digest of a file's content, read in chunks. Errors name the file.
  [[nodiscard]] static Result<std::string> of_file(const std::filesystem::path& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// True for exactly 64 lowercase hex digits.
[[nodiscard]] bool is_sha256_hex(std::string_view text);

}  // namespace tether
