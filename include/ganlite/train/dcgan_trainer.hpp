// ganlite/train/dcgan_trainer.hpp — the seed DCGAN as one use of the general GanTrainer.
//
// The TensorFlow tutorial's model (models/dcgan.hpp: G 100 -> 28x28x1, D 28x28x1 -> 1 logit)
// with its settings: Adam 1e-4 for both networks, batch 256, 100-d noise, dropout 0.3, 16 fixed
// noise vectors for the per-epoch grid. With `classes` set, the same layers conditioned on the
// class (gan_trainer.hpp): G takes noise + one-hot, D the image + label planes. The same seed gives, bit for bit, the weights, BatchNorm
// statistics, Adam moments and Rng states of the dedicated trainer it replaces
// (tests/reference/seed_dcgan_trainer.hpp; tests/test_gan_trainer.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../models/dcgan.hpp"
#include "gan_trainer.hpp"

namespace ganlite {

struct DcganConfig {
  std::uint64_t seed = 0;
  double learning_rate = 1e-4;  // the seed's Adam(1e-4) for both networks
  double beta1 = 0.9;
  int batch = 256;
  double dropout = 0.3;  // the discriminator's Dropout rate
  int classes = 0;       // 0: the seed's unconditional model; K: conditioned on K classes
  std::vector<std::string> class_names;  // K names (empty when unconditional)
  int shards = 1;  // the batch's shards in data-parallel training (dist/); they shape its rounding
  double generator_ema = 0;  // 0: none; a in (0, 1): keep G's moving average (gan_trainer.hpp)
  bool generator_ema_warmup = false;  // its decay warmed up, min(a, n / (n + 9)) at the n-th step
  std::string objective = "bce";  // the loss pair by name (gan_objective.hpp): bce (the seed's), hinge, least-squares
  double discriminator_learning_rate = 0;  // D's own (TTUR, Heusel et al. 2017); 0: learning_rate
  bool spectral_norm = false;  // D's Conv2D and Dense layers spectrally normalized (models/dcgan.hpp)
  std::string augment = "none";  // what D sees, moved and cut (augment.hpp): none, translation, cutout, translation,cutout
};

// The seed's networks for this configuration, as GanTrainer builds them.
inline GanTrainer<float>::MakeGenerator dcgan_generator_factory(const DcganConfig& c) {
  return [k = c.classes](Rng& init) { return make_generator<float>(init, kNoiseDim + k); };
}
inline GanTrainer<float>::MakeDiscriminator dcgan_discriminator_factory(const DcganConfig& c) {
  return [rate = c.dropout, k = c.classes, sn = c.spectral_norm](Rng& init, Rng& dropout) {
    return make_discriminator<float>(init, dropout, rate, 1 + k, sn);
  };
}

inline GanConfig dcgan_gan_config(const DcganConfig& c) {
  GanConfig g;
  g.seed = c.seed;
  g.noise_dim = kNoiseDim;
  g.batch = c.batch;
  g.generator_adam = g.discriminator_adam = AdamConfig{c.learning_rate, c.beta1, 0.999, 1e-7};
  if (c.discriminator_learning_rate > 0) g.discriminator_adam.learning_rate = c.discriminator_learning_rate;
  g.classes = c.classes;
  g.generator_ema = c.generator_ema;
  g.generator_ema_warmup = c.generator_ema_warmup;
  g.objective = objective_named(c.objective);
  g.augment = augmentation_named(c.augment);
  g.fixed_noise_count = c.classes > 0 ? 10 : 16;  // a K x 10 grid (one hand per column), or the seed's 4 x 4
  return g;
}

class DcganTrainer : public GanTrainer<float> {
 public:
  explicit DcganTrainer(const DcganConfig& cfg)
      : GanTrainer<float>(dcgan_gan_config(cfg), dcgan_generator_factory(cfg), dcgan_discriminator_factory(cfg)), dcgan_cfg_(cfg) {}

  const DcganConfig& config() const { return dcgan_cfg_; }

 private:
  DcganConfig dcgan_cfg_;
};

}  // namespace ganlite
