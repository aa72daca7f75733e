// ganlite/layers/init.hpp — Keras' Glorot-uniform initialisation.
//
// U(-l, l) with l = sqrt(6 / (fan_in + fan_out)). For a kernel of shape (..., a, b) Keras takes
// fan_in = receptive * a and fan_out = receptive * b, receptive = product of the leading dims.
// It matters: this DCGAN trained with PyTorch's default init collapses to one image.
#pragma once
#include <cmath>

#include "../rng.hpp"
#include "../tensor.hpp"

namespace ganlite {

template <class T>
void glorot_uniform(Tensor<T>& w, Rng& rng) {
  const Shape& s = w.shape();
  double receptive = 1;
  for (int i = 0; i + 2 < w.rank(); ++i) receptive *= s[i];
  const double fan_in = receptive * s[s.size() - 2], fan_out = receptive * s.back();
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  for (auto& v : w) v = static_cast<T>(rng.uniform(-limit, limit));
}

}  // namespace ganlite
