// ganlite/losses/bce_with_logits.hpp — binary cross-entropy on logits, averaged over the batch
// (Keras BinaryCrossentropy(from_logits=True)).
//
// z: (B, 1) or (B,) logits, t: targets in [0, 1]
//   loss = mean_i( max(z,0) - z t + log(1 + exp(-|z|)) )   — stable for any |z|
//   dL/dz = (sigmoid(z) - t) / B
#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../tensor.hpp"

namespace ganlite {

template <class T>
T sigmoid(T z) {
  return z >= T(0) ? T(1) / (T(1) + std::exp(-z)) : std::exp(z) / (T(1) + std::exp(z));
}

namespace detail {
template <class T, class TargetAt>
T bce_with_logits_impl(const Tensor<T>& z, TargetAt target_at, Tensor<T>* dz, T scale) {
  const std::size_t n = z.size();
  if (n == 0) throw std::invalid_argument("bce_with_logits: empty batch");
  if (dz) dz->resize(z.shape());
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double zi = z[i], ti = target_at(i);
    sum += std::max(zi, 0.0) - zi * ti + std::log1p(std::exp(-std::abs(zi)));
    if (dz) (*dz)[i] = static_cast<T>(scale * (sigmoid(zi) - ti) / static_cast<double>(n));
  }
  return static_cast<T>(sum / n);
}
}  // namespace detail

// Per-sample targets. If dz is non-null it is resized to z's shape and SET (not accumulated)
// to scale * dL/dz.
template <class T>
T bce_with_logits(const Tensor<T>& z, const Tensor<T>& targets, Tensor<T>* dz = nullptr, T scale = T(1)) {
  if (targets.size() != z.size()) throw std::invalid_argument("bce_with_logits: logits and targets differ in size");
  return detail::bce_with_logits_impl(z, [&](std::size_t i) { return static_cast<double>(targets[i]); }, dz, scale);
}

// All targets equal to `target` (a GAN's real = 1 / fake = 0 labels).
template <class T>
T bce_with_logits(const Tensor<T>& z, T target, Tensor<T>* dz = nullptr, T scale = T(1)) {
  return detail::bce_with_logits_impl(z, [&](std::size_t) { return static_cast<double>(target); }, dz, scale);
}

}  // namespace ganlite
