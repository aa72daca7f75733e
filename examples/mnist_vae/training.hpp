// examples/mnist_vae/training.hpp — the training run: mnist_vae's flags and data handed to the
// library's VaeRun (ganlite/train/vae_run.hpp), which writes every output file the way
// mnist_dcgan's GanRun does: checkpoints, a grid per epoch, losses.csv/.svg, training.gif, index.html.
#pragma once
#include <algorithm>
#include <cstdio>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/conv_vae.hpp>
#include <map>
#include <string>
#include <vector>

#include "../common/classes.hpp"
#include "../common/mnist_location.hpp"
#include "../common/program_run.hpp"
#include "../common/usage_error.hpp"

namespace mnist_vae {

using namespace ganlite;
using examples::UsageError;

#ifndef GANLITE_PROGRAM_VERSION
#define GANLITE_PROGRAM_VERSION "unknown"
#endif

struct TrainOptions {
  std::string data_dir, out_dir = "out-vae";
  int epochs = 30, batch = 128, threads = 0, limit = 0, checkpoint_every = 5, latent = kVaeLatent;
  double lr = 1e-3, beta = 1;
  long kl_warmup = 0;  // steps
  std::uint64_t seed = 0;
  bool resume = false, restart = false, conditional = false;
  std::string command_line;  // as typed, for the report
};

// A VAE setting, as ganlite names it (vae_settings_differences), said as this program's flag.
inline std::string flag_of(const std::string& setting) {
  static const std::map<std::string, std::string> flags = {{"latent", "--latent"}, {"classes", "--conditional"}, {"seed", "--seed"},
                                                           {"batch", "--batch"}, {"beta", "--beta"}, {"KL warm-up steps", "--kl-warmup"},
                                                           {"learning rate", "--lr"}, {"class_names", "--data (its classes)"}};
  const auto it = flags.find(setting);
  return it == flags.end() ? setting : it->second;
}

inline VaeConfig vae_config_of(const TrainOptions& o, int classes) {
  VaeConfig c;
  c.seed = o.seed, c.latent = o.latent, c.classes = classes, c.batch = o.batch;
  c.adam.learning_rate = o.lr;
  c.beta = o.beta, c.kl_warmup_steps = o.kl_warmup;
  return c;
}

inline std::string format_number(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

// The settings table of the run's page, in the order a person reads them.
inline std::vector<std::pair<std::string, std::string>> run_settings(const TrainOptions& o, int images) {
  const std::string last = checkpoint_path(o.out_dir, o.epochs);
  return {{"command", o.command_line},
          {"data", o.data_dir + " (" + std::to_string(images) + " training images)"},
          {"output folder", o.out_dir},
          {"epochs", std::to_string(o.epochs)},
          {"batch", std::to_string(o.batch)},
          {"model", "convolutional VAE (ganlite/models/vae.hpp), latent size " + std::to_string(o.latent) +
                        (o.conditional ? ", conditional: encoder and decoder see the class (grid row r = class r)" : "")},
          {"Adam learning rate", format_number(o.lr)},
          {"KL weight", "beta " + format_number(o.beta) + (o.kl_warmup > 0 ? ", warmed up linearly over " + std::to_string(o.kl_warmup) + " steps" : "")},
          {"seed", std::to_string(o.seed)},
          {"checkpoint every", std::to_string(o.checkpoint_every) + " epochs"},
          {"threads", std::to_string(num_threads())},
          {"GEMM kernel", gemm_kernel_name(active_gemm_kernel())},
          {"when it is done", "draw: mnist_vae generate --checkpoint " + last + " --count 16 --out grid.png; mnist_vae reconstruct --checkpoint " + last +
                                  " --out pairs.png"},
          {"program", std::string("mnist_vae, ganlite ") + GANLITE_PROGRAM_VERSION}};
}

inline int run_training(const TrainOptions& o) {
  set_num_threads(o.threads);
  const auto run = examples::open_run<VaeRun>({"mnist_vae", "VAE", o.out_dir, o.resume, o.restart, o.epochs, o.checkpoint_every, flag_of});  // before the data is read
  const IdxDataset ds = examples::load_mnist_from(o.data_dir, "train");
  const int count = o.limit > 0 ? std::min(o.limit, ds.count) : ds.count;
  const DataIdentity identity = identify_data(static_cast<std::uint32_t>(count), ds.pixels.data(), ds.pixels.size(), ds.labels.data(), ds.labels.size());
  const std::vector<std::string> names = o.conditional ? examples::class_names_for(ds) : std::vector<std::string>{};
  const auto vae = make_conv_vae(vae_config_of(o, static_cast<int>(names.size())), names);
  run->describe_data(std::to_string(count) + " images from " + o.data_dir, run_settings(o, count));
  const RunOutcome end = run->train(*vae, byte_images<float>(ds.pixels.data(), ds.labels.data(), count, ds.rows, ds.cols), identity,
                                    conv_vae_checkpoints(*vae, names));
  if (end.end == RunEnd::AlreadyDone) {
    std::printf("%s has done %d epochs already; --epochs %d asks for no more, so there is nothing to train (raise --epochs to go on)\n",
                end.checkpoint.c_str(), end.cursor.epoch, o.epochs);
    return 0;
  }
  return end.end == RunEnd::Stopped ? 128 + end.signal : 0;
}

}  // namespace mnist_vae
