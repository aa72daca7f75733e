// examples/mnist_dcgan/options.hpp — a training run's settings, and how its messages name them.
#pragma once
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include <ganlite/train/checkpoint.hpp>

namespace mnist_dcgan {

struct TrainOptions {
  std::string data_dir, out_dir = "out";
  int epochs = 50, batch = 256, threads = 0, limit = 0, checkpoint_every = 5;
  int shards = 1;     // data-parallel shards of each batch (GanTrainer::shard)
  int processes = 1;  // MPI processes (mpirun -np), for the report
  double lr = 1e-4, beta1 = 0.9;
  double ema = 0;  // decay of the generator's moving average (0: none)
  std::string loss = "bce";  // the GAN objective (gan_objective.hpp)
  std::uint64_t seed = 0;
  bool resume = false, restart = false, conditional = false;
  std::string command_line;  // as typed, for the report
};

// A request the program refuses as given (exit status 2), found after the flags were parsed.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A request every process of an MPI job refuses alike: process 0 says why, the others nothing
// (what() is empty there), and no process needs to end the others.
struct ProcessesDisagree : UsageError {
  using UsageError::UsageError;
};

// A DCGAN setting, as ganlite names it (dcgan_setting_name), said as this program's flag.
inline std::string flag_of(const std::string& setting) {
  static const std::map<std::string, std::string> flags = {{"seed", "--seed"}, {"batch", "--batch"},   {"learning rate", "--lr"},
                                                           {"beta1", "--beta1"}, {"shards", "--shards"}, {"generator average decay", "--ema"}, {"objective", "--loss"}};
  const std::string name = ganlite::dcgan_setting_name(setting);
  const auto it = flags.find(name);
  return it == flags.end() ? name : it->second;
}

}  // namespace mnist_dcgan
