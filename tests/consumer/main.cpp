// A project outside ganlite's tree, built against the installed package with the one front-door
// include: builds the seed discriminator and checks its parameter count, then trains a small GAN
// of its own for two steps with the library's trainer and writes and reads back its checkpoint.
#include <ganlite/ganlite.hpp>
#include <cstdio>
#include <iostream>
using namespace ganlite;

int main() {
  Rng init(1), drop(2);
  auto seed_d = make_discriminator<float>(init, drop);
  if (seed_d.param_count() != 212865) return 1;

  GanConfig cfg;
  cfg.noise_dim = 4, cfg.batch = 8;
  GanTrainer<> trainer(
      cfg,
      [](Rng& rng) {
        Sequential g("generator", {4});
        g.add(Dense(DenseOptions(4, 2), rng));
        return g;
      },
      [](Rng& rng, Rng&) {
        Sequential d("discriminator", {2});
        d.add(Dense(DenseOptions(2, 8), rng));
        d.add(LeakyReLU());
        d.add(Dense(DenseOptions(8, 1), rng));
        return d;
      });
  Tensor<float> real({8, 2}, 0.5f);
  StepStats s{};
  for (int i = 0; i < 2; ++i) s = trainer.train_step(real);
  const std::string path = "consumer_checkpoint.gnlt";
  const ModelSettings model{{"model", "consumer"}};
  save_gan_checkpoint(trainer, path, model);
  load_gan_checkpoint(trainer, path, model);
  std::remove(path.c_str());
  std::cout << "seed discriminator parameters " << seed_d.param_count() << "; small GAN after 2 steps: D loss " << s.d_loss << ", G loss "
            << s.g_loss << "\n";
  return trainer.weights_finite() && trainer.generator_optimizer().state().step == 2 ? 0 : 1;
}
