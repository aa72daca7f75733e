// A small user-built GAN for the trainer's tests, on 4x4 images with 2 channels and kClasses
// classes: G (noise + K) -> Dense -> BatchNorm -> LeakyReLU -> Reshape (4, 4, 2) ->
// Conv2DTranspose 3x3 -> Tanh; D (4, 4, 2 + K) -> Conv2D 3x3 stride 2 -> LeakyReLU -> Dropout
// (when given a rate) -> Flatten -> Dense 1.
#pragma once
#include <ganlite/ganlite.hpp>
#include <ganlite/train/gan_trainer.hpp>

namespace small_gan {

using namespace ganlite;

constexpr int kNoise = 3, kClasses = 3;

template <class T>
Sequential<T> generator(Rng& init) {
  Sequential<T> g("small_g", {kNoise + kClasses});
  g.template emplace<Dense<T>>(kNoise + kClasses, 4 * 4 * 2, false, init);
  g.template emplace<BatchNorm<T>>(4 * 4 * 2);
  g.add(make_leaky_relu<T>());
  g.template emplace<Reshape<T>>(Shape{4, 4, 2});
  g.template emplace<Conv2DTranspose<T>>(2, ConvSpec{2, 3, 3, 1, 1, Padding::Same, true}, init);
  g.template emplace<Tanh<T>>();
  return g;
}

template <class T>
Sequential<T> discriminator(Rng& init, Rng& dropout, double dropout_rate = 0) {
  Sequential<T> d("small_d", {4, 4, 2 + kClasses});
  d.template emplace<Conv2D<T>>(2 + kClasses, ConvSpec{3, 3, 3, 2, 2, Padding::Same, true}, init);
  d.add(make_leaky_relu<T>());
  if (dropout_rate > 0) d.template emplace<Dropout<T>>(dropout_rate, dropout);
  d.template emplace<Flatten<T>>();
  d.template emplace<Dense<T>>(2 * 2 * 3, 1, true, init);
  return d;
}

inline GanConfig config() {
  GanConfig c;
  c.seed = 11, c.noise_dim = kNoise, c.classes = kClasses, c.batch = 5, c.fixed_noise_count = 2;
  return c;
}

}  // namespace small_gan
