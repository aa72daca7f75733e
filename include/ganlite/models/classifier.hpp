// ganlite/models/classifier.hpp — a digit classifier in the shape seed 1 teaches: convolution,
// ReLU and pooling twice, then fully connected layers (logits; train with softmax cross-entropy).
//
// x (28,28,1) -> Conv2D 32 3x3 same -> ReLU -> MaxPool 2 -> Conv2D 64 3x3 same -> ReLU -> MaxPool 2
//   -> Flatten (3136) -> Dense 128 -> ReLU [penultimate features] -> Dropout 0.3 -> Dense 10
#pragma once
#include "../layers/activations.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/dropout.hpp"
#include "../layers/maxpool2d.hpp"
#include "../layers/reshape.hpp"
#include "sequential.hpp"

namespace ganlite {

// Layers [0, kClassifierFeatureLayers) produce the 128-d penultimate features (FID space).
inline constexpr std::size_t kClassifierFeatureLayers = 9;

template <class T>
Sequential<T> make_mnist_classifier(Rng& init_rng, Rng& dropout_rng) {
  Sequential<T> m("classifier", {28, 28, 1});
  int channels = 1;
  for (int filters : {32, 64}) {
    m.template emplace<Conv2D<T>>(channels, ConvSpec{filters, 3, 3, 1, 1, Padding::Same, true}, init_rng);
    m.template emplace<ReLU<T>>();
    m.template emplace<MaxPool2D<T>>(2, 2, Padding::Valid);
    channels = filters;
  }
  m.template emplace<Flatten<T>>();
  m.template emplace<Dense<T>>(7 * 7 * 64, 128, true, init_rng);
  m.template emplace<ReLU<T>>();
  m.template emplace<Dropout<T>>(0.3, dropout_rng);
  m.template emplace<Dense<T>>(128, 10, true, init_rng);
  return m;
}

}  // namespace ganlite
