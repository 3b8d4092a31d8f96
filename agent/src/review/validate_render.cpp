// How `tether validate` prints a report (nlohmann_json stays in this file).
#include "core/json_text.hpp"
#include "review/validate.hpp"

#include <nlohmann/json.hpp>

namespace tether::review {
namespace {

std::string plural(int count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string location(const Finding& finding) {
  std::string out = finding.file;
  if (finding.line > 0) out += ":" + std::to_string(finding.line);
  out += ": ";
  if (finding.field != "<root>") out += finding.field + ": ";
  return out;
}

std::string at_commit(const ValidationReport& report, const std::string& rev) {
  return report.commit.substr(0, 12) + " (" + rev + ")";
}

}  // namespace

std::string render_validation_text(const ValidationReport& report, const std::string& rev) {
  std::string out;
  for (const Finding& finding : report.findings) {
    out += location(finding);
    if (finding.severity == Severity::warning) out += "warning: ";
    out += finding.message + "\n";
    if (!finding.hint.empty()) out += "    fix: " + finding.hint + "\n";
  }
  const int errors = report.count(Severity::error);
  const int warnings = report.count(Severity::warning);
  if (!report.findings.empty()) out += "\n";
  const std::string read =
      plural(report.services, "service") + " and " + plural(report.hosts, "host file");
  if (errors == 0) {
    out += "valid: " + read + " at " + at_commit(report, rev);
    if (warnings > 0) out += ", " + plural(warnings, "warning");
  } else {
    out += "invalid: " + plural(errors, "error") + ", " + plural(warnings, "warning") + " in " +
           read + " at " + at_commit(report, rev) + "; agents refuse this commit";
  }
  return out + "\n";
}

std::string render_validation_json(const ValidationReport& report, const std::string& rev) {
  using Json = nlohmann::ordered_json;
  Json findings = Json::array();
  for (const Finding& finding : report.findings) {
    findings.push_back(Json{{"severity", finding.severity == Severity::error ? "error" : "warning"},
                            {"file", finding.file},
                            {"line", finding.line},
                            {"field", finding.field},
                            {"message", finding.message},
                            {"hint", finding.hint}});
  }
  const Json out{{"format", "tether.validate/v1"},
                 {"rev", rev},
                 {"commit", report.commit},
                 {"valid", report.valid()},
                 {"errors", report.count(Severity::error)},
                 {"warnings", report.count(Severity::warning)},
                 {"services", report.services},
                 {"hosts", report.hosts},
                 {"findings", findings}};
  return json_text(out, 2) + "\n";
}

}  // namespace tether::review
