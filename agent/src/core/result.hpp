#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tether {

/// What went wrong, for an operator: `message` names the thing and what was expected,
/// `hint` says what to do about it.
struct Error {
  std::string message;
  std::string hint;
  /// The operation gave up because the agent is stopping (core/termination.hpp), not because
  /// what it waited for failed.
  bool stopping = false;

  /// "message (hint)" or just the message when there is no hint.
  [[nodiscard]] std::string describe() const {
    return hint.empty() ? message : message + " (" + hint + ")";
  }
  /// The same error with `context: ` in front, so callers can say where it happened.
  [[nodiscard]] Error with_context(const std::string& context) const {
    Error out{context + ": " + message, hint};
    out.stopping = stopping;
    return out;
  }
};

/// Either a value or an Error. A small stand-in for std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_data(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : m_data(std::move(error)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_data); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(m_data); }
  const T& value() const& { return std::get<T>(m_data); }
  T&& value() && { return std::get<T>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  [[nodiscard]] const Error& error() const { return std::get<Error>(m_data); }
  /// The value, or `fallback` when this holds an Error.
  [[nodiscard]] T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> m_data;
};

/// Result of an operation that yields nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

inline Status ok_status() { return Ok{}; }

}  // namespace tether
