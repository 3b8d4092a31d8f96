// secrets (#23): the checks of `tether validate` for encrypted config files. An age X25519
// stanza does not name its recipient, so whether a given host can decrypt a file cannot be read
// from the file. What can be checked from Git alone: every host that gets the file has its keys
// in secrets/recipients/<host>.txt, and the file has at least as many stanzas as hosts with
// disjoint keys need (fewer means some host was left out). A file encrypted to the right number
// of wrong keys passes here and is refused by the agent at install.
#include "manifest/age_header.hpp"
#include "manifest/age_recipients.hpp"
#include "manifest/state_loader.hpp"
#include "review/validate_context.hpp"

#include <algorithm>
#include <filesystem>

namespace tether::review::validate_detail {
namespace {

constexpr std::string_view k_recipients_dir = "secrets/recipients/";

/// One encrypted source and the hosts that get it.
struct SecretUse {
  std::string file;   ///< the service manifest that declares it
  std::string field;  ///< spec.config[i].source
  std::string content;
  std::set<std::string> hosts;
};

/// Host id -> its keys, from every readable secrets/recipients/*.txt; the others are reported.
std::map<std::string, std::vector<std::string>> read_recipients(const StateSnapshot& snapshot,
                                                                Collector& out) {
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& [path, text] : snapshot.files) {
    if (!path.starts_with(k_recipients_dir)) continue;
    const std::filesystem::path name(path.substr(k_recipients_dir.size()));
    if (name.has_parent_path() || name.extension() != ".txt") continue;
    auto parsed = parse_age_recipients(text);
    if (!parsed) {
      out.add(Severity::error, path, "<root>", parsed.error().message, parsed.error().hint);
      continue;
    }
    keys.emplace(name.stem().string(), std::move(*parsed));
  }
  return keys;
}

std::string manifest_of(const std::vector<ServiceInfo>& services, const std::string& name) {
  for (const ServiceInfo& s : services) {
    if (s.stem == name) return s.path;
  }
  return "services/" + name + ".yaml";
}

/// Each encrypted source, with the known hosts (hosts/*.yaml) whose desired state includes it.
std::map<std::string, SecretUse> secret_uses(const StateSnapshot& snapshot,
                                             const std::vector<HostInfo>& hosts,
                                             const std::vector<ServiceInfo>& services) {
  std::map<std::string, SecretUse> uses;
  for (const HostInfo& host : hosts) {
    Diagnostics ignored;  // reported by the other checks
    const auto desired = load_desired(snapshot, HostIdentity{host.stem, host.labels}, ignored);
    if (!desired) continue;
    for (const auto& [name, service] : desired->services) {
      const std::vector<ConfigFile>& config = service.service.config;
      for (size_t i = 0; i < config.size(); ++i) {
        if (config[i].encryption == ConfigEncryption::none) continue;
        const auto content = service.config_files.find(config[i].target);
        if (content == service.config_files.end()) continue;
        SecretUse& use = uses[config[i].source];
        use.file = manifest_of(services, name);
        use.field = "spec.config[" + std::to_string(i) + "].source";
        use.content = content->second;
        use.hosts.insert(host.stem);
      }
    }
  }
  return uses;
}

/// How many hosts of `hosts` have pairwise disjoint keys (greedily): each needs a stanza of its
/// own, so a file with fewer stanzas leaves one of them out. A lower bound, never too high.
size_t hosts_needing_own_stanza(const std::set<std::string>& hosts,
                                const std::map<std::string, std::vector<std::string>>& keys) {
  std::set<std::string> taken;
  size_t count = 0;
  for (const std::string& host : hosts) {
    const auto it = keys.find(host);
    if (it == keys.end()) continue;
    const bool shares = std::any_of(it->second.begin(), it->second.end(), [&](const auto& key) {
      return taken.count(key) != 0;
    });
    if (shares) continue;
    taken.insert(it->second.begin(), it->second.end());
    ++count;
  }
  return count;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void check_use(const std::string& source,
               const SecretUse& use,
               const std::map<std::string, std::vector<std::string>>& keys,
               Collector& out) {
  std::set<std::string> unknown;
  std::string recipients_args;
  for (const std::string& host : use.hosts) {
    if (keys.count(host) == 0) unknown.insert(host);
    recipients_args += "-R " + recipients_path(host) + " ";
  }
  const std::string reencrypt = "age " + recipients_args + "-o " + source + " PLAINTEXT";
  if (!unknown.empty()) {
    out.add(Severity::error,
            use.file,
            use.field,
            source + " is encrypted, but no recipients file says that " + joined(unknown) +
                " (which get it) can decrypt it",
            "on each such host: age-keygen -y /etc/tether/age.key > " +
                recipients_path(*unknown.begin()) + " in the repo, then " + reencrypt);
    return;
  }
  auto header = read_age_header(use.content);
  if (!header) return;  // the loader reports it
  const size_t needed = hosts_needing_own_stanza(use.hosts, keys);
  if (header->key_stanzas() >= needed) return;
  out.add(Severity::error,
          use.file,
          use.field,
          source + " is encrypted to " + std::to_string(header->key_stanzas()) +
              " recipient(s), but the hosts that get it (" + joined(use.hosts) +
              ") need at least " + std::to_string(needed) + ": some of them cannot decrypt it",
          "re-encrypt it to all of them: " + reencrypt);
}

}  // namespace

void check_secrets(const StateSnapshot& snapshot,
                   const std::vector<HostInfo>& hosts,
                   const std::vector<ServiceInfo>& services,
                   Collector& out) {
  const auto keys = read_recipients(snapshot, out);
  for (const auto& [source, use] : secret_uses(snapshot, hosts, services)) {
    check_use(source, use, keys, out);
  }
}

}  // namespace tether::review::validate_detail
