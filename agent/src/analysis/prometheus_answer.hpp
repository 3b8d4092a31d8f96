#pragma once

#include <string>
#include <string_view>

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

}  // namespace tether
