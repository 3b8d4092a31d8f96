# Precompiled headers for the heavy third-party headers. A cold build spends most of its time
# parsing the same few headers again in every translation unit (nlohmann/json alone costs
# several seconds per file at -O0 and more under the sanitizers; gtest/gmock and Boost.Process
# likewise in the test suites), so each target parses its set once. Measured figures:
# BENCHMARKS.md ("Build time"). TETHER_PCH=OFF builds without them, e.g. to check that every
# file includes what it uses.
option(TETHER_PCH "Precompile the heavy third-party headers" ON)

# ccache caches a compile that uses a precompiled header only when told that the header's
# defines and time macros may be ignored, and that a freshly built .gch (mtime/ctime newer than
# the compile) is fine to hash.
if(CCACHE_PROGRAM)
  find_program(ENV_PROGRAM env REQUIRED)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      "${ENV_PROGRAM}"
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "${CCACHE_PROGRAM}")
endif()

# Per target rather than one shared PCH (REUSE_FROM): the targets differ in compile
# definitions, which a shared .gch would have to match exactly.
function(tether_precompile target)
  if(TETHER_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
