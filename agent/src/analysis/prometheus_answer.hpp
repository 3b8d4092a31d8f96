#pragma once

#include "core/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tether {

/// What one instant query answered, reduced to what a condition can judge.
struct QueryAnswer {
  enum class Kind {
    value,    ///< one sample (or a scalar): `value`
    no_data,  ///< an empty vector, or NaN (0/0: nothing in the rate window)
    error,    ///< Prometheus refused or failed the query, or could not be asked: `detail`
  };
  Kind kind = Kind::error;
  double value = 0;    ///< may be +Inf or -Inf
  std::string detail;  ///< for errors: what went wrong, for an operator
};

/// Parses the body of `GET /api/v1/query` (HTTP status `http_status`): a `success` with a
/// vector of one sample or a scalar is a value; an empty vector or NaN is no data; several
/// samples, a matrix or string, an `error` status, a status other than 200 or malformed JSON
/// is an error naming what came back. Pure; never throws.
[[nodiscard]] QueryAnswer parse_query_answer(std::string_view body, long http_status);

/// One sample of an instant vector: its labels (`__name__` among them when the query kept it)
/// and its value (NaN and the infinities as Prometheus writes them).
struct VectorSample {
  std::map<std::string, std::string> labels;
  double value = 0;
  bool operator==(const VectorSample&) const = default;
};

/// Parses the body of `GET /api/v1/query` when the query selects a whole family (one sample
/// per host and service, `tether fleet --prometheus`): a `success` with a vector, any number
/// of samples. An `error` status, a status other than 200, malformed JSON, another result type
/// or a sample with labels or a value of the wrong type is an Error naming what came back.
/// Pure; never throws.
[[nodiscard]] Result<std::vector<VectorSample>> parse_vector_answer(std::string_view body,
                                                                    long http_status);

}  // namespace tether
