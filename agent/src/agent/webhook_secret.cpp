#include "agent/webhook_secret.hpp"

#include "api/webhook.hpp"
#include "core/files.hpp"

namespace tether {

Result<std::string> load_webhook_secret(const AgentConfig& config) {
  if (config.webhook_secret_file.empty()) return std::string();
  auto content = read_file(config.webhook_secret_file);
  if (!content) {
    return Error{"api.webhookSecretFile: " + content.error().describe(),
                 "create the file with a random secret (e.g. openssl rand -hex 32) and give the "
                 "same secret to the Git server's webhook"};
  }
  std::string secret = webhook_secret_of(*content);
  if (secret.empty()) {
    return Error{"api.webhookSecretFile " + config.webhook_secret_file + " is empty",
                 "write a random secret into it (e.g. openssl rand -hex 32)"};
  }
  return secret;
}

}  // namespace tether
