#pragma once

#include <string>
#include <vector>

namespace tether {

/// How a cell is emphasised; an ANSI colour only when the table is rendered with colour.
enum class Style { plain, bold, dim, green, yellow, red };

/// Whether rendered text may carry ANSI colour codes (decided at the edge: cli/terminal.hpp).
enum class Colour { off, on };

struct Cell {
  std::string text;
  Style style = Style::plain;
};

/// Rows under a header, each column as wide as its widest cell (counted in UTF-8 code
/// points), columns two spaces apart, no trailing blanks. The header is bold with colour.
/// Pure: no I/O.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}

  /// Adds a row; missing cells are empty, extra cells are dropped.
  void add(std::vector<Cell> row);
  /// Adds a line under the last row, indented by four spaces, outside the columns (an error
  /// message too long for a cell).
  void add_note(Cell note);
  [[nodiscard]] bool empty() const { return m_rows.empty(); }
  [[nodiscard]] std::string render(Colour colour) const;

 private:
  std::vector<std::string> m_header;
  std::vector<std::vector<Cell>> m_rows;
  std::vector<bool> m_is_note;  ///< per row of m_rows: a note (one cell, no columns)
};

/// `text` wrapped in the ANSI codes of `style` when colour is on; `text` itself otherwise.
[[nodiscard]] std::string styled(const std::string& text, Style style, Colour colour);

}  // namespace tether
