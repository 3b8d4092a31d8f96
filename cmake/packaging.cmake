# Install layout and the Debian package (CPack DEB): scripts/package.sh builds
# tether_<version>_amd64.deb; tests/package/deb_test.sh installs it with dpkg -i.
#
#   /usr/bin/tether                          the agent and CLI
#   /lib/systemd/system/tether.service       the hardened unit (examples/systemd/)
#   /etc/tether/agent.yaml                   conffile: commented defaults (packaging/agent.yaml)
#   /usr/share/man/man1/tether.1.gz          the man page (docs/man/tether.1)
#   /usr/share/tether/schema/*.json          the manifest JSON Schemas
#   /usr/share/tether/examples/              state repo, CI pipelines, monitoring kit
#   /usr/share/doc/tether/                   README and docs/
include(GNUInstallDirs)
# Installing (and so CPack) packages what is already built instead of building `all` first:
# the .deb test packages the test build's binary without compiling anything again, and
# scripts/package.sh builds its targets explicitly before calling cpack.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS tether RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Absolute: Debian's systemd looks in /lib/systemd/system whatever the install prefix is.
install(FILES examples/systemd/tether.service DESTINATION /lib/systemd/system)
install(FILES packaging/agent.yaml DESTINATION /etc/tether)

# Debian policy: man pages compressed with gzip -9n (no name or time stamp: reproducible).
set(TETHER_MAN_PAGE "${PROJECT_BINARY_DIR}/tether.1.gz")
add_custom_command(
  OUTPUT "${TETHER_MAN_PAGE}"
  COMMAND gzip -9nc "${PROJECT_SOURCE_DIR}/docs/man/tether.1" > "${TETHER_MAN_PAGE}"
  DEPENDS "${PROJECT_SOURCE_DIR}/docs/man/tether.1"
  VERBATIM)
add_custom_target(tether_man_page ALL DEPENDS "${TETHER_MAN_PAGE}")
install(FILES "${TETHER_MAN_PAGE}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(DIRECTORY manifests-schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tether/schema
        FILES_MATCHING PATTERN "*.json")
install(DIRECTORY examples/state-repo examples/ci examples/monitoring
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tether/examples
        USE_SOURCE_PERMISSIONS)  # examples/ci/set-release.sh stays executable
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs PATTERN "man" EXCLUDE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tether)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "tether maintainers <tether@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "GitOps reconciler agent for hosts")
# One string (separate arguments would make a CMake list, its ";" ending up in the control file).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "tether pulls a desired-state Git repository and converges this host to it: it installs\n"
       "each service's declared release, verifies its digests, switches it in atomically,\n"
       "restarts it and checks its health, rolling back by itself when it is unhealthy.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tether_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binary's DT_NEEDED entries (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
    "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
include(CPack)
