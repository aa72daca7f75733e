// ganlite/io/image.hpp — 8-bit grayscale images: digit grids, PNG write and read (stb).
//
// stb is compiled here with static linkage (STB_*_STATIC), so this header-only library brings
// its own private copy and never clashes with a consumer's stb.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../tensor.hpp"
#include "authorship.hpp"
#include "binary_file.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#ifndef GANLITE_NO_STB_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#endif
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace ganlite {

struct GrayImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major
};

// A value in [-1, 1] (tanh output) to a byte, as the seed's `x * 127.5 + 127.5`.
inline std::uint8_t to_byte(float v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(v * 127.5f + 127.5f, 0.0f, 255.0f)));
}

// Tiles the first rows*cols images of x: (N, H, W, 1), values in [-1, 1], into one image with
// `gap` pixels of black between tiles, every pixel scaled up `scale` times.
inline GrayImage make_grid(const Tensor<float>& x, int rows, int cols, int scale = 2, int gap = 2) {
  const int n = x.dim(0), h = x.dim(1), w = x.dim(2);
  GrayImage img;
  img.width = cols * w * scale + (cols + 1) * gap;
  img.height = rows * h * scale + (rows + 1) * gap;
  img.pixels.assign(static_cast<std::size_t>(img.width) * img.height, 0);
  for (int t = 0; t < std::min(n, rows * cols); ++t) {
    const int r = t / cols, c = t % cols;
    const int y0 = gap + r * (h * scale + gap), x0 = gap + c * (w * scale + gap);
    for (int y = 0; y < h * scale; ++y)
      for (int xx = 0; xx < w * scale; ++xx)
        img.pixels[static_cast<std::size_t>(y0 + y) * img.width + x0 + xx] =
            to_byte(x[(static_cast<std::size_t>(t) * h + y / scale) * w + xx / scale]);
  }
  return img;
}

inline void write_png(const std::string& path, const GrayImage& img) {
  std::string bytes;
  auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); };
  if (!stbi_write_png_to_func(sink, &bytes, img.width, img.height, 1, img.pixels.data(), img.width))
    throw IoError("cannot encode PNG for " + path);
  write_file_atomic(path, png_with_author(bytes));  // marked, so a run can prove it wrote it (authorship.hpp)
}

// One pixel of `channels` interleaved 8-bit values (gray, gray+alpha, RGB, RGBA) as gray, by the
// same integer weights as stb's own conversion (77, 150, 29 out of 256), alpha ignored.
inline std::uint8_t luma(const unsigned char* px, int channels) {
  if (channels < 3) return px[0];
  return static_cast<std::uint8_t>((px[0] * 77 + px[1] * 150 + px[2] * 29) >> 8);
}

// Reads any image stb understands (PNG, JPEG, BMP, ...) as 8-bit grayscale. The header's size is
// checked before decoding: a few bytes claiming 30000 x 30000 pixels must not allocate gigabytes.
inline GrayImage read_image_gray(const std::string& path, long max_pixels = 16L << 20) {
  const std::string data = read_file(path, std::size_t(64) << 20);
  // stb's PNM header parser overflows a signed int on numbers of 10+ digits (undefined
  // behaviour, found by fuzz_image): such a header is refused before stb reads it.
  if (data.size() >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') {
    int run = 0;
    for (std::size_t i = 2; i < std::min<std::size_t>(data.size(), 256); ++i) {
      run = (data[i] >= '0' && data[i] <= '9') ? run + 1 : 0;
      if (run > 9) throw IoError(path + ": not a readable image (PNM header number too long)");
    }
  }
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(data.data()), static_cast<int>(data.size()), &w, &h, &channels))
    throw IoError(path + ": not a readable image (" + std::string(stbi_failure_reason()) + ")");
  if (w <= 0 || h <= 0 || static_cast<long>(w) * h > max_pixels)
    throw IoError(path + ": image of " + std::to_string(w) + " x " + std::to_string(h) + " pixels is too large");
  // stb's PNM reader converts a 16-bit colour PNM to the requested channels as if it were 8-bit,
  // then narrows it as 16-bit: a heap overflow (found by fuzz_image). A PNM is therefore decoded
  // in its own channels and made gray here; stb converts every other format itself.
  const bool is_pnm = data.size() >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6');
  int decoded = 0;
  unsigned char* p = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(data.data()), static_cast<int>(data.size()), &w,
                                           &h, &decoded, is_pnm ? 0 : 1);
  if (!p) throw IoError(path + ": not a readable image (" + std::string(stbi_failure_reason()) + ")");
  const int stride = is_pnm ? decoded : 1;
  GrayImage img{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
  for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = luma(p + i * stride, stride);
  stbi_image_free(p);
  return img;
}

}  // namespace ganlite
