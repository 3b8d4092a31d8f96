#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tether {

/// A file of the tether source tree compiled into the binary (cmake/embedded_files.cmake).
struct EmbeddedFile {
  std::string_view name;  ///< e.g. "schema/service.schema.json", "ci/github-actions.yml"
  std::string_view content;
};

/// Every embedded file: the manifest JSON Schemas and the state repo CI templates.
[[nodiscard]] std::span<const EmbeddedFile> embedded_files();

/// The content of the embedded file `name`, if there is one.
[[nodiscard]] std::optional<std::string_view> embedded_file(std::string_view name);

}  // namespace tether
