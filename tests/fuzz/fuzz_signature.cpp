// Signature parsing: the input is an allowed_signers file and an armored SSHSIG, split at the
// first NUL. Both are parsed and the signature verified over a fixed message; every outcome
// must be a value or an Error, never an out-of-bounds read.
#include "trust/allowed_signers.hpp"
#include "trust/ssh_signature.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string_view signers_text = input.substr(0, split);
  const std::string_view signature =
      split == std::string_view::npos ? input : input.substr(split + 1);
  auto signers = tether::parse_allowed_signers(signers_text);
  const tether::AllowedSigners empty;
  (void)tether::verify_ssh_signature(signature,
                                     "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
                                     signers ? *signers : empty,
                                     std::chrono::system_clock::now());
  return 0;
}
