// ganlite/train/vae_run.hpp — what a VAE brings to a training run (training_run.hpp):
//
//   VaeRun run(settings);
//   VaeTrainer<float> vae(config, make_encoder, make_decoder);
//   RunOutcome end = run.train(vae, data, identity, vae_run_checkpoints(vae, model));
//
// Its summary is both networks'; its grid each epoch is the decoder's images of a fixed set of
// latent points (drawn from the run's seed, apart from the trainer's Rng, so they don't change
// training); its charts are the negative ELBO with its reconstruction term, and the KL term. A
// VAE trains in one process.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "../io/image.hpp"
#include "run_checkpoints.hpp"
#include "training_run.hpp"
#include "vae_checkpoint.hpp"

namespace ganlite {

// 16 latent points (a 4x4 grid); conditional: 8 points, one row of them per class.
inline GrayImage vae_sample_grid(VaeTrainer<float>& t) {
  const Shape& s = t.image_shape();
  if (s.size() != 3 || s[2] != 1) return {};
  const int K = t.config().classes, L = t.config().latent, n = K ? 8 : 16, rows = K ? K : 4, cols = K ? n : 4;
  Rng fixed(t.config().seed ^ 0x9a11e27ULL);
  std::vector<float> points(static_cast<std::size_t>(n) * L);
  for (auto& v : points) v = static_cast<float>(fixed.normal());
  Tensor<float> z({rows * cols, L});
  std::vector<int> labels;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const int i = K ? c : r * cols + c;
      std::copy(points.begin() + static_cast<long>(i) * L, points.begin() + static_cast<long>(i + 1) * L, z.data() + (static_cast<std::size_t>(r) * cols + c) * L);
      if (K) labels.push_back(r);
    }
  return make_grid(t.generate(z, labels), rows, cols, s[0] <= 16 ? 3 : 2);
}

template <>
struct RunModel<VaeTrainer<float>> {
  using File = VaeCheckpointFile;
  static std::vector<ReportChart> charts() {
    return {{"elbo", "Negative ELBO and its reconstruction term (nats per image)", {{"negative ELBO", "#1f77b4", 0}, {"reconstruction", "#ff7f0e", 1}}},
            {"kl", "KL to N(0, I) (nats per image)", {{"KL", "#d62728", 2}}}};
  }
  static std::string summary(VaeTrainer<float>& t) {
    return t.encoder().summary(t.config().batch) + "\n" + t.decoder().summary(t.config().batch);
  }
  static GrayImage sample_grid(VaeTrainer<float>& t) { return vae_sample_grid(t); }
  static std::string progress_figures(const VaeStepStats& s) {
    char b[80];
    std::snprintf(b, sizeof b, "-ELBO %.2f  KL %.2f", s.negative_elbo, s.kl);
    return b;
  }
  static std::string epoch_figures(const std::vector<float>& v) {  // VaeStepStats::values()
    char b[120];
    std::snprintf(b, sizeof b, "negative ELBO %.2f, reconstruction %.2f, KL %.2f, KL weight %.3f", v[0], v[1], v[2], v[3]);
    return b;
  }
  static void shard(VaeTrainer<float>&, Communicator& comm, int shards) {
    throw std::invalid_argument("a VAE trains in one process and one shard (asked: " + std::to_string(shards) + " shards over " +
                                std::to_string(comm.size()) + " processes)");
  }
  static std::string parallel_timing(VaeTrainer<float>&) { return ""; }
};

using VaeRun = TrainingRun<VaeTrainer<float>>;
using VaeRunCheckpoints = CheckpointKind<VaeTrainer<float>, VaeCheckpointFile>;

// A VaeTrainer<float> whose networks `model` describes (vae_checkpoint.hpp).
inline VaeRunCheckpoints vae_run_checkpoints(const VaeTrainer<float>& trainer, const ModelSettings& model) {
  return checkpoint_kind(save_vae_checkpoint, read_vae_checkpoint, vae_settings_differences, load_vae_checkpoint, model, trainer.config());
}

}  // namespace ganlite
