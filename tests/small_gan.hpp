// A small user-built GAN for the trainer's tests, on 4x4 images with 2 channels and kClasses
// classes: G (noise + K) -> Dense -> BatchNorm -> LeakyReLU -> Reshape (4, 4, 2) ->
// Conv2DTranspose 3x3 -> Tanh; D (4, 4, 2 + K) -> Conv2D 3x3 stride 2 -> LeakyReLU -> Dropout
// (when given a rate) -> Flatten -> Dense 1, Conv2D and Dense spectrally normalized when asked.
#pragma once
#include <ganlite/ganlite.hpp>
#include <ganlite/train/gan_trainer.hpp>

namespace small_gan {

using namespace ganlite;

constexpr int kNoise = 3, kClasses = 3;

template <class T>
Sequential<T> generator(Rng& init) {
  Sequential<T> g("small_g", {kNoise + kClasses});
  g.add(Dense<T>(DenseOptions(kNoise + kClasses, 4 * 4 * 2).bias(false), init));
  g.add(BatchNorm<T>(4 * 4 * 2));
  g.add(LeakyReLU<T>());
  g.add(Reshape<T>(Shape{4, 4, 2}));
  g.add(Conv2DTranspose<T>(Conv2dOptions(2, 2, 3).padding(Padding::Same), init));
  g.add(Tanh<T>());
  return g;
}

template <class T>
Sequential<T> discriminator(Rng& init, Rng& dropout, double dropout_rate = 0, bool spectral_norm = false) {
  Sequential<T> d("small_d", {4, 4, 2 + kClasses});
  Conv2D<T> conv(Conv2dOptions(2 + kClasses, 3, 3).stride(2).padding(Padding::Same), init);
  if (spectral_norm)
    d.add(SpectralNormalization<T>(std::move(conv), init));
  else
    d.add(std::move(conv));
  d.add(LeakyReLU<T>());
  if (dropout_rate > 0) d.add(Dropout<T>(dropout_rate, dropout));
  d.add(Flatten<T>());
  Dense<T> out(DenseOptions(2 * 2 * 3, 1), init);
  if (spectral_norm)
    d.add(SpectralNormalization<T>(std::move(out), init));
  else
    d.add(std::move(out));
  return d;
}

inline GanConfig config() {
  GanConfig c;
  c.seed = 11, c.noise_dim = kNoise, c.classes = kClasses, c.batch = 5, c.fixed_noise_count = 2;
  return c;
}

// The trainer of these networks, D with Dropout 0.3 (so that every Rng matters), and what its
// checkpoints say of the model.
inline GanTrainer<float> trainer(const GanConfig& c = config()) {
  return GanTrainer<float>(c, generator<float>, [](Rng& init, Rng& dropout) { return discriminator<float>(init, dropout, 0.3); });
}
inline const ModelSettings kModel = {{"model", "small"}, {"dropout", "0.3"}};

// 23 images of 4x4x2 and their classes: 5 steps of 5 an epoch, the last one of 3.
struct Data {
  Tensor<float> images = Tensor<float>({23, 4, 4, 2});
  std::vector<int> labels = std::vector<int>(23);
  Data() {
    Rng r(99);
    for (auto& v : images) v = static_cast<float>(r.uniform() * 2 - 1);
    for (auto& y : labels) y = static_cast<int>(r.below(kClasses));
  }
};

}  // namespace small_gan
