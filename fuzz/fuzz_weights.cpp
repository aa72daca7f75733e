// libFuzzer target: the weights-file reader (a small model, so inputs can be complete files).
#include <ganlite/ganlite.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ganlite::Rng rng(1);
  static ganlite::Sequential<float> model = [] {
    ganlite::Sequential<float> m("fuzz", {3});
    m.add(ganlite::Dense<float>(ganlite::DenseOptions(3, 2), rng));
    m.add(ganlite::BatchNorm<float>(2));
    return m;
  }();
  const std::string path = fuzz_file(data, size);
  try {
    ganlite::load_weights(model, path);
  } catch (const ganlite::IoError&) {
  }
  return 0;
}
