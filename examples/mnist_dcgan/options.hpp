// examples/mnist_dcgan/options.hpp — a training run's settings, and how its messages name them.
#pragma once
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include <functional>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/dcgan_recipe.hpp>

#include "../common/usage_error.hpp"

namespace mnist_dcgan {

struct TrainOptions {
  std::string data_dir, out_dir = "out";
  int epochs = 50, batch = 256, threads = 0, limit = 0, checkpoint_every = 5;
  int shards = 1;     // data-parallel shards of each batch (GanTrainer::shard)
  int processes = 1;  // MPI processes (mpirun -np), for the report
  // The training settings: the --recipe's, each overridden by its own flag where given.
  std::string recipe = "seed";
  double lr = 1e-4, beta1 = 0.9;
  double d_lr = 0;  // D's learning rate (0: lr)
  double ema = 0;  // decay of the generator's moving average (0: none)
  bool ema_warmup = false;  // its decay warmed up
  std::string loss = "bce";  // the GAN objective (gan_objective.hpp)
  bool spectral_norm = false;  // D's layers spectrally normalized
  std::string augment = "none";  // of what D sees (augment.hpp)
  std::uint64_t seed = 0;
  bool resume = false, restart = false, conditional = false;
  std::string command_line;  // as typed, for the report
};

using UsageError = examples::UsageError;

// A request every process of an MPI job refuses alike: process 0 says why, the others nothing
// (what() is empty there), and no process needs to end the others.
struct ProcessesDisagree : UsageError {
  using UsageError::UsageError;
};

// A DCGAN setting, as ganlite names it (dcgan_setting_name), said as this program's flag.
inline std::string flag_of(const std::string& setting) {
  static const std::map<std::string, std::string> flags = {{"seed", "--seed"}, {"batch", "--batch"},   {"learning rate", "--lr"},
                                                           {"beta1", "--beta1"}, {"shards", "--shards"}, {"generator average decay", "--ema"}, {"objective", "--loss"},
                                                           {"discriminator learning rate", "--d-lr"}, {"spectral normalization", "--spectral-norm"},
                                                           {"augmentation", "--augment"}, {"generator average warm-up", "--ema-warmup"}};
  const std::string name = ganlite::dcgan_setting_name(setting);
  const auto it = flags.find(name);
  return it == flags.end() ? name : it->second;
}

// The recipe's settings into o, but for those whose flag was given (given("--lr")).
inline void apply_recipe(TrainOptions& o, const std::function<bool(const char*)>& given) {
  const ganlite::DcganConfig r = ganlite::dcgan_recipe(o.recipe);
  if (!given("--lr")) o.lr = r.learning_rate;
  if (!given("--beta1")) o.beta1 = r.beta1;
  if (!given("--d-lr")) o.d_lr = r.discriminator_learning_rate;
  if (!given("--ema")) o.ema = r.generator_ema;
  if (!given("--ema-warmup") && !given("--no-ema-warmup")) o.ema_warmup = r.generator_ema_warmup;
  if (!given("--loss")) o.loss = r.objective;
  if (!given("--spectral-norm") && !given("--no-spectral-norm")) o.spectral_norm = r.spectral_norm;
  if (!given("--augment")) o.augment = r.augment;
}

// The DCGAN these options train (without its classes, which come with the data).
inline ganlite::DcganConfig dcgan_config_of(const TrainOptions& o) {
  ganlite::DcganConfig c;
  c.seed = o.seed, c.learning_rate = o.lr, c.beta1 = o.beta1, c.batch = o.batch, c.shards = o.shards;
  c.discriminator_learning_rate = o.d_lr == o.lr ? 0 : o.d_lr;
  c.generator_ema = o.ema;
  c.generator_ema_warmup = o.ema_warmup;
  c.objective = o.loss;
  c.spectral_norm = o.spectral_norm;
  c.augment = o.augment;
  return c;
}

}  // namespace mnist_dcgan
