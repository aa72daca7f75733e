// ganlite/train/training_loop.hpp — epochs of any GanTrainer: reshuffling, batches, the resume
// cursor, a clean stop, checkpoint cadence and the NaN guard.
//
// The caller brings the data (batch_source.hpp) and what should happen around the steps
// (LoopHooks: saving a checkpoint, progress, pictures, a report); the loop keeps the order of
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
// The batch is the trainer's (GanConfig::batch); the last batch of an epoch may be smaller.
#pragma once
#include <chrono>
#include <cmath>
#include <functional>
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

struct StepRecord {
  int epoch = 0, step = 0, steps = 0;  // 1-based epoch and step; steps per epoch
  int images_done = 0;                 // of this epoch, including this step's
  double epoch_seconds = 0;            // since this epoch (or its resumed part) began
  StepStats stats;
};

struct EpochRecord {
  int epoch = 0;
  double seconds = 0;      // training and checkpoint
  std::string checkpoint;  // written after this epoch, or ""
  bool last = false;       // the loop's final epoch
};

template <class T = float>
struct LoopHooks {
  // Saves the trainer and the cursor (a checkpoint); needed with a checkpoint_dir.
  std::function<void(GanTrainer<T>&, const LoopCursor&, const std::string& path)> save_checkpoint;
  std::function<void(const StepRecord&)> after_step;
  std::function<void(const EpochRecord&)> after_epoch;
  std::function<bool()> stop_requested;
  // The step itself, if not trainer.train_step (say, a test's step that injects a fault).
  std::function<StepStats(GanTrainer<T>& trainer, const Tensor<T>& real, const std::vector<int>& labels)> step;
};

enum class LoopEnd { Finished, Stopped };

struct LoopOutcome {
  LoopEnd end = LoopEnd::Finished;
  std::string checkpoint;  // the newest one this loop wrote ("" if none)
};

// Steps per epoch for `count` images in batches of `batch`.
inline int steps_per_epoch(int count, int batch) { return (count + batch - 1) / batch; }

// Trains from `cursor` (a fresh LoopCursor: from the start; a checkpoint's: from where it was
// saved) to settings.epochs, moving the cursor along.
template <class T>
LoopOutcome train_gan(GanTrainer<T>& trainer, LoopCursor& cursor, const BatchSource<T>& data, const LoopSettings& settings, const LoopHooks<T>& hooks) {
  const int batch_size = trainer.gan_config().batch, count = data.count;
  if (count <= 0 || batch_size <= 0) throw std::invalid_argument("train_gan: needs images and a batch size above 0");
  if (!settings.checkpoint_dir.empty() && !hooks.save_checkpoint) throw std::invalid_argument("train_gan: a checkpoint_dir needs hooks.save_checkpoint");
  const int steps = steps_per_epoch(count, batch_size);
  if (cursor.step_in_epoch >= steps)
    throw std::invalid_argument("train_gan: the cursor is at step " + std::to_string(cursor.step_in_epoch) + " of an epoch of " + std::to_string(steps));
  const bool conditional = trainer.gan_config().classes > 0;
  const auto stop_requested = [&] { return hooks.stop_requested && hooks.stop_requested(); };
  auto save = [&](const std::string& path) {
    hooks.save_checkpoint(trainer, cursor, path);
    return path;
  };
  using clock = std::chrono::steady_clock;
  LoopOutcome out;
  std::vector<int> order(static_cast<std::size_t>(count)), labels;
  const std::vector<int> no_labels;
  Tensor<T> batch;
  for (int epoch = cursor.epoch + 1; epoch <= settings.epochs; ++epoch) {
    const auto start = clock::now();
    if (cursor.step_in_epoch == 0) cursor.epoch_start = trainer.data_rng().state();
    Rng shuffle_rng;
    shuffle_rng.set_state(cursor.epoch_start);
    for (int i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
    for (int i = count - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[shuffle_rng.below(static_cast<std::uint64_t>(i) + 1)]);
    if (cursor.step_in_epoch == 0) trainer.data_rng() = shuffle_rng;
    for (int s = cursor.step_in_epoch; s < steps; ++s) {
      const int b0 = s * batch_size, bn = std::min(batch_size, count - b0);
      data.gather(order.data() + b0, bn, batch, labels);
      const StepStats st = hooks.step ? hooks.step(trainer, batch, conditional ? labels : no_labels)
                                      : conditional ? trainer.train_step(batch, labels) : trainer.train_step(batch);
      if (!std::isfinite(st.d_loss) || !std::isfinite(st.g_loss) || !trainer.weights_finite())
        throw std::runtime_error("training diverged at epoch " + std::to_string(epoch) + ", step " + std::to_string(s + 1) +
                                 " (a loss or weight is not finite: D loss " + std::to_string(st.d_loss) + ", G loss " + std::to_string(st.g_loss) +
                                 ")" + (settings.checkpoint_dir.empty() ? "" : "; the last good checkpoint in " + settings.checkpoint_dir + " is kept"));
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

}  // namespace ganlite
