// ganlite/train/training_loop.hpp — epochs of any trainable model (a GAN, a VAE, a classifier):
// reshuffling, batches, the resume cursor, a clean stop, checkpoint cadence and the NaN guard.
//
// What the loop needs of a model (GanTrainer and VaeTrainer have it):
//   using Scalar = float;  using Figures = ...;   // the step's numbers (StepStats, VaeStepStats)
//   int batch_size() const;  bool takes_labels() const;
//   Rng& data_rng();                              // each epoch's shuffle is drawn from it
//   Figures step(const Tensor<Scalar>& batch, const std::vector<int>& labels);
//   bool weights_finite();
// and of its Figures: `static constexpr std::array<const char*, N> names` and `values()` (the
// same N numbers, in that order: the CSV's columns, the NaN guard's message).
//
// The caller brings the data (batch_source.hpp) and what should happen around the steps
// (TrainingHooks: saving a checkpoint, progress, pictures, a report); the loop keeps the order of
// events that resuming relies on:
//   - Where the loop stands is its LoopCursor (run_position.hpp), the caller's to keep and to
//     save in checkpoints. Each epoch's shuffle is drawn from the trainer's data Rng; the state
//     that epoch began with is the cursor's epoch_start, so an epoch resumed at step S redraws
//     the same order and goes on with its batch S.
//   - After each step, the NaN guard: a loss or weight that is not finite throws (naming the
//     epoch and step) before anything of that step is reported or saved.
//   - At the end of an epoch the checkpoint comes first (every checkpoint_every epochs, the last
//     epoch, or when a stop was asked for), then hooks.after_epoch: pictures never hold up what
//     resume needs.
//   - hooks.stop_requested (e.g. StopOnSignal, stop_signal.hpp) is asked after every step: in
//     the middle of an epoch the loop saves checkpoint_epoch_E_step_S.ckpt and returns Stopped;
//     at the last step it finishes the epoch first.
// The batch is the model's (batch_size()); the last batch of an epoch may be smaller.
#pragma once
#include <chrono>
#include <cmath>
#include <functional>
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch_source.hpp"
#include "gan_trainer.hpp"
#include "run_folder.hpp"
#include "run_position.hpp"

namespace ganlite {

struct LoopSettings {
  int epochs = 1;            // train until the trainer has completed this many
  int checkpoint_every = 1;  // a checkpoint after every N-th epoch (and the last one)
  std::string checkpoint_dir;  // "" : no checkpoints
};

template <class Figures>
struct StepRecordOf {
  int epoch = 0, step = 0, steps = 0;  // 1-based epoch and step; steps per epoch
  int images_done = 0;                 // of this epoch, including this step's
  double epoch_seconds = 0;            // since this epoch (or its resumed part) began
  Figures stats;
};
using StepRecord = StepRecordOf<StepStats>;  // a GAN's

struct EpochRecord {
  int epoch = 0;
  double seconds = 0;      // training and checkpoint
  std::string checkpoint;  // written after this epoch, or ""
  bool last = false;       // the loop's final epoch
};

template <class Model>
struct TrainingHooks {
  using T = typename Model::Scalar;
  using Figures = typename Model::Figures;
  // Saves the model and the cursor (a checkpoint); needed with a checkpoint_dir.
  std::function<void(Model&, const LoopCursor&, const std::string& path)> save_checkpoint;
  std::function<void(const StepRecordOf<Figures>&)> after_step;
  std::function<void(const EpochRecord&)> after_epoch;
  std::function<bool()> stop_requested;
  // The step itself, if not model.step (say, a test's step that injects a fault).
  std::function<Figures(Model& model, const Tensor<T>& batch, const std::vector<int>& labels)> step;
};
template <class T = float>
using LoopHooks = TrainingHooks<GanTrainer<T>>;

enum class LoopEnd { Finished, Stopped };

struct LoopOutcome {
  LoopEnd end = LoopEnd::Finished;
  std::string checkpoint;  // the newest one this loop wrote ("" if none)
};

// Steps per epoch for `count` images in batches of `batch`.
inline int steps_per_epoch(int count, int batch) { return (count + batch - 1) / batch; }

// "d_loss nan, g_loss 0.69, ...": a step's figures, for the NaN guard's message.
template <class Figures>
std::string figures_text(const Figures& f) {
  std::string s;
  const auto values = f.values();
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::string(Figures::names[i]) + " " + std::to_string(values[i]);
  return s;
}

template <class Figures>
bool figures_finite(const Figures& f) {
  for (auto v : f.values())
    if (!std::isfinite(v)) return false;
  return true;
}

// Trains from `cursor` (a fresh LoopCursor: from the start; a checkpoint's: from where it was
// saved) to settings.epochs, moving the cursor along.
template <class Model>
LoopOutcome train_epochs(Model& model, LoopCursor& cursor, const BatchSource<typename Model::Scalar>& data, const LoopSettings& settings,
                         const TrainingHooks<Model>& hooks) {
  using T = typename Model::Scalar;
  const int batch_size = model.batch_size(), count = data.count;
  if (count <= 0 || batch_size <= 0) throw std::invalid_argument("train_epochs: needs images and a batch size above 0");
  if (!settings.checkpoint_dir.empty() && !hooks.save_checkpoint) throw std::invalid_argument("train_epochs: a checkpoint_dir needs hooks.save_checkpoint");
  const int steps = steps_per_epoch(count, batch_size);
  if (cursor.step_in_epoch >= steps)
    throw std::invalid_argument("train_epochs: the cursor is at step " + std::to_string(cursor.step_in_epoch) + " of an epoch of " + std::to_string(steps));
  const bool labelled = model.takes_labels();
  const auto stop_requested = [&] { return hooks.stop_requested && hooks.stop_requested(); };
  auto save = [&](const std::string& path) {
    hooks.save_checkpoint(model, cursor, path);
    return path;
  };
  using clock = std::chrono::steady_clock;
  LoopOutcome out;
  std::vector<int> order(static_cast<std::size_t>(count)), labels;
  const std::vector<int> no_labels;
  Tensor<T> batch;
  for (int epoch = cursor.epoch + 1; epoch <= settings.epochs; ++epoch) {
    const auto start = clock::now();
    if (cursor.step_in_epoch == 0) cursor.epoch_start = model.data_rng().state();
    Rng shuffle_rng;
    shuffle_rng.set_state(cursor.epoch_start);
    for (int i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
    for (int i = count - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[shuffle_rng.below(static_cast<std::uint64_t>(i) + 1)]);
    if (cursor.step_in_epoch == 0) model.data_rng() = shuffle_rng;
    for (int s = cursor.step_in_epoch; s < steps; ++s) {
      const int b0 = s * batch_size, bn = std::min(batch_size, count - b0);
      data.gather(order.data() + b0, bn, batch, labels);
      const auto& given = labelled ? labels : no_labels;
      const auto st = hooks.step ? hooks.step(model, batch, given) : model.step(batch, given);
      if (!figures_finite(st) || !model.weights_finite())
        throw std::runtime_error("training diverged at epoch " + std::to_string(epoch) + ", step " + std::to_string(s + 1) +
                                 " (a loss or weight is not finite: " + figures_text(st) + ")" +
                                 (settings.checkpoint_dir.empty() ? "" : "; the last good checkpoint in " + settings.checkpoint_dir + " is kept"));
      cursor.step_in_epoch = s + 1;
      if (hooks.after_step) hooks.after_step({epoch, s + 1, steps, b0 + bn, std::chrono::duration<double>(clock::now() - start).count(), st});
      if (cursor.step_in_epoch < steps && stop_requested()) {  // at the last step, the epoch is finished first
        if (!settings.checkpoint_dir.empty()) out.checkpoint = save(checkpoint_path(settings.checkpoint_dir, cursor.epoch, cursor.step_in_epoch));
        out.end = LoopEnd::Stopped;
        return out;
      }
    }
    cursor.epoch = epoch;
    cursor.step_in_epoch = 0;
    const bool stopping = stop_requested() && epoch < settings.epochs;
    EpochRecord rec{epoch, 0, "", epoch == settings.epochs || stopping};
    if (!settings.checkpoint_dir.empty() && (epoch % settings.checkpoint_every == 0 || rec.last))
      out.checkpoint = rec.checkpoint = save(checkpoint_path(settings.checkpoint_dir, epoch));
    rec.seconds = std::chrono::duration<double>(clock::now() - start).count();
    if (hooks.after_epoch) hooks.after_epoch(rec);
    if (stopping) {
      out.end = LoopEnd::Stopped;
      return out;
    }
  }
  return out;
}

// A GAN's epochs (the name the programs and tests know).
template <class T>
LoopOutcome train_gan(GanTrainer<T>& trainer, LoopCursor& cursor, const BatchSource<T>& data, const LoopSettings& settings, const LoopHooks<T>& hooks) {
  return train_epochs(trainer, cursor, data, settings, hooks);
}

}  // namespace ganlite
