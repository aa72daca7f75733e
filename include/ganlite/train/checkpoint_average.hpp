// ganlite/train/checkpoint_average.hpp — the seed DCGAN's generator averaged over a run's last
// N epochs, from their checkpoints (models/model_average.hpp says why).
//
//   DcganGenerator g = load_averaged_dcgan_generator("out/checkpoint_epoch_0030.ckpt", 5);
//
// The epochs before an end-of-epoch checkpoint are found by name beside it
// (checkpoint_epoch_0029.ckpt, ...) and must be the same run's: the same model and settings,
// the same data, and each the epoch its name says. Only generators are read (dcgan_generator.hpp);
// with `trained` the trained generators rather than their moving averages. N = 1 is the
// checkpoint alone. A request that can't be met throws CheckpointAverageRefused, saying why.
#pragma once
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../models/model_average.hpp"
#include "dcgan_generator.hpp"
#include "run_folder.hpp"

namespace ganlite {

struct CheckpointAverageRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline DcganGenerator load_averaged_dcgan_generator(const std::string& checkpoint, int epochs, bool trained = false) {
  DcganGenerator g = load_dcgan_generator(checkpoint, trained);
  if (epochs <= 1) return g;
  const std::size_t slash = checkpoint.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : checkpoint.substr(0, slash);
  long epoch = 0, step = 0;
  if (!parse_checkpoint_name(checkpoint.substr(slash == std::string::npos ? 0 : slash + 1), &epoch, &step) || step != 0)
    throw CheckpointAverageRefused(checkpoint + " is not named checkpoint_epoch_E.ckpt, so the epochs before it can't be found");
  const int held = g.position.cursor.epoch;
  if (held != epoch)
    throw CheckpointAverageRefused(checkpoint + " holds epoch " + std::to_string(held) + ", not " + std::to_string(epoch) +
                                   " as its name says, so the epochs before it can't be found by name");
  if (epoch < epochs)
    throw CheckpointAverageRefused(checkpoint + " is epoch " + std::to_string(epoch) + ", which has only " + std::to_string(epoch - 1) + " epochs before it");
  std::vector<DcganGenerator> earlier;
  earlier.reserve(static_cast<std::size_t>(epochs - 1));  // the pointers below stay valid
  std::vector<Sequential<float>*> generators;
  for (long e = epoch - 1; e > epoch - epochs; --e) {
    const std::string path = checkpoint_path(dir, e);
    if (!std::ifstream(path).good())
      throw CheckpointAverageRefused(path + " does not exist (the run must keep a checkpoint of every epoch it averages)");
    earlier.push_back(load_dcgan_generator(path, trained));
    const DcganGenerator& o = earlier.back();
    std::string differs = describe(dcgan_settings_differences(o.config, g.config), dcgan_setting_name);
    if (differs.empty() && g.config.class_names != o.config.class_names) differs = "other class names";
    // One run's checkpoints hold the same data identity (files before version 3: none, 0).
    const DataIdentity &a = o.position.data, &b = g.position.data;
    if (differs.empty() && a != b)
      differs = "trained on other data: " + std::to_string(a.images) + " images, fingerprint " + hex64(a.fingerprint) + ", where " + checkpoint +
                " has " + std::to_string(b.images) + " images, fingerprint " + hex64(b.fingerprint);
    if (differs.empty() && o.position.cursor.epoch != e)
      differs = "it holds epoch " + std::to_string(o.position.cursor.epoch) + ", not " + std::to_string(e) + " as its name says";
    if (!differs.empty())
      throw CheckpointAverageRefused(path + " is not of the same run as " + checkpoint + " (" + differs + "); only one run's checkpoints can be averaged");
    generators.push_back(&earlier.back().net);
  }
  average_models(g.net, generators);
  return g;
}

}  // namespace ganlite
