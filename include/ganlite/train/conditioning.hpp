// ganlite/train/conditioning.hpp — class conditioning as the Keras conditional-GAN example does it.
//
//   join_one_hot       (B, N) noise, labels  ->  (B, N + K): each row's noise, then its class one-hot
//   join_label_planes  (B, H, W, C) images, labels  ->  (B, H, W, C + K): each pixel's C channels,
//                      then K constant planes, plane k = 1 where k is the image's class, else 0
//   image_channels     (B, H, W, C + K) gradient  ->  (B, H, W, C): the image channels' part, the
//                      only part that flows back into the generator (the label planes are data)
// Plain copies: no parameters, so there is nothing to learn here and nothing to gradient-check
// beyond the copies themselves (tests/test_gan_trainer.cpp checks the whole conditional step
// against finite differences).
#pragma once
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

inline void check_labels(const std::vector<int>& labels, int batch, int classes) {
  if (static_cast<int>(labels.size()) != batch)
    throw std::invalid_argument("conditioning: " + std::to_string(labels.size()) + " labels for a batch of " + std::to_string(batch));
  for (int l : labels)
    if (l < 0 || l >= classes) throw std::invalid_argument("conditioning: label " + std::to_string(l) + " is not a class 0.." + std::to_string(classes - 1));
}

template <class T>
void join_one_hot(const Tensor<T>& z, const std::vector<int>& labels, int classes, Tensor<T>& out) {
  const int B = z.dim(0), N = static_cast<int>(z.size() / static_cast<std::size_t>(B));
  check_labels(labels, B, classes);
  out.resize({B, N + classes});
  for (int b = 0; b < B; ++b) {
    T* row = out.data() + static_cast<std::size_t>(b) * (N + classes);
    std::copy(z.data() + static_cast<std::size_t>(b) * N, z.data() + static_cast<std::size_t>(b + 1) * N, row);
    std::fill(row + N, row + N + classes, T(0));
    row[N + labels[b]] = T(1);
  }
}

template <class T>
void join_label_planes(const Tensor<T>& x, const std::vector<int>& labels, int classes, Tensor<T>& out) {
  if (x.rank() != 4) throw std::invalid_argument("join_label_planes: images must be (B, H, W, C)");
  const int B = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3), CK = C + classes;
  check_labels(labels, B, classes);
  out.resize({B, H, W, CK});
  for (int b = 0; b < B; ++b) {
    const T* src = x.data() + static_cast<std::size_t>(b) * H * W * C;
    T* dst = out.data() + static_cast<std::size_t>(b) * H * W * CK;
    for (int p = 0; p < H * W; ++p, src += C, dst += CK) {
      std::copy(src, src + C, dst);
      std::fill(dst + C, dst + CK, T(0));
      dst[C + labels[b]] = T(1);
    }
  }
}

template <class T>
void image_channels(const Tensor<T>& d, int channels, Tensor<T>& out) {
  const int B = d.dim(0), H = d.dim(1), W = d.dim(2), CK = d.dim(3);
  out.resize({B, H, W, channels});
  const T* src = d.data();
  T* dst = out.data();
  for (std::size_t p = 0; p < static_cast<std::size_t>(B) * H * W; ++p, src += CK, dst += channels) std::copy(src, src + channels, dst);
}

}  // namespace ganlite
