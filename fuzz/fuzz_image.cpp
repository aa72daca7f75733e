// libFuzzer target: image input of mnist_classifier predict (stb_image through read_image_gray).
#include <ganlite/io/image.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz_file(data, size, ".img");
  try {
    const ganlite::GrayImage img = ganlite::read_image_gray(path);
    if (img.pixels.size() != static_cast<std::size_t>(img.width) * img.height) __builtin_trap();
  } catch (const ganlite::IoError&) {
  }
  return 0;
}
