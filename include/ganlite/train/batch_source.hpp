// ganlite/train/batch_source.hpp — where the training loop's images come from.
//
// A BatchSource is the dataset as the loop sees it: how many images, and how to copy a list of
// them (by index) into a batch tensor (n, H, W, C) with their classes. The loop decides the
// order; the source only copies, so a dataset can stay in whatever form is cheapest to keep.
//   byte_images     8-bit pixels (as IDX files hold them), scaled to [-1, 1] as they are copied
//                   — MNIST stays 47 MB of bytes instead of 188 MB of floats
//   tensor_images   images already in a Tensor (N, H, W, C)
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

template <class T>
struct BatchSource {
  int count = 0;  // images in the dataset
  // Copies images indices[0..n) into batch (resized to (n, H, W, C)) and their classes into labels.
  std::function<void(const int* indices, int n, Tensor<T>& batch, std::vector<int>& labels)> gather;
};

// A pixel p in 0..255 as the seed scales it: (p - 127.5) / 127.5, in [-1, 1].
template <class T>
T scaled_pixel(std::uint8_t p) {
  return (static_cast<T>(p) - T(127.5)) / T(127.5);
}

// count images of (rows, cols, channels) bytes each, and their labels (nullptr: no classes, all
// 0). The bytes must outlive the source.
template <class T>
BatchSource<T> byte_images(const std::uint8_t* pixels, const std::uint8_t* labels, int count, int rows, int cols, int channels = 1) {
  const std::size_t size = static_cast<std::size_t>(rows) * cols * channels;
  BatchSource<T> s;
  s.count = count;
  s.gather = [=](const int* idx, int n, Tensor<T>& batch, std::vector<int>& y) {
    batch.resize({n, rows, cols, channels});
    y.resize(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      const std::uint8_t* src = pixels + static_cast<std::size_t>(idx[j]) * size;
      std::transform(src, src + size, batch.data() + static_cast<std::size_t>(j) * size, scaled_pixel<T>);
      y[static_cast<std::size_t>(j)] = labels ? labels[idx[j]] : 0;
    }
  };
  return s;
}

// Images (N, H, W, C) already scaled as G draws them, and their labels (empty: no classes).
// Both must outlive the source.
template <class T>
BatchSource<T> tensor_images(const Tensor<T>& images, const std::vector<int>& labels) {
  if (images.rank() != 4) throw std::invalid_argument("tensor_images: images must be (N, H, W, C), not " + shape_str(images.shape()));
  if (!labels.empty() && static_cast<int>(labels.size()) != images.dim(0))
    throw std::invalid_argument("tensor_images: " + std::to_string(labels.size()) + " labels for " + std::to_string(images.dim(0)) + " images");
  BatchSource<T> s;
  s.count = images.dim(0);
  s.gather = [&images, &labels](const int* idx, int n, Tensor<T>& batch, std::vector<int>& y) {
    const std::size_t size = images.size() / static_cast<std::size_t>(images.dim(0));
    batch.resize({n, images.dim(1), images.dim(2), images.dim(3)});
    y.resize(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) {
      std::copy_n(images.data() + static_cast<std::size_t>(idx[j]) * size, size, batch.data() + static_cast<std::size_t>(j) * size);
      y[static_cast<std::size_t>(j)] = labels.empty() ? 0 : labels[static_cast<std::size_t>(idx[j])];
    }
  };
  return s;
}

}  // namespace ganlite
