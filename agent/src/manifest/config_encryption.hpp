#pragma once

// secrets (#23): `spec.config[].encryption` and what it asks of the rest of a Service.

#include "manifest/yaml_fields.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

namespace tether {

/// `encryption` of the config entry `item` at `item_path`: absent is `none`; "age" is the only
/// format. nullopt (with the error recorded through `r`) for anything else.
std::optional<ConfigEncryption> read_config_encryption(FieldReader& r,
                                                       const YAML::Node& item,
                                                       const std::string& item_path);

/// Refuses encrypted config files for container services: their config files are mounted from
/// a dir shared by every container of that config hash, outside any release, and decrypted
/// plaintext there is not supported yet. True when there is none.
bool check_encrypted_config_workload(FieldReader& r,
                                     const YAML::Node& spec,
                                     const Service& service);

/// Whether `content`, declared `encryption: age`, is age ciphertext: "" when it is, else why
/// not, worded for an operator who may just have committed a plaintext secret.
[[nodiscard]] std::string encrypted_content_problem(const std::string& source,
                                                    const std::string& content);

}  // namespace tether
