// Prints "<sha256>  <file>" per argument, like sha256sum, through tether's own file hashing path
// (the one that verifies artifacts and release files), so scripts/bench.sh can time it against
// sha256sum and openssl on the same file.
#include "core/sha256.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tether-sha256 FILE...\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    auto digest = tether::Sha256::of_file(argv[i]);
    if (!digest) {
      std::fprintf(stderr, "tether-sha256: %s\n", digest.error().describe().c_str());
      status = 1;
      continue;
    }
    std::printf("%s  %s\n", digest->c_str(), argv[i]);
  }
  return status;
}
