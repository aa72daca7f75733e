// ganlite/models/dcgan.hpp — the seed DCGAN (the TensorFlow DCGAN tutorial model), built with
// Keras' defaults: Glorot-uniform kernels, zero biases, LeakyReLU slope 0.3, BatchNorm momentum
// 0.99 / epsilon 1e-3, no bias in the generator.
//
// generator:     z (100) -> Dense 7*7*256 -> BN -> LeakyReLU -> Reshape (7,7,256)
//                -> Conv2DTranspose 128 5x5 s1 -> BN -> LeakyReLU      (7,7,128)
//                -> Conv2DTranspose  64 5x5 s2 -> BN -> LeakyReLU      (14,14,64)
//                -> Conv2DTranspose   1 5x5 s2 -> tanh                 (28,28,1)
//                2,330,944 parameters, 2,305,472 trainable.
// discriminator: x (28,28,1) -> Conv2D 64 5x5 s2 -> LeakyReLU -> Dropout 0.3
//                -> Conv2D 128 5x5 s2 -> LeakyReLU -> Dropout 0.3 -> Flatten -> Dense 1 (logit)
//                212,865 parameters.
//                With spectral_norm, each Conv2D and the Dense are spectrally normalized
//                (layers/spectral_norm.hpp; Miyato et al. 2018): the same parameters, and a
//                power-iteration vector each (64, 128 and 1 numbers).
#pragma once
#include "../layers/activations.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/conv2d_transpose.hpp"
#include "../layers/dense.hpp"
#include "../layers/dropout.hpp"
#include "../layers/reshape.hpp"
#include "../layers/spectral_norm.hpp"
#include "sequential.hpp"

namespace ganlite {

inline constexpr int kNoiseDim = 100;

template <class T>
Sequential<T> make_generator(Rng& init_rng, int noise_dim = kNoiseDim) {
  Sequential<T> g("generator", {noise_dim});
  g.add(Dense<T>(DenseOptions(noise_dim, 7 * 7 * 256).bias(false), init_rng));
  g.add(BatchNorm<T>(7 * 7 * 256));
  g.add(LeakyReLU<T>());
  g.add(Reshape<T>(Shape{7, 7, 256}));
  const int filters[3] = {128, 64, 1}, strides[3] = {1, 2, 2};
  int channels = 256;
  for (int i = 0; i < 3; ++i) {
    g.add(Conv2DTranspose<T>(Conv2dOptions(channels, filters[i], 5).stride(strides[i]).padding(Padding::Same).bias(false), init_rng));
    channels = filters[i];
    if (i < 2) {
      g.add(BatchNorm<T>(channels));
      g.add(LeakyReLU<T>());
    }
  }
  g.add(Tanh<T>());
  return g;
}

// dropout_rng is kept by the Dropout layers (by reference) and must outlive the model.
// dropout_rate is the seed's 0.3; the reference comparison with PyTorch sets 0 (no random masks).
// in_channels: 1, or 1 + K when the image comes with K label planes (a conditional GAN).
template <class T>
Sequential<T> make_discriminator(Rng& init_rng, Rng& dropout_rng, double dropout_rate = 0.3, int in_channels = 1, bool spectral_norm = false) {
  Sequential<T> d("discriminator", {28, 28, in_channels});
  // Each layer's power-iteration vector is drawn right after its kernel.
  auto add = [&](auto layer) {
    if (spectral_norm)
      d.add(SpectralNormalization<T>(std::move(layer), init_rng));
    else
      d.add(std::move(layer));
  };
  int channels = in_channels;
  for (int filters : {64, 128}) {
    add(Conv2D<T>(Conv2dOptions(channels, filters, 5).stride(2).padding(Padding::Same), init_rng));
    d.add(LeakyReLU<T>());
    d.add(Dropout<T>(dropout_rate, dropout_rng));
    channels = filters;
  }
  d.add(Flatten<T>());
  add(Dense<T>(DenseOptions(7 * 7 * 128, 1), init_rng));
  return d;
}

}  // namespace ganlite
