// ganlite/models/vae.hpp — a convolutional variational autoencoder for 28x28 images, built from
// the seed DCGAN's layers (models/dcgan.hpp), so the GAN and the VAE differ in their objective,
// not their capacity.
//
// encoder: x (28, 28, 1 + K) -> Conv2D 64 5x5 s2 -> LeakyReLU -> Conv2D 128 5x5 s2 -> LeakyReLU
//          -> Flatten -> Dense 2L: mu (L) and log sigma^2 (L) side by side (losses/vae_terms.hpp)
// decoder: z (L + K) -> Dense 7*7*256 -> BN -> LeakyReLU -> Reshape (7, 7, 256)
//          -> Conv2DTranspose 128 5x5 s1 -> BN -> LeakyReLU -> Conv2DTranspose 64 5x5 s2 -> BN
//          -> LeakyReLU -> Conv2DTranspose 1 5x5 s2, with a bias: one Bernoulli logit per pixel
// Conditional on K classes as the GAN is (train/conditioning.hpp): the encoder sees K label planes
// beside the image, the decoder the one-hot class beside z. The latent size L is 16 by default.
#pragma once
#include "dcgan.hpp"

namespace ganlite {

inline constexpr int kVaeLatent = 16;

template <class T>
Sequential<T> make_vae_encoder(Rng& init, int latent = kVaeLatent, int classes = 0) {
  Sequential<T> e("encoder", {28, 28, 1 + classes});
  int channels = 1 + classes;
  for (int filters : {64, 128}) {
    e.add(Conv2D<T>(Conv2dOptions(channels, filters, 5).stride(2).padding(Padding::Same), init));
    e.add(LeakyReLU<T>());
    channels = filters;
  }
  e.add(Flatten<T>());
  e.add(Dense<T>(DenseOptions(7 * 7 * 128, 2 * latent), init));
  return e;
}

template <class T>
Sequential<T> make_vae_decoder(Rng& init, int latent = kVaeLatent, int classes = 0) {
  Sequential<T> d("decoder", {latent + classes});
  d.add(Dense<T>(DenseOptions(latent + classes, 7 * 7 * 256).bias(false), init));
  d.add(BatchNorm<T>(7 * 7 * 256));
  d.add(LeakyReLU<T>());
  d.add(Reshape<T>(Shape{7, 7, 256}));
  const int filters[3] = {128, 64, 1}, strides[3] = {1, 2, 2};
  int channels = 256;
  for (int i = 0; i < 3; ++i) {
    d.add(Conv2DTranspose<T>(Conv2dOptions(channels, filters[i], 5).stride(strides[i]).padding(Padding::Same).bias(i == 2), init));
    channels = filters[i];
    if (i < 2) {
      d.add(BatchNorm<T>(channels));
      d.add(LeakyReLU<T>());
    }
  }
  return d;
}

}  // namespace ganlite
