#include "manifest/manifest_cache.hpp"

#include "core/retain_used.hpp"
#include "manifest/documents.hpp"

#include <map>
#include <vector>

namespace tether {
namespace {

template <typename T>
struct Parsed {
  std::string blob_id;
  std::optional<T> value;
  std::vector<Diagnostic> diagnostics;
  bool used = true;
};

}  // namespace

struct ManifestCache::Entries {
  std::map<std::string, Parsed<Service>> services;  ///< by repo path
  std::map<std::string, Parsed<HostFile>> hosts;    ///< by repo path
  size_t parsed = 0;

  template <typename T, typename Parse>
  std::optional<T> lookup(std::map<std::string, Parsed<T>>& entries,
                          const StateSnapshot& snapshot,
                          const std::string& path,
                          Diagnostics& diagnostics,
                          Parse parse);
};

ManifestCache::ManifestCache() : m_entries(std::make_unique<Entries>()) {}
ManifestCache::~ManifestCache() = default;

size_t ManifestCache::parsed() const { return m_entries->parsed; }

template <typename T, typename Parse>
std::optional<T> ManifestCache::Entries::lookup(std::map<std::string, Parsed<T>>& entries,
                                                const StateSnapshot& snapshot,
                                                const std::string& path,
                                                Diagnostics& diagnostics,
                                                Parse parse) {
  const std::string& text = snapshot.files.at(path);
  const auto id = snapshot.blob_ids.find(path);
  if (id == snapshot.blob_ids.end()) return parse(path, text, diagnostics);
  auto it = entries.find(path);
  if (it == entries.end() || it->second.blob_id != id->second) {
    ++parsed;
    Diagnostics found;
    auto value = parse(path, text, found);
    it = entries.insert_or_assign(path, Parsed<T>{id->second, std::move(value), found.items()})
             .first;
  }
  it->second.used = true;
  for (const Diagnostic& diagnostic : it->second.diagnostics) diagnostics.add(diagnostic);
  return it->second.value;
}

std::optional<Service> ManifestCache::service(const StateSnapshot& snapshot,
                                              const std::string& path,
                                              Diagnostics& diagnostics) {
  return m_entries->lookup(
      m_entries->services,
      snapshot,
      path,
      diagnostics,
      [](const std::string& file, const std::string& text, Diagnostics& found) {
        return parse_service(file, text, found);
      });
}

std::optional<HostFile> ManifestCache::host(const StateSnapshot& snapshot,
                                            const std::string& path,
                                            Diagnostics& diagnostics) {
  return m_entries->lookup(m_entries->hosts, snapshot, path, diagnostics, parse_host);
}

void ManifestCache::retain_used() {
  tether::retain_used(m_entries->services);
  tether::retain_used(m_entries->hosts);
}

}  // namespace tether
