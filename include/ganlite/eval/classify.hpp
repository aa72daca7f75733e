// ganlite/eval/classify.hpp — run a classifier over many images in bounded-memory batches.
#pragma once
#include <algorithm>

#include "../losses/softmax_cross_entropy.hpp"
#include "../models/classifier.hpp"

namespace ganlite {

struct Classified {
  Tensor<float> probs;     // (N, K) softmax probabilities
  Tensor<float> features;  // (N, D) penultimate activations, if asked for
};

// images: (N, 28, 28, 1) in [-1, 1]. Eval mode.
inline Classified classify(Sequential<float>& model, const Tensor<float>& images, bool with_features = false,
                           std::size_t feature_layers = kClassifierFeatureLayers, int batch = 500) {
  const int n = images.dim(0);
  const std::size_t per = images.size() / n;
  Classified out;
  Tensor<float> chunk, p;
  for (int i = 0; i < n; i += batch) {
    const int b = std::min(batch, n - i);
    Shape s = images.shape();
    s[0] = b;
    chunk.resize(s);
    std::copy(images.data() + i * per, images.data() + (i + b) * per, chunk.data());
    if (with_features) {
      const Tensor<float>& f = model.forward_prefix(chunk, Mode::Eval, feature_layers);
      const int d = static_cast<int>(f.size() / b);
      if (i == 0) out.features.resize({n, d});
      std::copy(f.begin(), f.end(), out.features.data() + static_cast<std::size_t>(i) * d);
    }
    softmax_rows(model.forward(chunk, Mode::Eval), p);
    const int k = p.dim(1);
    if (i == 0) out.probs.resize({n, k});
    std::copy(p.begin(), p.end(), out.probs.data() + static_cast<std::size_t>(i) * k);
  }
  return out;
}

inline int argmax_row(const Tensor<float>& probs, int row) {
  const int k = probs.dim(1);
  const float* p = probs.data() + static_cast<std::size_t>(row) * k;
  return static_cast<int>(std::max_element(p, p + k) - p);
}

}  // namespace ganlite
