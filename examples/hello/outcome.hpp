#pragma once

#include <optional>
#include <string>
#include <utility>

namespace hello {

/// A value, or a message for the operator saying what is wrong and where.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : m_value(std::move(value)) {}  // NOLINT: implicit by design

  [[nodiscard]] static Outcome failure(std::string message) {
    Outcome outcome;
    outcome.m_error = std::move(message);
    return outcome;
  }

  [[nodiscard]] bool ok() const { return m_value.has_value(); }
  [[nodiscard]] const T& value() const { return *m_value; }
  [[nodiscard]] const std::string& error() const { return m_error; }

 private:
  Outcome() = default;

  std::optional<T> m_value;
  std::string m_error;
};

}  // namespace hello
