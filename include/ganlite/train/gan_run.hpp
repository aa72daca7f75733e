// ganlite/train/gan_run.hpp — a whole training run of any GanTrainer<float> in a run folder
// (training_run.hpp, the run every model shares), and what a GAN brings to it:
//
//   GanRun run(settings);                     // the folder made ready now, before any data is read
//   GanTrainer<float> trainer(...);
//   GanRunOutcome end = run.train(trainer, data, identity, gan_run_checkpoints(trainer, model));
//
// A GAN's run prints both networks' summaries, draws the fixed noise's samples each epoch (for
// (H, W, 1) images), charts its losses and D's mean outputs, and trains data-parallel over the
// communicator's processes (GanTrainer::shard).
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "epoch_pictures.hpp"
#include "gan_checkpoint.hpp"
#include "run_checkpoints.hpp"
#include "training_run.hpp"

namespace ganlite {

// A GAN's charts of its figures (StepStats' columns): the losses, and D's mean outputs.
inline std::vector<ReportChart> gan_report_charts() {
  return {{"loss", "Losses", {{"D loss", "#d62728", 0}, {"G loss", "#1f77b4", 1}}},
          {"out", "Discriminator outputs: mean D(x) on real images, mean D(G(z)) on generated ones", {{"D(x)", "#2ca02c", 2}, {"D(G(z))", "#9467bd", 3}}}};
}

template <>
struct RunModel<GanTrainer<float>> {
  using File = GanCheckpointFile;
  static std::vector<ReportChart> charts() { return gan_report_charts(); }
  static std::string summary(GanTrainer<float>& t) {
    return t.generator().summary(t.gan_config().batch) + "\n" + t.discriminator().summary(t.gan_config().batch);
  }
  static GrayImage sample_grid(GanTrainer<float>& t) { return fixed_sample_grid(t); }
  static std::string progress_figures(const StepStats& s) {
    char b[64];
    std::snprintf(b, sizeof b, "D loss %.4f  G loss %.4f", s.d_loss, s.g_loss);
    return b;
  }
  static std::string epoch_figures(const std::vector<float>& v) {  // StepStats::values()
    char b[96];
    std::snprintf(b, sizeof b, "D loss %.4f, G loss %.4f, D(x) %.3f, D(G(z)) %.3f", v[0], v[1], v[2], v[3]);
    return b;
  }
  static void shard(GanTrainer<float>& t, Communicator& comm, int shards) { t.shard(comm, shards); }
  static std::string parallel_timing(GanTrainer<float>& t) {  // process 0's view, since the start of this run
    const Shards::Timing& x = t.timing();
    char b[200];
    std::snprintf(b, sizeof b, "  data-parallel: sums over shards %.1f %% of the step time (%.1f ms of %.1f ms a step), %.2f MB sent a step\n",
                  100 * x.sum_seconds / std::max(x.step_seconds, 1e-9), 1e3 * x.sum_seconds / std::max(1L, x.steps),
                  1e3 * x.step_seconds / std::max(1L, x.steps), x.bytes_sent / 1e6 / std::max(1L, x.steps));
    return b;
  }
};

using GanRun = TrainingRun<GanTrainer<float>>;
using GanRunSettings = RunSettings;
using GanRunOutcome = RunOutcome;

// The files a GAN run writes beside its checkpoints (training_run.hpp).
inline const RunOutputs& gan_run_outputs() { return GanRun::outputs(); }

}  // namespace ganlite
