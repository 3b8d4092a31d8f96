#pragma once

#include <string>
#include <tuple>
#include <vector>

namespace tether {

// A probe kind's fields, described once beside its struct (`Kind::k_fields`, a tuple of the
// descriptors below) so that every reader and writer (the manifest reader, the serving record,
// the fingerprint, the revert proposal's text) iterates them instead of naming each kind. A
// field of a type without a descriptor here fails to compile in those adapters until they
// learn it.

/// Whether a manifest must set the field; an optional one left out keeps the struct's default.
enum class FieldPresence { required, optional };

/// What a text field's value must look like; the manifest reader checks it.
enum class TextFormat { any, http_url, host_port };

/// How a field reads in a one-line description of the probe: `before`, the value, `after`. A
/// field whose value is empty (text or list) is left out of the line.
struct FieldProse {
  const char* before;
  const char* after = "";
};

/// A string.
template <class Kind>
struct TextField {
  const char* key;  ///< its key under `health.<kind>` in manifests and serving records
  std::string Kind::*member;
  FieldPresence presence;
  TextFormat format;
  FieldProse prose;
};

/// An integer in [min, max].
template <class Kind>
struct IntField {
  const char* key;
  int Kind::*member;
  FieldPresence presence;
  long long min;
  long long max;
  FieldProse prose;
};

/// A list of strings: when set, at least one and none empty. Described as its items joined by
/// spaces.
template <class Kind>
struct ListField {
  const char* key;
  std::vector<std::string> Kind::*member;
  FieldPresence presence;
  FieldProse prose;
};

/// Calls `visit(field)` for each of `Kind::k_fields`, in their order.
template <class Kind, class Visit>
void for_each_field(Visit&& visit) {
  std::apply([&](const auto&... field) { (visit(field), ...); }, Kind::k_fields);
}

}  // namespace tether
