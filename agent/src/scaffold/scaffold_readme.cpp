#include "scaffold/scaffold_text.hpp"

namespace tether::scaffold_text {

// The README of a new state repo: what goes where, and the day-to-day commands. The service
// template is the one docs/first-state-repo.md fills in, and it validates as written once the
// placeholders are replaced.
std::string readme(const std::string& branch) {
  return R"(# Desired state for tether

This repository is the only source of truth for what runs on the hosts that follow it: every
tether agent polls branch `)" +
         branch + R"(`, validates the commit and converges its host to it. Change
hosts by changing files here, through pull requests.

```
services/<name>.yaml      one Service per file: the release to run, how to run and check it
hosts/<host-id>.yaml      optional: a host's labels and per-service overrides
config/<name>/...         config files that services place in their release dir
secrets/recipients/<host-id>.txt   a host's age public key, for encrypted config files
.tether/schema/           JSON Schemas of the manifests, for editors (see .vscode/settings.json)
```

## A service

Save as `services/web.yaml` (the file name is the service name); CI produces the `version`,
`commit` and `sha256` values of each release:

```yaml
# yaml-language-server: $schema=../.tether/schema/service.schema.json
apiVersion: tether.dev/v1
kind: Service
metadata:
  name: web
spec:
  selector: {role: web}          # host labels that must all match; absent = every host
  release:
    version: "1.4.2"
    commit: "<40 hex: the source commit the build came from>"
    artifact:
      url: "https://artifacts.example.com/web/web-1.4.2.tar.gz"
      sha256: "<64 hex: sha256sum of the archive>"
    binary:
      path: bin/web
      sha256: "<64 hex: sha256sum of bin/web inside the archive>"
  run:
    exec:
      command: ["bin/web", "--port", "8080"]
  health:
    http: {url: "http://127.0.0.1:8080/healthz", status: 200}
    deadline: 30s
  rollout:
    percent: 100
```

## Secrets

A config file can be committed encrypted with age (`encryption: age` on its `spec.config`
entry); each host decrypts it at install with its own key (docs/secrets.md):

```sh
age-keygen -o /etc/tether/age.key                               # on the host, once (0600)
age-keygen -y /etc/tether/age.key > secrets/recipients/web-01.txt   # its public key, here
age -R secrets/recipients/web-01.txt -o config/web/secret.env.age secret.env   # never commit secret.env
```

## Every day

```sh
tether validate --repo . HEAD                                # what every agent would refuse
tether plan --repo . --from origin/)" +
         branch + R"( --to HEAD     # per host: what merging does
git revert <commit>                                          # a rollback is a revert, via a PR
```

The CI pipeline `tether init --ci github|gitlab` added runs `tether validate` on every push
and posts `tether plan` on pull requests.
)";
}

}  // namespace tether::scaffold_text
