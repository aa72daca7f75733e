// ganlite/train/classifier_run.hpp — what a classifier brings to a training run (training_run.hpp):
//
//   ClassifierRun run(settings);
//   ClassifierTrainer<float> t(config, make_net);
//   RunOutcome end = run.train(t, data, identity, classifier_run_checkpoints(t, model));
//
// Its summary is the network's; it draws no grid (a run of it writes no epoch pictures or GIF);
// its charts are the training loss and the batch accuracy. A classifier trains in one process.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "classifier_checkpoint.hpp"
#include "run_checkpoints.hpp"
#include "training_run.hpp"

namespace ganlite {

template <>
struct RunModel<ClassifierTrainer<float>> {
  using File = ClassifierCheckpointFile;
  static std::vector<ReportChart> charts() {
    return {{"loss", "Training loss (softmax cross-entropy)", {{"loss", "#1f77b4", 0}}},
            {"accuracy", "Accuracy on the training batch, before its step", {{"accuracy", "#2ca02c", 1}}}};
  }
  static std::string summary(ClassifierTrainer<float>& t) { return t.network().summary(t.config().batch); }
  static GrayImage sample_grid(ClassifierTrainer<float>&) { return {}; }
  static std::string progress_figures(const ClassifierStepStats& s) {
    char b[80];
    std::snprintf(b, sizeof b, "loss %.4f  accuracy %.3f", s.loss, s.accuracy);
    return b;
  }
  static std::string epoch_figures(const std::vector<float>& v) {  // ClassifierStepStats::values()
    char b[80];
    std::snprintf(b, sizeof b, "last batch: loss %.4f, accuracy %.2f%%", v[0], 100 * v[1]);
    return b;
  }
  static void shard(ClassifierTrainer<float>&, Communicator& comm, int shards) {
    throw std::invalid_argument("a classifier trains in one process and one shard (asked: " + std::to_string(shards) + " shards over " +
                                std::to_string(comm.size()) + " processes)");
  }
  static std::string parallel_timing(ClassifierTrainer<float>&) { return ""; }
};

using ClassifierRun = TrainingRun<ClassifierTrainer<float>>;
using ClassifierRunCheckpoints = CheckpointKind<ClassifierTrainer<float>, ClassifierCheckpointFile>;

inline ClassifierRunCheckpoints classifier_run_checkpoints(const ClassifierTrainer<float>& trainer, const ModelSettings& model) {
  return checkpoint_kind(save_classifier_checkpoint, read_classifier_checkpoint, classifier_settings_differences, load_classifier_checkpoint, model,
                         trainer.config());
}

}  // namespace ganlite
