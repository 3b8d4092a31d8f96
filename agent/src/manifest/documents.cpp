#include "manifest/documents.hpp"

#include "manifest/field_checks.hpp"
#include "manifest/spec_reader.hpp"
#include "manifest/utf8_fields.hpp"
#include "manifest/yaml_fields.hpp"
#include "manifest/yaml_guard.hpp"

#include <set>

namespace tether {
namespace {

constexpr const char* k_api_version = "tether.dev/v1";

/// yaml-cpp keeps the last of two equal keys silently; a manifest that says two things must
/// be rejected instead. Returns the first repeated key found, depth first.
const YAML::Node* find_duplicate_key(const YAML::Node& node, std::vector<YAML::Node>& keep) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second) {
        keep.push_back(entry.first);
        return &keep.back();
      }
      if (const YAML::Node* found = find_duplicate_key(entry.second, keep)) return found;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (const YAML::Node* found = find_duplicate_key(item, keep)) return found;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<YAML::Node> load_yaml_document(const std::string& file,
                                             const std::string& text,
                                             Diagnostics& diagnostics) {
  std::vector<YAML::Node> documents;
  // Before any node is built: a stray comma hangs yaml-cpp, an alias bomb or deep nesting
  // makes every walk over the nodes unbounded.
  if (const auto problem = yaml_guard(text)) {
    diagnostics.add(
        {file, static_cast<int>(problem->line), "<root>", "malformed YAML: " + problem->message});
    return std::nullopt;
  }
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    diagnostics.add(
        {file, e.mark.is_null() ? 0 : e.mark.line + 1, "<root>", "malformed YAML: " + e.msg});
    return std::nullopt;
  }
  if (documents.size() != 1) {
    diagnostics.add({file,
                     0,
                     "<root>",
                     "expected exactly one YAML document, found " +
                         std::to_string(documents.size()) + "; put one manifest in each file"});
    return std::nullopt;
  }
  std::vector<YAML::Node> keep;
  if (const YAML::Node* duplicate = find_duplicate_key(documents[0], keep)) {
    diagnostics.add({file,
                     duplicate->Mark().line + 1,
                     "<root>",
                     "key \"" + duplicate->Scalar() + "\" appears twice in one mapping; keep one"});
    return std::nullopt;
  }
  if (auto invalid = find_invalid_utf8(file, documents[0])) {
    diagnostics.add(std::move(*invalid));
    return std::nullopt;
  }
  if (!documents[0].IsMap()) {
    diagnostics.add({file, 1, "<root>", "expected a YAML mapping with apiVersion, kind, ..."});
    return std::nullopt;
  }
  return documents[0];
}

namespace {

/// What a Service and a Host file begin with: only the four top-level keys, `apiVersion` and
/// `kind` saying this is a document of `kind`, and `metadata.name` passing `check`. Returns the
/// name when it reads; every error is recorded on `r`.
std::optional<std::string> read_header(FieldReader& r,
                                       const YAML::Node& root,
                                       const char* kind,
                                       const StringCheck& check) {
  r.reject_unknown_keys(root, "", {"apiVersion", "kind", "metadata", "spec"});
  (void)r.string(root, "", "apiVersion", Need::required, [](const std::string& v) {
    return v == k_api_version ? "" : std::string("\"") + k_api_version + "\"";
  });
  (void)r.string(root, "", "kind", Need::required, [kind](const std::string& v) {
    return v == kind ? "" : std::string("\"") + kind + "\"";
  });
  const YAML::Node metadata = r.child(root, "", "metadata", Need::required);
  if (!metadata.IsDefined() || !r.expect_map(metadata, "metadata")) return std::nullopt;
  r.reject_unknown_keys(metadata, "metadata", {"name"});
  return r.string(metadata, "metadata", "name", Need::required, check);
}

}  // namespace

std::optional<Service> parse_service(const std::string& file,
                                     const std::string& text,
                                     Diagnostics& diagnostics,
                                     const YAML::Node* overrides) {
  const size_t errors_before = diagnostics.size();
  auto root = load_yaml_document(file, text, diagnostics);
  if (!root) return std::nullopt;
  FieldReader r(file, diagnostics);
  auto name = read_header(r, *root, "Service", checks::service_name);
  YAML::Node spec = r.child(*root, "", "spec", Need::required);
  if (!spec.IsDefined()) return std::nullopt;
  if (overrides != nullptr && spec.IsMap()) {
    spec = YAML::Clone(spec);
    for (const auto& entry : *overrides) spec[entry.first.Scalar()] = entry.second;
  }
  auto service = read_service_spec(r, spec, "spec", SpecMode::whole);
  if (!service || !name || diagnostics.size() != errors_before) return std::nullopt;
  service->name = *name;
  return service;
}

std::optional<HostFile> parse_host(const std::string& file,
                                   const std::string& text,
                                   Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.size();
  auto root = load_yaml_document(file, text, diagnostics);
  if (!root) return std::nullopt;
  FieldReader r(file, diagnostics);
  auto name = read_header(r, *root, "Host", checks::host_name);
  const YAML::Node spec = r.child(*root, "", "spec", Need::required);
  HostFile host;
  if (spec.IsDefined() && r.expect_map(spec, "spec")) {
    r.reject_unknown_keys(
        spec, "spec", {"labels", "overrides", "allowRemovingAllServices", "suspend"});
    host.host.labels = r.string_map(spec, "spec", "labels", 253).value_or(StringMap{});
    host.host.allow_removing_all =
        r.boolean(spec, "spec", "allowRemovingAllServices", Need::optional).value_or(false);
    host.host.suspend = read_suspend(r, spec, "spec");
    const YAML::Node overrides = spec["overrides"];
    if (overrides.IsDefined() && r.expect_map(overrides, "spec.overrides")) {
      for (const auto& entry : overrides) {
        const std::string service = entry.first.Scalar();
        const std::string path = join_path("spec.overrides", service);
        if (std::string expected = checks::service_name(service); !expected.empty()) {
          r.error(entry.first, path, "expected a service name: " + expected);
          continue;
        }
        (void)read_service_spec(r, entry.second, path, SpecMode::fields_only);
        host.overrides.emplace(service, entry.second);
      }
    }
  }
  if (!name || diagnostics.size() != errors_before) return std::nullopt;
  host.host.name = *name;
  return host;
}

}  // namespace tether
