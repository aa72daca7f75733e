// ganlite/train/training_run.hpp — a whole training run of any model the loop trains (a GAN, a
// VAE: training_loop.hpp) in a run folder: what every training program needs around the loop,
// as one part.
//
//   TrainingRun<Model> run(settings);          // the folder made ready now, before any data is read
//   Model model(...);
//   RunOutcome end = run.train(model, data, identity, checkpoints);   // checkpoints: a CheckpointKind
//
// The folder (run_outputs.hpp): made if missing, locked for this process, a fresh run refuses
// another run's files (FolderStart::Restart deletes exactly those), nothing is overwritten that
// ganlite can't be shown to have written. A resume continues the newest checkpoint that reads
// whole, and refuses one of other settings or data (run_checkpoints.hpp). Then every epoch:
//   checkpoint_epoch_E.ckpt   every checkpoint_every epochs and the last (and at a stop)
//   image_at_epoch_EEEE.png   the model's samples (RunModel<Model>::sample_grid)
//   losses.csv, losses.svg    every step's figures (the model's Figures), and their chart
//   training.gif              the grids so far
//   index.html                the report page: settings, state, progress, curves, grids
// and on the terminal a progress line with the time left. SIGINT, SIGTERM or SIGHUP stop it
// cleanly after the step in progress, with a checkpoint (stop_signal.hpp); a second signal ends
// it at once, and the page says what was lost. A picture, CSV or page that can't be written is
// a warning, never the end of the run.
// Over several processes (a Communicator of more than one, data-parallel, for a model that can
// shard: a GAN) only the first writes files and prints; a stop asked of any of them stops all
// after the same step. Needs stb and giflib (epoch_pictures.hpp).
//
// What a run needs of a model beyond the loop is RunModel<Model> (gan_run.hpp: a GAN's; vae_run.hpp:
// a VAE's): its checkpoint File type, its charts, a summary, a sample grid, the figures of the
// epoch's line, and (for data parallelism) shard and its timing.
#pragma once
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../dist/communicator.hpp"
#include "../kernels/gemm.hpp"
#include "../kernels/parallel.hpp"
#include "epoch_pictures.hpp"
#include "loss_log.hpp"
#include "progress_line.hpp"
#include "run_checkpoints.hpp"
#include "run_folder.hpp"
#include "run_outputs.hpp"
#include "run_page.hpp"
#include "stop_signal.hpp"
#include "training_loop.hpp"

namespace ganlite {

template <class Model>
struct RunModel;  // a model's part of a run (see above)

struct RunSettings {
  std::string dir = "run";  // the run folder
  FolderStart start = FolderStart::Fresh;
  int epochs = 1, checkpoint_every = 1;
  int shards = 1;  // of each batch, over the communicator's processes (a GAN's: GanTrainer::shard)
  std::string program = "ganlite";  // starts its warnings ("program: warning: ...")
  std::string title;                // of the report page ("" : program — dir)
  std::string model_name = "GAN";   // heads the loss chart
  std::string data_description;     // after "Training on ": e.g. "128 images from data/mnist" ("": "N images")
  std::vector<std::pair<std::string, std::string>> page_settings;  // the page's table, in order
  // How the program's user says what a library message names: a setting in its words (its flag),
  // and what to do about a stop, other data, or a folder of another run.
  std::function<std::string(const std::string& setting)> setting_name;
  std::string how_to_resume = "resume the run";                     // "continue with --resume"
  std::string data_advice;                                          // "--data must be the checkpoint's"
  std::string how_to_raise_epochs = "train for more epochs";        // "raise --epochs to go on"
};

// The files a run writes beside its checkpoints, and what proves a file without ganlite's mark
// is one of them: its CSV's header, the chart's title, the page's charts (lossChart: pages from
// before the charts were the run's).
inline RunOutputs run_outputs_with(const std::string& csv_header) {
  RunOutputs o;
  o.names = {"losses.csv", "losses.svg", "training.gif", "index.html"};
  o.numbered = {{"image_at_epoch_", ".png"}};
  o.fresh_may_replace = {"index.html"};  // the page of a run stopped before its first epoch
  o.signatures = {csv_header, kLossChartSignature, "id=\"lossChart\"", "id=\"runCharts\""};
  return o;
}

enum class RunEnd { Finished, Stopped, AlreadyDone };

struct RunOutcome {
  RunEnd end = RunEnd::Finished;
  int signal = 0;          // Stopped: the signal that asked (128 + signal is the usual exit status)
  std::string checkpoint;  // the newest one written, or resumed from
  LoopCursor cursor;       // where the run stands now
};

template <class Model>
class TrainingRun {
 public:
  using Figures = typename Model::Figures;
  using Part = RunModel<Model>;
  using File = typename Part::File;
  // The files this kind of run writes (its CSV's columns are its model's figures').
  static const RunOutputs& outputs() {
    static const RunOutputs o = run_outputs_with(LossLog(figure_columns<Figures>()).header());
    return o;
  }

  // Makes the folder ready (process 0 of comm alone; comm must outlive the run). Throws
  // RunFolderHoldsAnotherRun or RunFolderRefused (a request refused as given) and IoError.
  explicit TrainingRun(RunSettings s, Communicator* comm = nullptr) : s_(std::move(s)), comm_(comm ? comm : &single_) {
    if (s_.title.empty()) s_.title = s_.program + " — " + s_.dir;
    if (!lead()) return;
    make_run_folder(s_.dir);  // exists, is a folder, is writable: said now, not after an epoch
    lock_ = std::make_unique<RunFolderLock>(s_.dir);
    remove_stale_temporaries(s_.dir, [](const std::string& n) { return outputs().is_output(n); });
    removed_ = prepare_run_folder(s_.dir, outputs(), s_.start);
  }
  // The run holds its folder's lock and may point at its own communicator: not copied or moved.
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;
  bool lead() const { return comm_->rank() == 0; }
  // The earlier run's files a Restart deleted.
  const std::vector<std::string>& removed() const { return removed_; }

  // Trains `model` (built with this run's settings) on `data` from the start or, with
  // FolderStart::Resume, from the folder's checkpoint. `extra`: the caller's hooks — after_step
  // and after_epoch run after the run's own, step replaces the model's (a test injects faults
  // with it).
  RunOutcome train(Model& model, const BatchSource<float>& data, const DataIdentity& identity, const CheckpointKind<Model, File>& kind,
                   const TrainingHooks<Model>& extra = {}) {
    const int steps = steps_per_epoch(data.count, model.batch_size());
    RunOutcome out;
    LoopCursor& cursor = out.cursor;
    if (s_.start == FolderStart::Resume) {
      ResumeRequest q{s_.dir, identity, steps, s_.setting_name, s_.data_advice, [this](const std::string& why) {
                        if (lead()) std::fprintf(stderr, "%s: skipping unusable checkpoint: %s\n", s_.program.c_str(), why.c_str());
                      }};
      const File found = checkpoint_to_resume(q, kind);  // read once: checked, then loaded
      cursor = kind.load(model, found).cursor;
      newest_ = out.checkpoint = found.path;
      if (cursor.epoch >= s_.epochs) {
        out.end = RunEnd::AlreadyDone;
        return out;
      }
      log_.resume(s_.dir + "/losses.csv", cursor);
      say("Resumed from %s (epoch %d, step %d of epoch %d)\n", found.path.c_str(), cursor.epoch, cursor.step_in_epoch, cursor.epoch + 1);
    } else {
      say("%s", Part::summary(model).c_str());
    }
    const bool parallel = s_.shards > 1 || comm_->size() > 1;
    if (parallel) Part::shard(model, *comm_, s_.shards);  // after the load: every copy takes rank 0's state
    const std::string data_said = s_.data_description.empty() ? std::to_string(data.count) + " images" : s_.data_description;
    say("Training on %s: %d steps of %d per epoch, %d thread%s, GEMM kernel %s", data_said.c_str(), steps, model.batch_size(),
        num_threads(), num_threads() == 1 ? "" : "s", gemm_kernel_name(active_gemm_kernel()));
    if (parallel) say("; %d shards over %d process%s", s_.shards, comm_->size(), comm_->size() > 1 ? "es" : "");
    say("\n");

    StopOnSignal stop;
    LoopSettings loop;
    loop.epochs = s_.epochs;
    loop.checkpoint_every = s_.checkpoint_every;
    loop.checkpoint_dir = s_.dir;
    ProgressLine progress(s_.epochs, data.count);
    TrainingHooks<Model> hooks;
    hooks.save_checkpoint = [&](Model& t, const LoopCursor& at, const std::string& path) {
      if (lead()) kind.save(t, path, {at, identity});
      newest_ = path;
    };
    hooks.step = extra.step;
    hooks.stop_requested = [&] { return comm_->size() > 1 ? comm_->any(stop.requested()) : stop.requested(); };
    hooks.after_step = [&](const StepRecordOf<Figures>& r) {
      log_.add(r);
      if (lead()) progress.step(r, [&] { return Part::progress_figures(r.stats); });
      if (extra.after_step) extra.after_step(r);
    };
    hooks.after_epoch = [&](const EpochRecord& e) {
      if (lead()) {
        progress.end_epoch();
        const std::string grid = s_.dir + "/" + epoch_grid_name(e.epoch);
        best_effort(grid, [&] {
          const GrayImage picture = Part::sample_grid(model);
          if (!picture.pixels.empty()) write_png(grid, picture);
        });
        best_effort("losses.csv and losses.svg", [&] { log_.write(s_.dir, steps, s_.model_name, Part::charts()[0]); });
        best_effort("training.gif", [&] { write_gif_of_epochs(s_.dir, e.epoch, [&](const std::string& w) { warn(w); }); });
        if (e.epoch == s_.epochs) publish(RunState::Finished, "", cursor, steps, stop);
        else if (e.last)
          publish(RunState::Stopped, "by signal " + std::to_string(stop_signal(stop)) + " after epoch " + std::to_string(e.epoch) + "; " + s_.how_to_resume,
                  cursor, steps, stop);
        else publish(RunState::Running, "", cursor, steps, stop);
        say("Time for epoch %d is %.3f sec  (%s)\n", e.epoch, e.seconds, Part::epoch_figures(log_.rows.back().values).c_str());
        if (parallel) say("%s", Part::parallel_timing(model).c_str());  // process 0's view, since the start of this run
      }
      if (extra.after_epoch) extra.after_epoch(e);
    };

    publish(RunState::Running, "", cursor, steps, stop);
    const auto run_start = std::chrono::steady_clock::now();
    LoopOutcome loop_end;
    try {
      loop_end = train_epochs(model, cursor, data, loop, hooks);
    } catch (const std::exception& e) {
      publish(RunState::Failed, e.what(), cursor, steps, stop);
      throw;
    }
    if (!loop_end.checkpoint.empty()) out.checkpoint = loop_end.checkpoint;
    if (loop_end.end == LoopEnd::Stopped) {
      out.end = RunEnd::Stopped;
      out.signal = stop_signal(stop);  // another process may have had it
      if (!lead()) return out;
      if (cursor.step_in_epoch > 0) {  // stopped inside an epoch: the pictures wait for its end, the losses don't
        best_effort("losses.csv and losses.svg", [&] { log_.write(s_.dir, steps, s_.model_name, Part::charts()[0]); });
        publish(RunState::Stopped, "by signal " + std::to_string(out.signal) + " at epoch " + std::to_string(cursor.epoch + 1) + ", step " +
                                       std::to_string(cursor.step_in_epoch) + "; " + s_.how_to_resume,
                cursor, steps, stop);
      }
      say("\nInterrupted by signal %d: wrote %s; %s\n", out.signal, out.checkpoint.c_str(), s_.how_to_resume.c_str());
      return out;
    }
    say("Done: %d epoch%s in %s; outputs in %s\n", s_.epochs, s_.epochs == 1 ? "" : "s",
        format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count()).c_str(), s_.dir.c_str());
    return out;
  }

  const RunSettings& settings() const { return s_; }
  // What the run's messages and page say of its data, once the data is read (after the folder
  // was made ready): data_description and page_settings.
  void describe_data(std::string description, std::vector<std::pair<std::string, std::string>> page_settings) {
    s_.data_description = std::move(description);
    s_.page_settings = std::move(page_settings);
  }
  const LossLog& losses() const { return log_; }

 private:
  template <class... Args>
  void say(const char* format, Args... args) {
    if (!lead()) return;
    std::printf(format, args...);
    std::fflush(stdout);
  }
  void warn(const std::string& what) const { std::fprintf(stderr, "%s: warning: %s\n", s_.program.c_str(), what.c_str()); }
  // A picture of progress never costs training: a failure is a warning.
  template <class Work>
  void best_effort(const std::string& what, Work work) const {
    try {
      work();
    } catch (const std::exception& e) {
      warn("could not write " + what + ": " + e.what());
    }
  }
  static int stop_signal(const StopOnSignal& stop) { return stop.signal_number() ? stop.signal_number() : SIGTERM; }

  // index.html: after every epoch, at a stop, at the end and on failure. While running, the
  // page a second signal leaves (StopOnSignal's last words) says the steps since the newest
  // checkpoint are lost.
  void publish(RunState state, const std::string& detail, const LoopCursor& at, int steps, StopOnSignal& stop) {
    if (!lead()) return;
    try {
      RunReport r = make_run_report({s_.title, s_.dir, s_.page_settings, at.epoch, s_.epochs, steps, newest_, Part::charts()}, log_.rows);
      r.state = state;
      r.state_detail = detail;
      const std::string page = s_.dir + "/index.html";
      write_run_report(page, r);
      if (state == RunState::Running) {
        r.state = RunState::Stopped;
        r.state_detail = "ended at once by a second signal during epoch " + std::to_string(at.epoch + 1) + ", before its stop checkpoint: the steps since " +
                         (newest_.empty() ? "the start" : newest_) + " are lost; " + s_.how_to_resume;
      }
      stop.on_forced_exit(page, run_report_html(r));
    } catch (const std::exception& e) {
      warn("could not write the report " + s_.dir + "/index.html: " + e.what());
    }
  }

  RunSettings s_;
  SingleProcess single_;
  Communicator* comm_;
  std::unique_ptr<RunFolderLock> lock_;
  std::vector<std::string> removed_;
  LossLog log_{figure_columns<Figures>()};
  std::string newest_;
};

}  // namespace ganlite
