// ganlite/losses/softmax_cross_entropy.hpp — softmax + categorical cross-entropy on logits,
// averaged over the batch (Keras SparseCategoricalCrossentropy(from_logits=True)).
//
// z: (B, K) logits, labels: B class indices in [0, K)
//   p = softmax(z) (max-shifted for stability);  loss = mean_i( -log p[i, label_i] )
//   dL/dz = (p - onehot(label)) / B
#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

// Row-wise softmax of (B, K) logits into probs.
template <class T>
void softmax_rows(const Tensor<T>& z, Tensor<T>& probs) {
  const int B = z.dim(0), K = static_cast<int>(z.size() / z.dim(0));
  probs.resize(z.shape());
  for (int i = 0; i < B; ++i) {
    const T* zi = z.data() + static_cast<std::size_t>(i) * K;
    T* pi = probs.data() + static_cast<std::size_t>(i) * K;
    T m = zi[0];
    for (int k = 1; k < K; ++k) m = std::max(m, zi[k]);
    double s = 0;
    for (int k = 0; k < K; ++k) s += std::exp(static_cast<double>(zi[k] - m));
    for (int k = 0; k < K; ++k) pi[k] = static_cast<T>(std::exp(static_cast<double>(zi[k] - m)) / s);
  }
}

template <class T, class Label>
T softmax_cross_entropy(const Tensor<T>& z, const std::vector<Label>& labels, Tensor<T>* dz = nullptr) {
  const int B = z.dim(0), K = static_cast<int>(z.size() / z.dim(0));
  if (static_cast<int>(labels.size()) != B)
    throw std::invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for batch " +
                                std::to_string(B));
  Tensor<T> local;
  Tensor<T>& p = dz ? *dz : local;
  softmax_rows(z, p);
  double loss = 0;
  for (int i = 0; i < B; ++i) {
    const int y = static_cast<int>(labels[i]);
    if (y < 0 || y >= K) throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(y) + " out of range");
    T* pi = p.data() + static_cast<std::size_t>(i) * K;
    const T* zi = z.data() + static_cast<std::size_t>(i) * K;
    double m = zi[0], s = 0;  // -log p_y = log(sum exp(z - m)) + m - z_y, exact for any logits
    for (int k = 1; k < K; ++k) m = std::max(m, static_cast<double>(zi[k]));
    for (int k = 0; k < K; ++k) s += std::exp(zi[k] - m);
    loss += std::log(s) + m - zi[y];
    if (dz) {
      pi[y] -= T(1);
      for (int k = 0; k < K; ++k) pi[k] /= static_cast<T>(B);
    }
  }
  return static_cast<T>(loss / B);
}

}  // namespace ganlite
