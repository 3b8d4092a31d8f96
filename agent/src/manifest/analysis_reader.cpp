#include "manifest/analysis_reader.hpp"

#include "manifest/field_checks.hpp"

#include <set>

namespace tether {
namespace {

constexpr size_t k_max_queries = 16;
constexpr size_t k_max_query_length = 4096;
constexpr Millis k_max_bake{std::chrono::hours(6)};

std::string check_query(const std::string& value) {
  if (value.empty()) return "a PromQL query";
  if (value.size() > k_max_query_length) {
    return "a query of at most " + std::to_string(k_max_query_length) + " bytes";
  }
  return template_problem(value);
}

std::string check_condition(const std::string& value) {
  return parse_condition(value) ? ""
                                : "a comparison and a number, as \"< 0.01\", \"<= 0.25\" or "
                                  "\">= 1\" (operators <, <=, >, >=, ==, !=)";
}

std::string check_no_data(const std::string& value) {
  return value == "pass" || value == "fail" || value == "wait" ? "" : "pass, fail or wait";
}

NoDataPolicy no_data_named(const std::string& value) {
  if (value == "pass") return NoDataPolicy::pass;
  if (value == "fail") return NoDataPolicy::fail;
  return NoDataPolicy::wait;
}

std::optional<AnalysisQuery> read_query(FieldReader& r,
                                        const YAML::Node& node,
                                        const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"name", "query", "condition", "noData"});
  auto name = r.string(node, path, "name", Need::required, checks::service_name);
  auto query = r.string(node, path, "query", Need::required, check_query);
  auto condition = r.string(node, path, "condition", Need::required, check_condition);
  auto no_data = r.string(node, path, "noData", Need::optional, check_no_data);
  if (!name || !query || !condition || (node["noData"].IsDefined() && !no_data)) {
    return std::nullopt;
  }
  return AnalysisQuery{
      *name, *query, *parse_condition(*condition), no_data_named(no_data.value_or("wait"))};
}

}  // namespace

std::optional<std::vector<AnalysisQuery>> read_analysis_queries(FieldReader& r,
                                                                const YAML::Node& node,
                                                                const std::string& path) {
  const std::string queries_path = join_path(path, "queries");
  const YAML::Node queries = r.child(node, path, "queries", Need::required);
  std::vector<AnalysisQuery> out;
  bool ok = true;
  if (!queries.IsDefined()) return std::nullopt;
  if (!queries.IsSequence() || queries.size() == 0 || queries.size() > k_max_queries) {
    r.error(queries,
            queries_path,
            "expected a list of 1 to " + std::to_string(k_max_queries) + " queries");
    return std::nullopt;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < queries.size(); ++i) {
    const std::string item_path = queries_path + "[" + std::to_string(i) + "]";
    auto query = read_query(r, queries[i], item_path);
    if (!query) {
      ok = false;
      continue;
    }
    if (!names.insert(query->name).second) {
      r.error(queries[i]["name"],
              join_path(item_path, "name"),
              "\"" + query->name + "\" names another query too; give each query its own name");
      ok = false;
    }
    out.push_back(std::move(*query));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<AnalysisSpec> read_analysis(FieldReader& r,
                                          const YAML::Node& node,
                                          const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"bake", "interval", "queries"});
  AnalysisSpec spec;
  bool ok = true;
  const auto bake = r.duration(node, path, "bake", Need::required);
  const auto interval = r.duration(node, path, "interval", Need::optional);
  if (bake && (*bake < std::chrono::seconds(1) || *bake > k_max_bake)) {
    r.error(node["bake"], join_path(path, "bake"), "expected between 1s and 6h");
    ok = false;
  }
  if (interval && (*interval < std::chrono::seconds(1) || (bake && *interval > *bake))) {
    r.error(node["interval"], join_path(path, "interval"), "expected at least 1s and at most bake");
    ok = false;
  }
  ok = ok && bake && (interval || !node["interval"].IsDefined());
  if (bake) spec.bake = *bake;
  spec.interval = interval.value_or(std::min(spec.bake, Millis(std::chrono::seconds(10))));

  auto queries = read_analysis_queries(r, node, path);
  if (!queries) return std::nullopt;
  spec.queries = std::move(*queries);
  if (!ok) return std::nullopt;
  return spec;
}

}  // namespace tether
