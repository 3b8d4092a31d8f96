#pragma once

namespace tether {

/// Re-executes the daemon once so that gnutls skips its implicit initialisation.
///
/// tether links gnutls only indirectly, through libcurl's LDAP and RTMP back ends, which it never
/// uses (its TLS is OpenSSL). gnutls still initialises itself in a library constructor, before
/// main, loading p11-kit and its trust modules: about 0.85 MiB of resident memory that a daemon
/// on every host would carry for nothing. The only switch is the environment variable
/// GNUTLS_NO_IMPLICIT_INIT, read by that constructor, so it has to be set before the process
/// image starts: this sets it and execs the same binary with the same argv (same pid, same
/// process name). In the new
/// image the variable is removed again, so services and hooks started by the agent inherit the
/// operator's environment unchanged. Does nothing when the operator set the variable, and carries
/// on as is when the exec fails.
void reexec_without_implicit_tls_init(char** argv);

}  // namespace tether
