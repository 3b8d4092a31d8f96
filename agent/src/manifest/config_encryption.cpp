#include "manifest/config_encryption.hpp"

#include "manifest/age_header.hpp"

namespace tether {

std::optional<ConfigEncryption> read_config_encryption(FieldReader& r,
                                                       const YAML::Node& item,
                                                       const std::string& item_path) {
  const auto value =
      r.string(item, item_path, "encryption", Need::optional, [](const std::string& v) {
        return v == "age" ? "" : "\"age\" (or no encryption field for a plain file)";
      });
  if (!item["encryption"].IsDefined()) return ConfigEncryption::none;
  if (!value) return std::nullopt;
  return ConfigEncryption::age;
}

bool check_encrypted_config_workload(FieldReader& r,
                                     const YAML::Node& spec,
                                     const Service& service) {
  if (service.container() == nullptr) return true;
  bool ok = true;
  for (size_t i = 0; i < service.config.size(); ++i) {
    if (service.config[i].encryption == ConfigEncryption::none) continue;
    r.error(spec["config"][i]["encryption"],
            "spec.config[" + std::to_string(i) + "].encryption",
            "encrypted config files are supported for release services only, not containers "
            "(their config files are mounted from a dir outside any release)");
    ok = false;
  }
  return ok;
}

std::string encrypted_content_problem(const std::string& source, const std::string& content) {
  auto header = read_age_header(content);
  if (!header) {
    return source +
           " is declared encryption: age but is not age ciphertext: " + header.error().message +
           "; if it is a plaintext secret it is in Git history now: rotate it, then commit "
           "`age -R secrets/recipients/HOST.txt -o " +
           source + " PLAINTEXT`";
  }
  if (header->key_stanzas() == 0) {
    return source +
           " is encrypted with a passphrase only (an scrypt stanza): no host can decrypt it "
           "unattended; encrypt it to the hosts' keys: age -R secrets/recipients/HOST.txt";
  }
  return "";
}

}  // namespace tether
