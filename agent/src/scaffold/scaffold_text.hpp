#pragma once

#include <string>

/// Texts of the files `tether init` writes (kept apart from the file list in scaffold.cpp).
namespace tether::scaffold_text {

/// README.md of a new state repo following `branch`.
[[nodiscard]] std::string readme(const std::string& branch);

}  // namespace tether::scaffold_text
