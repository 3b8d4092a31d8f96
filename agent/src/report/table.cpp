#include "report/table.hpp"

#include <algorithm>

namespace tether {
namespace {

/// Terminal columns of `text`: one per UTF-8 code point (no wide characters in our output).
size_t width_of(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

const char* sgr(Style style) {
  switch (style) {
    case Style::bold:
      return "\033[1m";
    case Style::dim:
      return "\033[2m";
    case Style::green:
      return "\033[32m";
    case Style::yellow:
      return "\033[33m";
    case Style::red:
      return "\033[31m";
    case Style::plain:
      break;
  }
  return "";
}

}  // namespace

std::string styled(const std::string& text, Style style, Colour colour) {
  if (colour == Colour::off || style == Style::plain || text.empty()) return text;
  return sgr(style) + text + "\033[0m";
}

void Table::add(std::vector<Cell> row) {
  row.resize(m_header.size());
  m_rows.push_back(std::move(row));
  m_is_note.push_back(false);
}

void Table::add_note(Cell note) {
  m_rows.push_back({std::move(note)});
  m_is_note.push_back(true);
}

std::string Table::render(Colour colour) const {
  std::vector<size_t> widths(m_header.size());
  for (size_t i = 0; i < m_header.size(); ++i) widths[i] = width_of(m_header[i]);
  for (size_t r = 0; r < m_rows.size(); ++r) {
    if (m_is_note[r]) continue;
    const auto& row = m_rows[r];
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width_of(row[i].text));
  }
  std::vector<Cell> header;
  for (const std::string& title : m_header) header.push_back({title, Style::bold});
  std::string out;
  for (size_t r = 0; r <= m_rows.size(); ++r) {
    if (r > 0 && m_is_note[r - 1]) {
      out += "    " + styled(m_rows[r - 1][0].text, m_rows[r - 1][0].style, colour) + "\n";
      continue;
    }
    const auto& line = r == 0 ? header : m_rows[r - 1];
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      // Padding goes outside the colour codes so that alignment never depends on them.
      text += styled(line[i].text, line[i].style, colour);
      if (i + 1 < line.size()) text += std::string(widths[i] - width_of(line[i].text) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace tether
