#pragma once

// `tether validate`: every schema and semantic check of a state repo at one commit, as a pure
// function of the snapshot, so a state repo's CI can refuse what the agents would refuse.

#include "model/snapshot.hpp"

#include <compare>
#include <string>
#include <vector>

namespace tether::review {

enum class Severity { error, warning };

/// One located problem: "services/web.yaml:9: spec.release.commit: expected ..." plus a fix.
struct Finding {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;       ///< 1-based; 0 only when the file has no line to point at
  std::string field;  ///< dotted path, "<root>" for the whole document
  std::string message;
  std::string hint;  ///< what to do about it

  auto operator<=>(const Finding&) const = default;
  bool operator==(const Finding&) const = default;
};

/// Whether a selector that matches no host in hosts/*.yaml is a warning (hosts may be known
/// only to their agent.yaml) or an error (every host has a file in the repo).
enum class SelectorPolicy { warn, strict };

struct ValidateOptions {
  SelectorPolicy selectors = SelectorPolicy::warn;
};

/// What validate_snapshot() found, sorted by file, line and field, each problem once.
struct ValidationReport {
  std::string commit;
  int services = 0;  ///< services/*.yaml files read
  int hosts = 0;     ///< hosts/*.yaml files read
  std::vector<Finding> findings;

  [[nodiscard]] int count(Severity severity) const;
  [[nodiscard]] bool valid() const { return count(Severity::error) == 0; }
};

/// Checks every file the agent reads in `snapshot`: YAML syntax, the manifest schema (unknown
/// fields are errors: the agent refuses them), one service per name matching its file name,
/// config sources present, host overrides naming known services and still valid once merged
/// into the service, selectors that match a known host, and ignored files in services/ and
/// hosts/. Every host file's overrides and a host without a file are checked, so anything
/// load_desired() would refuse for some host is reported once. No I/O.
[[nodiscard]] ValidationReport validate_snapshot(const StateSnapshot& snapshot,
                                                 const ValidateOptions& options = {});

/// The 1-based line of `field` (a dotted path such as "spec.config[1].source", or "<root>") in
/// the YAML `text`: the line of its key, or of the deepest part of the path that exists (where a
/// missing field belongs). For "<root>", the second document of a multi-document file, else 1.
/// 0 when `text` is not YAML at all.
[[nodiscard]] int locate_field_line(const std::string& text, const std::string& field);

/// A fix for a parser diagnostic, chosen by its field and message.
[[nodiscard]] std::string fix_hint(const std::string& field, const std::string& message);

/// "file:line: field: message" (warnings: "file:line: field: warning: message"), each followed
/// by "    fix: hint", then a summary line naming `rev` and the commit.
[[nodiscard]] std::string render_validation_text(const ValidationReport& report,
                                                 const std::string& rev);

/// The stable machine shape "tether.validate/v1": {format, rev, commit, valid, errors,
/// warnings, services, hosts, findings:[{severity, file, line, field, message, hint}]}.
[[nodiscard]] std::string render_validation_json(const ValidationReport& report,
                                                 const std::string& rev);

}  // namespace tether::review
