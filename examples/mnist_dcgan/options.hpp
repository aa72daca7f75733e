// examples/mnist_dcgan/options.hpp — a training run's settings and its per-step record.
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace mnist_dcgan {

struct TrainOptions {
  std::string data_dir, out_dir = "out";
  int epochs = 50, batch = 256, threads = 0, limit = 0, checkpoint_every = 5;
  int shards = 1;     // data-parallel shards of each batch (GanTrainer::shard)
  int processes = 1;  // MPI processes (mpirun -np), for the report
  double lr = 1e-4, beta1 = 0.9;
  double ema = 0;  // decay of the generator's moving average (0: none)
  std::uint64_t seed = 0;
  bool resume = false, restart = false, conditional = false;
  std::string command_line;  // as typed, for the report
};

// A request the program refuses as given (exit status 2), found after the flags were parsed.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LossRow {
  int epoch, step;
  float d_loss, g_loss, d_real, d_fake;
  double seconds;
};

// A request every process of an MPI job refuses alike: process 0 says why, the others nothing
// (what() is empty there), and no process needs to end the others.
struct ProcessesDisagree : UsageError {
  using UsageError::UsageError;
};

inline std::string hex64(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

inline std::string epoch_file(const std::string& dir, const char* stem, int epoch, const char* ext) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s_%04d%s", stem, epoch, ext);
  return dir + "/" + buf;
}

}  // namespace mnist_dcgan
