#include "manifest/yaml_guard.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <vector>

namespace tether {
namespace {

/// Measures each document from its events: where it starts, how deep it nests and how many
/// nodes it has once aliases are expanded. Builds nothing.
class DocumentShape : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    m_stuck = m_started && mark.pos == m_start.pos;
    m_start = mark;
    m_started = true;
    m_open.clear();
    m_anchors.clear();
    m_expanded = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark,
                const std::string&,
                YAML::anchor_t anchor,
                const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      // Registered but not finished: the alias sits inside the node it names.
      note(mark, "an alias refers to a node that contains it (a cycle); write the value out");
      return;
    }
    if (m_open.size() + it->second.height > k_yaml_max_depth) {
      note(mark,
           "an alias nests this document more than " + std::to_string(k_yaml_max_depth) +
               " levels deep; write the value out");
    }
    add(mark, it->second.nodes, it->second.height);
  }
  void OnSequenceStart(const YAML::Mark& mark,
                       const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark,
                  const std::string&,
                  YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

  /// True when the last document started where the one before it did: no token was consumed.
  [[nodiscard]] bool stuck() const { return m_stuck; }
  [[nodiscard]] const YAML::Mark& start() const { return m_start; }
  [[nodiscard]] const std::optional<YamlGuardProblem>& problem() const { return m_problem; }

 private:
  /// What an anchored node expands to wherever an alias repeats it.
  struct Shape {
    uint64_t nodes = 1;  ///< the node and everything in it, aliases expanded
    size_t height = 0;   ///< collections nested in it (a scalar: 0)
  };
  struct Frame {
    YAML::anchor_t anchor;
    Shape shape;
  };
  // Counts saturate just past the limit: nested aliases would overflow any integer.
  static constexpr uint64_t k_cap = k_yaml_max_nodes + 1;

  void note(const YAML::Mark& mark, std::string message) {
    if (!m_problem)
      m_problem = YamlGuardProblem{static_cast<size_t>(mark.line) + 1, std::move(message)};
  }
  /// `nodes` more nodes `height` levels high at the current place (a leaf: 1 and 0; an alias:
  /// its anchor's shape).
  void add(const YAML::Mark& mark, uint64_t nodes, size_t height) {
    m_expanded = std::min(k_cap, m_expanded + nodes);
    if (!m_open.empty()) {
      Shape& parent = m_open.back().shape;
      parent.nodes = std::min(k_cap, parent.nodes + nodes);
      parent.height = std::max(parent.height, height + 1);
    }
    if (m_expanded >= k_cap) {
      note(mark,
           "aliases expand this document to more than " + std::to_string(k_yaml_max_nodes) +
               " nodes; write the values out instead of nesting aliases");
    }
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1, 0);
    if (anchor != YAML::NullAnchor) m_anchors[anchor] = Shape{};
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    m_expanded = std::min(k_cap, m_expanded + 1);
    m_open.push_back(Frame{anchor, Shape{}});
    if (m_open.size() > k_yaml_max_depth) {
      note(mark,
           "nested more than " + std::to_string(k_yaml_max_depth) +
               " levels deep; a manifest needs only a few levels");
    }
  }
  void close() {
    if (m_open.empty()) return;
    const Frame done = m_open.back();
    m_open.pop_back();
    if (done.anchor != YAML::NullAnchor) m_anchors[done.anchor] = done.shape;
    if (!m_open.empty()) {
      Shape& parent = m_open.back().shape;
      parent.nodes = std::min(k_cap, parent.nodes + done.shape.nodes);
      parent.height = std::max(parent.height, done.shape.height + 1);
    }
  }

  bool m_started = false;
  bool m_stuck = false;
  YAML::Mark m_start;
  std::vector<Frame> m_open;
  std::map<YAML::anchor_t, Shape> m_anchors;  ///< finished anchors
  uint64_t m_expanded = 0;                    ///< the document's size so far
  std::optional<YamlGuardProblem> m_problem;
};

constexpr const char* k_stray_comma =
    "a comma where no value can start (before or after the document's top-level value); remove "
    "it (one document holds one value)";

}  // namespace

std::optional<YamlGuardProblem> yaml_guard(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  DocumentShape shape;
  try {
    // Each document that makes progress consumes at least one token, so this loop ends.
    while (parser.HandleNextDocument(shape)) {
      if (shape.problem()) return shape.problem();
      if (shape.stuck()) {
        return YamlGuardProblem{static_cast<size_t>(shape.start().line) + 1, k_stray_comma};
      }
    }
  } catch (const YAML::Exception&) {
    // A nesting problem noted before yaml-cpp's own depth limit threw says more than its
    // message; anything else, YAML::LoadAll throws the same at the same place.
    return shape.problem();
  }
  return shape.problem();
}

size_t stray_comma_line(const std::string& text) {
  const auto problem = yaml_guard(text);
  return problem && problem->message == k_stray_comma ? problem->line : 0;
}

}  // namespace tether
