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
    m.add(Conv2D<T>(Conv2dOptions(channels, filters, 3).padding(Padding::Same), init_rng));
    m.add(ReLU<T>());
    m.add(MaxPool2D<T>(2, 2, Padding::Valid));
    channels = filters;
  }
  m.add(Flatten<T>());
  m.add(Dense<T>(DenseOptions(7 * 7 * 64, 128), init_rng));
  m.add(ReLU<T>());
  m.add(Dropout<T>(0.3, dropout_rng));
  m.add(Dense<T>(DenseOptions(128, 10), init_rng));
  return m;
}

}  // namespace ganlite
