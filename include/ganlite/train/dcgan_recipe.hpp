// ganlite/train/dcgan_recipe.hpp — whole DCGAN settings by name, so that "train it the way that
// was measured" is one word (mnist_dcgan --recipe; docs/results.md has each one's figures).
//   seed:  the TensorFlow tutorial's, DcganConfig's defaults: Adam 1e-4, beta1 0.9, BCE.
//   paper: the DCGAN paper's Adam (Radford et al. 2016): 2e-4, beta1 0.5; the rest the seed's.
//   best:  what docs/results.md's ablation chose at epoch 10: the paper's Adam, the hinge
//          objective, and G's moving average (decay 0.999, warmed up). Spectral normalization and
//          augmentation, each alone, slowed the DCGAN on MNIST, so they are left out.
// A recipe sets the training settings only; seed, batch, classes and shards stay the caller's.
#pragma once
#include <stdexcept>
#include <string>

#include "dcgan_trainer.hpp"

namespace ganlite {

inline std::string known_dcgan_recipes() { return "seed, paper, best"; }

// `base` with the recipe's settings.
inline DcganConfig dcgan_recipe(const std::string& name, DcganConfig base = {}) {
  const DcganConfig seed;
  base.learning_rate = seed.learning_rate, base.beta1 = seed.beta1, base.objective = seed.objective;
  base.discriminator_learning_rate = 0, base.spectral_norm = false, base.augment = "none", base.generator_ema = 0;
  base.generator_ema_warmup = false;
  if (name == "seed") return base;
  base.learning_rate = 2e-4, base.beta1 = 0.5;
  if (name == "paper") return base;
  if (name != "best") throw std::invalid_argument("no DCGAN recipe is named \"" + name + "\" (known: " + known_dcgan_recipes() + ")");
  base.objective = "hinge";
  base.generator_ema = 0.999;
  base.generator_ema_warmup = true;
  return base;
}

}  // namespace ganlite
