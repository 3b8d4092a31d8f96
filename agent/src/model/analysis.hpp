#pragma once

#include "core/duration.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// How a query's answer is compared with its threshold: `value <op> threshold`.
enum class Comparison { less, less_equal, greater, greater_equal, equal, not_equal };

/// `condition: "< 0.01"`: a comparison and a finite threshold. NaN never holds.
struct AnalysisCondition {
  Comparison comparison = Comparison::less;
  double threshold = 0;
  bool operator==(const AnalysisCondition&) const = default;
};

/// What an empty answer (no sample) counts as (docs/analysis.md, "No data").
enum class NoDataPolicy {
  pass,  ///< no data holds
  fail,  ///< no data is a breach at once
  wait,  ///< no data is not judged; the bake fails if the query never answered by its end
};

/// One PromQL query of `spec.analysis.queries`.
struct AnalysisQuery {
  std::string name;   ///< [a-z0-9-], unique in the service
  std::string query;  ///< a template: {{host}}, {{service}}, {{version}}, {{commit}}, {{label.K}}
  AnalysisCondition condition;
  NoDataPolicy no_data = NoDataPolicy::wait;
  bool operator==(const AnalysisQuery&) const = default;
};

/// `spec.analysis`: after a switch passed its health gate, every query must hold at each
/// evaluation for `bake`; the switch counts only then (a breach is a failed gate).
struct AnalysisSpec {
  Millis bake{std::chrono::seconds(60)};
  Millis interval{std::chrono::seconds(10)};
  std::vector<AnalysisQuery> queries;
  bool operator==(const AnalysisSpec&) const = default;
};

/// The values a query template's placeholders take on one host for one release.
struct TemplateValues {
  std::string host;
  std::string service;
  std::string version;
  std::string commit;
  std::map<std::string, std::string> labels;  ///< the host's labels: {{label.K}}
};

/// Parses "< 0.01", "<= 0.25", ">= 1", "== 0", "!= 0" (spaces optional). nullopt when the
/// text is not one comparison followed by one finite number.
[[nodiscard]] std::optional<AnalysisCondition> parse_condition(std::string_view text);

/// Whether `value` meets `condition`; NaN never does.
[[nodiscard]] bool condition_holds(const AnalysisCondition& condition, double value);

/// "< 0.01", as an operator reads it back.
[[nodiscard]] std::string to_string(const AnalysisCondition& condition);
/// A measured value as people write it (printf's %g: "0.01", "250", "1e+06").
[[nodiscard]] std::string short_number(double value);
[[nodiscard]] const char* to_string(NoDataPolicy policy);

/// "" when every `{{...}}` in `text` names a known placeholder (see AnalysisQuery::query) and
/// every `{{` is closed; otherwise what is wrong, naming the placeholder.
[[nodiscard]] std::string template_problem(std::string_view text);

/// `text` with each placeholder replaced by its value escaped for the inside of a PromQL
/// double-quoted string (backslash, quote, newline and control bytes escaped), so a value
/// is data wherever it comes from: it cannot end the string and change the query. A label
/// the host does not have expands to "". Call only on text template_problem accepted.
[[nodiscard]] std::string expand_template(std::string_view text, const TemplateValues& values);

/// `value` escaped for the inside of a PromQL double-quoted string literal.
[[nodiscard]] std::string promql_escape(std::string_view value);

}  // namespace tether
