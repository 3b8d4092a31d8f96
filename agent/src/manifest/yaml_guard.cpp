#include "manifest/yaml_guard.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>

namespace tether {
namespace {

/// Records where each document starts; ignores everything else (no nodes are built).
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck_ = started_ && mark.pos == last_.pos;
    last_ = mark;
    started_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&,
                const std::string&,
                YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&,
                       const std::string&,
                       YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&,
                  const std::string&,
                  YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  /// True when the last document started where the one before it did: no token was consumed.
  [[nodiscard]] bool stuck() const { return stuck_; }
  [[nodiscard]] const YAML::Mark& last() const { return last_; }

 private:
  bool started_ = false;
  bool stuck_ = false;
  YAML::Mark last_;
};

}  // namespace

size_t stray_comma_line(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  DocumentStarts starts;
  try {
    // Each document that makes progress consumes at least one token, so this loop ends.
    while (parser.HandleNextDocument(starts)) {
      if (starts.stuck()) return static_cast<size_t>(starts.last().line) + 1;
    }
  } catch (const YAML::Exception&) {
    // YAML::LoadAll throws the same at the same place: the caller reports it.
  }
  return 0;
}

}  // namespace tether
