// examples/common/image_files.hpp — images a program drew, written as an IDX file (and their
// labels beside them), the pair whole or neither.
#pragma once
#include <cstdint>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/run_folder.hpp>
#include <string>
#include <utility>
#include <vector>

namespace examples {

inline bool is_idx(const std::string& out) { return out.size() > 4 && out.compare(out.size() - 4, 4, ".idx") == 0; }

// Images (N, 28, 28, 1) as an IDX file: bytes 0-255, or float32 pixels in [-1, 1] as drawn; with
// their labels in lpath beside them when it is given.
inline void write_images_idx(const std::string& out, const ganlite::Tensor<float>& all, bool float_pixels, const std::string& lpath,
                             const std::vector<int>& labels) {
  using namespace ganlite;
  const auto n = static_cast<std::uint32_t>(all.dim(0));
  std::string images;
  if (float_pixels) {
    images = idx_float_bytes({n, 28, 28}, all.data());
  } else {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(all.size());
    for (float v : all) bytes.push_back(to_byte(v));
    images = idx_bytes({n, 28, 28}, bytes);
  }
  std::vector<std::pair<std::string, std::string>> files = {{out, images}};
  if (!lpath.empty())  // classes are at most 256: each label fits its byte
    files.push_back({lpath, idx_bytes({n}, std::vector<std::uint8_t>(labels.begin(), labels.end()))});
  write_files_atomic(files);
}

}  // namespace examples
