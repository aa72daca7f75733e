// ganlite/train/conv_vae.hpp — the convolutional VAE of models/vae.hpp as a whole model: its
// trainer, the settings its checkpoint says it by, and a trainer rebuilt from a checkpoint to draw
// from (what dcgan_generator.hpp is to the DCGAN).
//
//   auto vae = make_conv_vae(config, class_names);          // VaeTrainer<float>, built and owned
//   run.train(*vae, data, identity, conv_vae_checkpoints(*vae, class_names));
//   LoadedConvVae v = load_conv_vae("run/checkpoint_epoch_0030.ckpt");  v.trainer->generate(z, labels)
//
// Its checkpoint's model settings: model "conv_vae" and class_names (comma-separated; empty when
// unconditional), so that a sampling program can name the classes a user asks for.
#pragma once
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../models/vae.hpp"
#include "vae_run.hpp"

namespace ganlite {

inline ModelSettings conv_vae_model_settings(const std::vector<std::string>& class_names) {
  std::string names;
  for (const auto& n : class_names) {
    if (n.find(',') != std::string::npos) throw std::invalid_argument("conv_vae: class name \"" + n + "\" has a comma, which separates them");
    names += (names.empty() ? "" : ",") + n;
  }
  return {{"model", "conv_vae"}, {"class_names", names}};
}

// A trainer of the convolutional VAE for 28x28x1 images; config.classes must be the number of names.
inline std::unique_ptr<VaeTrainer<float>> make_conv_vae(const VaeConfig& config, const std::vector<std::string>& class_names = {}) {
  if (static_cast<int>(class_names.size()) != config.classes)
    throw std::invalid_argument("make_conv_vae: " + std::to_string(class_names.size()) + " class names for " + std::to_string(config.classes) + " classes");
  const int L = config.latent, K = config.classes;
  return std::make_unique<VaeTrainer<float>>(
      config, [L, K](Rng& init) { return make_vae_encoder<float>(init, L, K); }, [L, K](Rng& init) { return make_vae_decoder<float>(init, L, K); });
}

inline VaeRunCheckpoints conv_vae_checkpoints(const VaeTrainer<float>& trainer, const std::vector<std::string>& class_names) {
  return vae_run_checkpoints(trainer, conv_vae_model_settings(class_names));
}

inline constexpr int kMaxConvVaeLatent = 4096, kMaxConvVaeClasses = 256;

// A trained VAE read back from its checkpoint, with the names of its classes and where its run stood.
struct LoadedConvVae {
  std::unique_ptr<VaeTrainer<float>> trainer;
  std::vector<std::string> class_names;
  RunPosition position;
};

inline LoadedConvVae load_conv_vae(const std::string& path) {
  const VaeCheckpointFile f = read_vae_checkpoint(path);
  const ModelSettings& m = f.info.model;
  if (m.at("model") != "conv_vae")
    throw IoError(path + ": holds a VAE of model \"" + m.at("model") + "\", not ganlite's convolutional VAE (conv_vae)");
  LoadedConvVae v;
  const auto names = m.find("class_names");
  if (names != m.end() && !names->second.empty()) {
    std::stringstream ss(names->second);
    for (std::string n; std::getline(ss, n, ',');) v.class_names.push_back(n);
  }
  const VaeConfig& c = f.info.config;
  if (c.latent > kMaxConvVaeLatent || c.classes > kMaxConvVaeClasses)  // a damaged file must not ask for gigabytes
    throw IoError(path + ": latent size " + std::to_string(c.latent) + " and " + std::to_string(c.classes) + " classes; at most " +
                  std::to_string(kMaxConvVaeLatent) + " and " + std::to_string(kMaxConvVaeClasses));
  if (static_cast<int>(v.class_names.size()) != f.info.config.classes)
    throw IoError(path + ": names " + std::to_string(v.class_names.size()) + " classes and has " + std::to_string(f.info.config.classes));
  v.trainer = make_conv_vae(f.info.config, v.class_names);
  v.position = load_vae_checkpoint(*v.trainer, f, conv_vae_model_settings(v.class_names));
  return v;
}

}  // namespace ganlite
