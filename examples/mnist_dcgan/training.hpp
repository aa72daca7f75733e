// examples/mnist_dcgan/training.hpp — the training run: data, epochs, and every output file.
#pragma once
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/gif.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/io/svg_plot.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/stop_signal.hpp>
#include <ganlite/train/training_loop.hpp>
#include <ganlite/report/run_report.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../common/mnist_location.hpp"
#include "classes.hpp"
#include "options.hpp"
#include "processes.hpp"
#include "report.hpp"
#include "run_setup.hpp"

namespace mnist_dcgan {

using namespace ganlite;

inline std::string csv_text(const std::vector<LossRow>& rows) {
  std::string s = kLossCsvHeader;
  char buf[160];
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof buf, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.3f\n", r.epoch, r.step, r.d_loss, r.g_loss, r.d_real, r.d_fake, r.seconds);
    s += buf;
  }
  return s;
}

// Rows of an existing losses.csv up to `steps` steps into epoch `epoch` (to continue it after --resume).
inline std::vector<LossRow> read_csv_until(const std::string& path, int epoch, int steps) {
  std::vector<LossRow> rows;
  if (::access(path.c_str(), F_OK) != 0) return rows;
  std::istringstream f(read_file(path));  // a regular file only: never waits on a FIFO
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    LossRow r{};
    if (std::sscanf(line.c_str(), "%d,%d,%f,%f,%f,%f,%lf", &r.epoch, &r.step, &r.d_loss, &r.g_loss, &r.d_real, &r.d_fake, &r.seconds) == 7 &&
        (r.epoch < epoch || (r.epoch == epoch && r.step <= steps)))
      rows.push_back(r);
  }
  return rows;
}

inline void write_loss_outputs(const std::string& dir, const std::vector<LossRow>& rows, int steps_per_epoch) {
  write_file_atomic(dir + "/losses.csv", csv_text(rows));
  PlotSeries d{"discriminator loss", "#d62728", {}}, g{"generator loss", "#1f77b4", {}};
  for (const auto& r : rows) d.y.push_back(r.d_loss), g.y.push_back(r.g_loss);
  write_file_atomic(dir + "/losses.svg",
                    svg_line_chart({d, g}, "DCGAN losses (thin: per step, thick: moving average)", "epoch", 1.0 / std::max(1, steps_per_epoch)));
}

// A picture of progress never costs training: the caller's work runs, and a failure is a warning.
template <class Work>
void best_effort(const std::string& what, Work work) {
  try {
    work();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_dcgan: warning: could not write %s: %s\n", what.c_str(), e.what());
  }
}

// The GIF of every epoch's grid; a grid that can't be read, or whose size differs from the
// first one's, is left out with a warning.
inline void write_gif_of_epochs(const std::string& dir, int last_epoch) {
  std::vector<GrayImage> frames;
  for (int e = 1; e <= last_epoch; ++e) {
    const std::string p = epoch_file(dir, "image_at_epoch", e, ".png");
    if (::access(p.c_str(), F_OK) != 0) continue;
    try {
      GrayImage img = read_image_gray(p);
      if (!frames.empty() && (img.width != frames[0].width || img.height != frames[0].height))
        throw IoError(std::to_string(img.width) + "x" + std::to_string(img.height) + " where the first frame is " +
                      std::to_string(frames[0].width) + "x" + std::to_string(frames[0].height));
      frames.push_back(std::move(img));
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "mnist_dcgan: warning: training.gif leaves out %s: %s\n", p.c_str(), ex.what());
    }
  }
  if (!frames.empty()) write_gif(dir + "/training.gif", frames, 40);
}

// The per-epoch picture: the seed's 4 x 4 grid of the fixed noise, or for a conditional model a
// K x 10 grid — row r is class r, column c one fixed noise vector (one hand writing every class).
inline GrayImage epoch_grid(DcganTrainer& t) {
  const int K = t.config().classes;
  return K ? make_grid(t.sample_fixed(), K, t.fixed_noise().dim(0), 2) : make_grid(t.sample_fixed(), 4, 4, 3);
}

// Images (N, rows, cols, 1) scaled to [-1, 1].
inline Tensor<float> to_training_tensor(const IdxDataset& ds, int count) {
  Tensor<float> x({count, ds.rows, ds.cols, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = scaled_pixel<float>(ds.pixels[i]);
  return x;
}

inline std::string format_seconds(double s) {
  char buf[32];
  const int t = static_cast<int>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", t / 3600, (t / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", t / 60, t % 60);
  return buf;
}

// The newest checkpoint in --out that is whole, and its settings; the damaged ones newer than it
// are named, with why, and skipped.
inline std::pair<std::string, detail::CheckpointHeader> newest_good_checkpoint(const std::string& dir, bool say_why) {
  // Reading a version 4 file checks every tensor (finite values included); an older one is
  // loaded on trial, so that whatever is wrong with a checkpoint skips it here.
  auto read = [](const std::string& path) {
    detail::CheckpointHeader h = read_checkpoint_info(path);
    if (h.version < 4) {
      DcganTrainer t(h.config);
      load_checkpoint(t, path);
    }
    return h;
  };
  try {
    return newest_readable_checkpoint(dir, read, [say_why](const std::string& why) {
      if (say_why) std::fprintf(stderr, "mnist_dcgan: skipping unusable checkpoint: %s\n", why.c_str());
    });
  } catch (const IoError& e) {
    throw IoError(std::string("--resume: ") + e.what());
  }
}

// What a training run needs in memory (address space, as `ulimit -v` counts it), said when an
// allocation fails; set once the run's data is known. The figure is fitted to the peak VmPeak of
// one-epoch runs of 512 images on 2 threads (docs/reliability.md: 445 MB at --batch 64, 905 MB at 256): the
// program and both networks, the training images as bytes, and 2.4 MB per image of the batch
// (activations, their gradients, the convolutions' work buffers).
inline std::string memory_need;
inline std::string memory_note(const TrainOptions& o, int images) {
  const double need_mb = 245 + images * 785.0 / 1e6 + 2.4 * o.batch;
  char b[200];
  std::snprintf(b, sizeof b, "training with --batch %d on %d images needs about %.0f MB", o.batch, images, need_mb);
  return b;
}

// Shards the processes can share, and that every batch can be cut into (the last one of an
// epoch too): refused at the start, naming the flags.
inline void check_shards(const TrainOptions& o, int images, int processes) {
  if (o.shards % processes != 0)
    throw UsageError("--shards " + std::to_string(o.shards) + " is not a multiple of the " + std::to_string(processes) +
                     " processes (mpirun -np): each process takes an equal number of shards");
  const int last = images % o.batch ? images % o.batch : o.batch;
  if (std::min(last, o.batch) < o.shards)
    throw UsageError("--shards " + std::to_string(o.shards) + " is more than the " + std::to_string(std::min(last, o.batch)) +
                     " images of " + (last < o.batch ? "an epoch's last batch (--limit and --batch decide it)" : "a batch (--batch)"));
}

// Progress on the terminal (every step, on one line) or in a log (a line a minute).
class ProgressLine {
 public:
  explicit ProgressLine(int epochs, int count) : epochs_(epochs), count_(count), tty_(::isatty(STDERR_FILENO)) {}
  void step(const StepRecord& r) {
    const auto now = std::chrono::steady_clock::now();
    if (!tty_ && std::chrono::duration<double>(now - last_).count() < 60) return;
    last_ = now;
    const double ips = r.images_done / std::max(r.epoch_seconds, 1e-9);
    const double eta = (static_cast<double>(epochs_ - r.epoch) * count_ + (count_ - r.images_done)) / std::max(ips, 1e-9);
    std::fprintf(tty_ ? stderr : stdout, "%sepoch %d/%d  batch %d/%d  %.0f img/s  ETA %s  D loss %.4f  G loss %.4f%s", tty_ ? "\r" : "", r.epoch,
                 epochs_, r.step, r.steps, ips, format_seconds(eta).c_str(), r.stats.d_loss, r.stats.g_loss, tty_ ? "   " : "\n");
    std::fflush(tty_ ? stderr : stdout);
  }
  void end_epoch() const {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  int epochs_, count_;
  bool tty_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Trains in one process, or as one of the processes of an MPI job (comm): then the first one
// (rank 0) alone writes files and prints, every process reads the data itself, and a stop
// request on any of them stops all after the same step.
// `extra`: hooks of the caller's; its step, if any, takes the place of the trainer's (a test's
// build injects faults with it).
inline int run_training(TrainOptions o, Communicator& comm, const LoopHooks<float>& extra = {}) {
  set_num_threads(o.threads);
  o.processes = comm.size();
  const bool lead = comm.rank() == 0;
  require_agreement(comm, settings_to_agree(o));  // before anything that all processes must do alike
  std::unique_ptr<RunFolderLock> lock;
  if (lead) {
    make_run_folder(o.out_dir);  // exists, is a folder, is writable: said now, not after an epoch
    lock = std::make_unique<RunFolderLock>(o.out_dir);  // held until this function returns, or the process ends
    remove_stale_temporaries(o.out_dir, is_run_output);
    prepare_folder(o);
  }
  const IdxDataset ds = examples::load_mnist_from(o.data_dir, "train");
  const int count = o.limit > 0 ? std::min(o.limit, ds.count) : ds.count;
  const int steps = steps_per_epoch(count, o.batch);
  const std::uint64_t fingerprint = data_fingerprint(ds);
  require_agreement(comm, {{"training images", std::to_string(count)}, {"fingerprint of the training files (--data)", hex64(fingerprint)}});
  memory_need = memory_note(o, count);
  check_shards(o, count, comm.size());

  DcganConfig config;
  config.seed = o.seed, config.learning_rate = o.lr, config.beta1 = o.beta1, config.batch = o.batch, config.shards = o.shards;
  config.generator_ema = o.ema;
  if (o.conditional) config.class_names = class_names_for(ds), config.classes = static_cast<int>(config.class_names.size());
  DcganTrainer trainer(config);
  std::vector<LossRow> rows;
  std::string newest_ckpt;
  if (o.resume) {
    const auto [ckpt, info] = newest_good_checkpoint(o.out_dir, lead);
    check_resume_matches(ckpt, info, trainer.config(), count, fingerprint, steps);
    load_checkpoint(trainer, ckpt);
    newest_ckpt = ckpt;
    if (trainer.epoch >= o.epochs) {
      if (lead) std::printf("%s has done %d epochs already; --epochs %d asks for no more, so there is nothing to train "
                  "(raise --epochs to go on)\n", ckpt.c_str(), trainer.epoch, o.epochs);
      return 0;
    }
    rows = read_csv_until(o.out_dir + "/losses.csv", trainer.epoch + 1, trainer.step_in_epoch);
    if (lead) std::printf("Resumed from %s (epoch %d, step %d of epoch %d)\n", ckpt.c_str(), trainer.epoch, trainer.step_in_epoch, trainer.epoch + 1);
  } else if (lead) {
    std::printf("%s\n%s", trainer.generator().summary(o.batch).c_str(), trainer.discriminator().summary(o.batch).c_str());
  }
  trainer.data_images = static_cast<std::uint32_t>(count);  // checkpoints before version 3 did not record them
  trainer.data_fingerprint = fingerprint;
  // Data-parallel when asked for: the same step over shards and processes.
  const bool parallel = o.shards > 1 || comm.size() > 1;
  if (parallel) trainer.shard(comm, o.shards);
  if (lead) {
    std::printf("Training on %d images from %s: %d steps of %d per epoch, %d thread%s, GEMM kernel %s", count, o.data_dir.c_str(), steps, o.batch,
                num_threads(), num_threads() == 1 ? "" : "s", gemm_kernel_name(active_gemm_kernel()));
    if (parallel) std::printf("; %d shards over %d process%s", o.shards, comm.size(), comm.size() > 1 ? "es" : "");
    std::printf("\n");
    std::fflush(stdout);
  }

  // index.html: written after every epoch, at a signal stop, at the end and on failure. A page
  // that can't be written costs a warning, never the run.
  // A second signal ends the process at once; the page it leaves says so (StopOnSignal's last words).
  StopOnSignal stop;  // SIGINT / SIGTERM / SIGHUP: a checkpoint, then exit 128 + signal; a second one exits at once
  const auto settings = run_settings(o, count, num_threads(), gemm_kernel_name(active_gemm_kernel()));
  auto publish = [&](RunState state, const std::string& detail) {
    if (!lead) return;
    try {
      RunReport r = make_report(o, rows, trainer.epoch, steps, settings, newest_ckpt);
      r.state = state;
      r.state_detail = detail;
      const std::string page = o.out_dir + "/index.html";
      write_run_report(page, r);
      if (state == RunState::Running) {
        r.state = RunState::Stopped;
        r.state_detail = "ended at once by a second signal during epoch " + std::to_string(trainer.epoch + 1) +
                         ", before its stop checkpoint: the steps since " + (newest_ckpt.empty() ? "the start" : newest_ckpt) +
                         " are lost; continue with --resume";
      }
      stop.on_forced_exit(page, run_report_html(r));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mnist_dcgan: warning: could not write the report %s/index.html: %s\n", o.out_dir.c_str(), e.what());
    }
  };

  const std::string by_signal = "by signal ";
  LoopSettings loop;
  loop.epochs = o.epochs;
  loop.checkpoint_every = o.checkpoint_every;
  loop.checkpoint_dir = o.out_dir;
  ProgressLine progress(o.epochs, count);
  LoopHooks<float> hooks;
  hooks.save_checkpoint = [&](GanTrainer<float>&, const std::string& path) {
    if (lead) save_checkpoint(trainer, path);
    newest_ckpt = path;
  };
  hooks.step = extra.step;
  hooks.stop_requested = [&] { return comm.size() > 1 ? comm.any(stop.requested()) : stop.requested(); };
  hooks.after_step = [&](const StepRecord& r) {
    rows.push_back({r.epoch, r.step, r.stats.d_loss, r.stats.g_loss, r.stats.d_real, r.stats.d_fake, r.epoch_seconds});
    if (lead) progress.step(r);
  };
  hooks.after_epoch = [&](const EpochRecord& e) {
    if (!lead) return;
    progress.end_epoch();
    const std::string grid = epoch_file(o.out_dir, "image_at_epoch", e.epoch, ".png");
    best_effort(grid, [&] { write_png(grid, epoch_grid(trainer)); });
    best_effort("losses.csv and losses.svg", [&] { write_loss_outputs(o.out_dir, rows, steps); });
    best_effort("training.gif", [&] { write_gif_of_epochs(o.out_dir, e.epoch); });
    if (e.epoch == o.epochs) publish(RunState::Finished, "");
    else if (e.last) publish(RunState::Stopped, by_signal + std::to_string(stop.signal_number() ? stop.signal_number() : SIGTERM) + " after epoch " + std::to_string(e.epoch) + "; continue with --resume");
    else publish(RunState::Running, "");
    const LossRow& last = rows.back();
    std::printf("Time for epoch %d is %.3f sec  (D loss %.4f, G loss %.4f, D(x) %.3f, D(G(z)) %.3f)\n", e.epoch, e.seconds, last.d_loss,
                last.g_loss, last.d_real, last.d_fake);
    if (parallel) {  // process 0's view, since the start of this run
      const Shards::Timing& t = trainer.timing();
      std::printf("  data-parallel: sums over shards %.1f %% of the step time (%.1f ms of %.1f ms a step), %.2f MB sent a step\n",
                  100 * t.sum_seconds / std::max(t.step_seconds, 1e-9), 1e3 * t.sum_seconds / std::max(1L, t.steps),
                  1e3 * t.step_seconds / std::max(1L, t.steps), t.bytes_sent / 1e6 / std::max(1L, t.steps));
    }
    std::fflush(stdout);
  };

  publish(RunState::Running, "");
  const auto run_start = std::chrono::steady_clock::now();
  LoopOutcome outcome;
  try {
    outcome = train_gan<float>(trainer, byte_images<float>(ds.pixels.data(), ds.labels.data(), count, ds.rows, ds.cols), loop, hooks);
  } catch (const std::exception& e) {
    publish(RunState::Failed, e.what());
    throw;
  }
  const int stop_signal = stop.signal_number() ? stop.signal_number() : SIGTERM;  // another process may have had it
  if (outcome.end == LoopEnd::Stopped && !lead) return 128 + stop_signal;
  if (outcome.end == LoopEnd::Stopped) {
    if (trainer.step_in_epoch > 0) {  // stopped inside an epoch: the pictures wait for its end, the losses don't
      best_effort("losses.csv and losses.svg", [&] { write_loss_outputs(o.out_dir, rows, steps); });
      publish(RunState::Stopped, by_signal + std::to_string(stop_signal) + " at epoch " + std::to_string(trainer.epoch + 1) + ", step " +
                                     std::to_string(trainer.step_in_epoch) + "; continue with --resume");
    }
    std::printf("\nInterrupted by signal %d: wrote %s; continue with --resume\n", stop_signal, outcome.checkpoint.c_str());
    std::fflush(stdout);
    return 128 + stop_signal;
  }
  if (lead) std::printf("Done: %d epoch%s in %s; outputs in %s\n", o.epochs, o.epochs == 1 ? "" : "s",
              format_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count()).c_str(), o.out_dir.c_str());
  return 0;
}

}  // namespace mnist_dcgan
