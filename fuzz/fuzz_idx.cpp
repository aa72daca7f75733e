// libFuzzer target: the IDX readers (bytes and float32, plain and gzip) must accept or throw
// IoError, never crash.
#include <ganlite/io/idx.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz_file(data, size);
  for (int rank : {1, 3}) {
    try {
      ganlite::read_idx(path, rank, std::size_t(1) << 24);
    } catch (const ganlite::IoError&) {
    }
    try {
      ganlite::read_idx_floats(path, rank + 1, std::size_t(1) << 22);
    } catch (const ganlite::IoError&) {
    }
  }
  return 0;
}
