// Prometheus' answer to an instant query
// (https://prometheus.io/docs/prometheus/latest/querying/api/):
// {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[t,"0.5"]}]}}
#include "analysis/prometheus_answer.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace tether {
namespace {

using nlohmann::json;

/// `object[key]` when it is a string, else "" (json::value throws on a mistyped field).
std::string text_field(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

QueryAnswer error_answer(std::string detail) {
  return QueryAnswer{QueryAnswer::Kind::error, 0, std::move(detail)};
}

/// A sample's value: Prometheus writes it as a string ("0.5", "NaN", "+Inf", "-Inf").
QueryAnswer sample_answer(const json& pair) {
  if (!pair.is_array() || pair.size() != 2 || !pair[1].is_string()) {
    return error_answer("a sample that is not [time, \"value\"]");
  }
  const std::string text = pair[1].get<std::string>();
  double value = 0;
  if (text == "NaN") return QueryAnswer{QueryAnswer::Kind::no_data, 0, "NaN"};
  if (text == "+Inf" || text == "Inf") {
    value = std::numeric_limits<double>::infinity();
  } else if (text == "-Inf") {
    value = -std::numeric_limits<double>::infinity();
  } else {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || std::isnan(value)) {
      return error_answer("a sample value that is not a number: \"" + text.substr(0, 64) + "\"");
    }
  }
  return QueryAnswer{QueryAnswer::Kind::value, value, ""};
}

QueryAnswer vector_answer(const json& result) {
  if (!result.is_array()) return error_answer("a vector result that is not a list");
  if (result.empty()) return QueryAnswer{QueryAnswer::Kind::no_data, 0, "empty vector"};
  if (result.size() > 1) {
    return error_answer(std::to_string(result.size()) +
                        " samples where one was expected; aggregate the query (sum, max, "
                        "histogram_quantile over `sum by (le)`) so it returns one value");
  }
  if (!result[0].is_object() || !result[0].contains("value")) {
    return error_answer("a vector sample without a value");
  }
  return sample_answer(result[0]["value"]);
}

QueryAnswer data_answer(const json& data) {
  const std::string type = text_field(data, "resultType");
  if (type.empty() || !data.contains("result")) {
    return error_answer("an answer without data.resultType and data.result");
  }
  if (type == "vector") return vector_answer(data["result"]);
  if (type == "scalar") return sample_answer(data["result"]);
  return error_answer("a " + type.substr(0, 32) +
                      " result where a vector or scalar was expected (an instant query, no "
                      "range selector at the top level)");
}

/// Prometheus' own words for a refused query: `errorType: error`.
QueryAnswer refusal(const json& body, long http_status) {
  std::string what = "Prometheus answered HTTP " + std::to_string(http_status);
  if (text_field(body, "status") == "error") {
    what += ": " + text_field(body, "errorType").substr(0, 64) + ": " +
            text_field(body, "error").substr(0, 512);
  }
  return error_answer(std::move(what));
}

/// One sample of a vector: {"metric": {label: "text"...}, "value": [time, "1"]}.
Result<VectorSample> vector_sample(const json& sample) {
  if (!sample.is_object() || !sample.contains("metric") || !sample["metric"].is_object() ||
      !sample.contains("value"))
    return Error{"a vector sample without metric labels and a value", ""};
  VectorSample out;
  for (const auto& [name, value] : sample["metric"].items()) {
    if (!value.is_string()) return Error{"a label that is not a string: " + name.substr(0, 64), ""};
    out.labels[name] = value.get<std::string>();
  }
  const QueryAnswer answer = sample_answer(sample["value"]);
  if (answer.kind == QueryAnswer::Kind::error) return Error{answer.detail, ""};
  out.value = answer.kind == QueryAnswer::Kind::no_data ? std::nan("") : answer.value;
  return out;
}

Result<std::vector<VectorSample>> vector_samples(const json& parsed) {
  const json& data = parsed["data"];
  if (text_field(data, "resultType") != "vector" || !data.contains("result") ||
      !data["result"].is_array())
    return Error{"an answer without a vector in data.result", ""};
  std::vector<VectorSample> samples;
  samples.reserve(data["result"].size());
  for (const json& sample : data["result"]) {
    auto read = vector_sample(sample);
    if (!read) return read.error();
    samples.push_back(std::move(*read));
  }
  return samples;
}

}  // namespace

Result<std::vector<VectorSample>> parse_vector_answer(std::string_view body, long http_status) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    if (http_status != 200) return Error{refusal(json(), http_status).detail, ""};
    return Error{"an answer that is not JSON",
                 "is --prometheus the URL of the Prometheus server itself?"};
  }
  if (http_status != 200 || text_field(parsed, "status") != "success")
    return Error{refusal(parsed, http_status).detail, ""};
  if (!parsed.contains("data") || !parsed["data"].is_object())
    return Error{"an answer without data", ""};
  return vector_samples(parsed);
}

QueryAnswer parse_query_answer(std::string_view body, long http_status) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    if (http_status != 200) return refusal(json(), http_status);
    return error_answer("an answer that is not JSON (is prometheus.url the Prometheus server?)");
  }
  if (http_status != 200 || text_field(parsed, "status") != "success") {
    return refusal(parsed, http_status);
  }
  if (!parsed.contains("data"))
    return error_answer("an answer without data");  // is_object: success
  return data_answer(parsed["data"]);
}

}  // namespace tether
