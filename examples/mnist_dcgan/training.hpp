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
#include <ganlite/ganlite.hpp>
#include <ganlite/io/gif.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/io/svg_plot.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "classes.hpp"
#include "options.hpp"
#include "report.hpp"
#include "run_setup.hpp"

namespace mnist_dcgan {

using namespace ganlite;

// SIGINT / SIGTERM: the first asks training to stop after the current step (it then writes a
// checkpoint and exits); a second one exits at once.
inline volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" inline void on_stop_signal(int sig) {
  if (g_stop_signal) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop_signal = sig;
}

inline std::string csv_text(const std::vector<LossRow>& rows) {
  std::string s = "epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n";
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
  std::ifstream f(path);
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

// A model that holds NaN or infinity is never sampled or scored.
inline void require_finite_weights(DcganTrainer& t, const std::string& checkpoint) {
  if (!t.weights_finite()) throw IoError(checkpoint + ": holds weights that are not finite (NaN or infinity); it can't be sampled or scored");
}

// The per-epoch picture: the seed's 4 x 4 grid of the fixed noise, or for a conditional model a
// K x 10 grid — row r is class r, column c one fixed noise vector (one hand writing every class).
inline GrayImage epoch_grid(DcganTrainer& t) {
  const int K = t.config().classes;
  return K ? make_grid(t.sample_fixed(), K, t.fixed_noise().dim(0), 2) : make_grid(t.sample_fixed(), 4, 4, 3);
}

// A pixel scaled to [-1, 1] as the seed's (x - 127.5) / 127.5.
inline float scaled_pixel(std::uint8_t p) { return (p - 127.5f) / 127.5f; }

// Images (N, rows, cols, 1) scaled to [-1, 1].
inline Tensor<float> to_training_tensor(const IdxDataset& ds, int count) {
  Tensor<float> x({count, ds.rows, ds.cols, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = scaled_pixel(ds.pixels[i]);
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

inline std::string partial_checkpoint_name(const std::string& dir, int completed_epochs, int step) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/checkpoint_epoch_%04d_step_%04d.ckpt", completed_epochs, step);
  return dir + buf;
}

inline int report_interrupt(const std::string& checkpoint) {
  std::printf("\nInterrupted by signal %d: wrote %s; continue with --resume\n", static_cast<int>(g_stop_signal), checkpoint.c_str());
  std::fflush(stdout);
  return 128 + static_cast<int>(g_stop_signal);
}

// The epochs themselves: from the trainer's cursor to o.epochs, writing every output file.
template <class Publish>
int train_epochs(const TrainOptions& o, DcganTrainer& trainer, const IdxDataset& ds, int count, int steps, std::vector<LossRow>& rows,
                 std::string& newest_ckpt, Publish& publish) {
  // Fault injection for the reliability tests: poison a weight after this many steps.
  const char* nan_env = std::getenv("GANLITE_FAULT_NAN_AFTER_STEPS");
  const long nan_after = nan_env ? std::atol(nan_env) : 0;
  long steps_run = 0;
  g_stop_signal = 0;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const bool tty = ::isatty(STDERR_FILENO);
  std::vector<int> order(count);
  Tensor<float> batch;
  std::vector<int> labels;
  // The training set stays as bytes (47 MB for MNIST, not 188 MB of floats); each batch is scaled
  // as it is gathered.
  const std::size_t image_size = static_cast<std::size_t>(ds.rows) * ds.cols;
  using clock = std::chrono::steady_clock;
  const auto run_start = clock::now();
  auto last_report = run_start;
  for (int epoch = trainer.epoch + 1; epoch <= o.epochs; ++epoch) {
    const auto start = clock::now();
    // The epoch's shuffle comes from the data Rng; a resumed epoch redraws it from the state
    // the epoch began with, so it sees the same order.
    if (trainer.step_in_epoch == 0) trainer.epoch_start_state = trainer.data_rng().state();
    Rng shuffle_rng;
    shuffle_rng.set_state(trainer.epoch_start_state);
    for (int i = 0; i < count; ++i) order[i] = i;
    for (int i = count - 1; i > 0; --i) std::swap(order[i], order[shuffle_rng.below(static_cast<std::uint64_t>(i) + 1)]);
    if (trainer.step_in_epoch == 0) trainer.data_rng() = shuffle_rng;
    for (int s = trainer.step_in_epoch; s < steps; ++s) {
      const int b0 = s * o.batch, bn = std::min(o.batch, count - b0);
      batch.resize({bn, ds.rows, ds.cols, 1});
      labels.resize(bn);
      for (int j = 0; j < bn; ++j) {
        const std::uint8_t* src = ds.pixels.data() + order[b0 + j] * image_size;
        std::transform(src, src + image_size, batch.data() + j * image_size, scaled_pixel);
        labels[j] = ds.labels[order[b0 + j]];
      }
      const StepStats st = o.conditional ? trainer.train_step(batch, labels) : trainer.train_step(batch);
      if (nan_after > 0 && ++steps_run == nan_after) (*trainer.generator().params()[0])[0] = std::nanf("");
      if (!std::isfinite(st.d_loss) || !std::isfinite(st.g_loss) || !trainer.weights_finite())
        throw std::runtime_error("training diverged at epoch " + std::to_string(epoch) + ", step " + std::to_string(s + 1) +
                                 " (a loss or weight is not finite: D loss " + std::to_string(st.d_loss) + ", G loss " +
                                 std::to_string(st.g_loss) + "); the last good checkpoint in " + o.out_dir + " is kept");
      trainer.step_in_epoch = s + 1;
      const auto now = clock::now();
      const double secs = std::chrono::duration<double>(now - start).count();
      rows.push_back({epoch, s + 1, st.d_loss, st.g_loss, st.d_real, st.d_fake, secs});
      if (g_stop_signal && trainer.step_in_epoch < steps) {  // at the last step, finish the epoch first
        const std::string path = partial_checkpoint_name(o.out_dir, trainer.epoch, trainer.step_in_epoch);
        save_checkpoint(trainer, path);
        newest_ckpt = path;
        best_effort("losses.csv and losses.svg", [&] { write_loss_outputs(o.out_dir, rows, steps); });
        publish(RunState::Stopped, "by signal " + std::to_string(g_stop_signal) + " at epoch " + std::to_string(epoch) + ", step " +
                                       std::to_string(s + 1) + "; continue with --resume");
        return report_interrupt(path);
      }
      const bool report = tty || std::chrono::duration<double>(now - last_report).count() >= 60;
      if (report) {
        last_report = now;
        const double ips = (b0 + bn) / std::max(secs, 1e-9);
        const double eta = (static_cast<double>(o.epochs - epoch) * count + (count - b0 - bn)) / std::max(ips, 1e-9);
        std::fprintf(tty ? stderr : stdout, "%sepoch %d/%d  batch %d/%d  %.0f img/s  ETA %s  D loss %.4f  G loss %.4f%s", tty ? "\r" : "",
                     epoch, o.epochs, s + 1, steps, ips, format_seconds(eta).c_str(), st.d_loss, st.g_loss, tty ? "   " : "\n");
        std::fflush(tty ? stderr : stdout);
      }
    }
    if (tty) std::fprintf(stderr, "\n");
    trainer.epoch = epoch;
    trainer.step_in_epoch = 0;
    const std::string ckpt = epoch_file(o.out_dir, "checkpoint_epoch", epoch, ".ckpt");
    if (epoch % o.checkpoint_every == 0 || epoch == o.epochs || g_stop_signal) {
      save_checkpoint(trainer, ckpt);  // first: what resume needs must not wait on the pictures
      newest_ckpt = ckpt;
    }
    const std::string grid = epoch_file(o.out_dir, "image_at_epoch", epoch, ".png");
    best_effort(grid, [&] { write_png(grid, epoch_grid(trainer)); });
    best_effort("losses.csv and losses.svg", [&] { write_loss_outputs(o.out_dir, rows, steps); });
    best_effort("training.gif", [&] { write_gif_of_epochs(o.out_dir, epoch); });
    if (epoch == o.epochs) publish(RunState::Finished, "");
    else if (g_stop_signal) publish(RunState::Stopped, "by signal " + std::to_string(g_stop_signal) + " after epoch " + std::to_string(epoch) + "; continue with --resume");
    else publish(RunState::Running, "");
    const LossRow& last = rows.back();
    std::printf("Time for epoch %d is %.3f sec  (D loss %.4f, G loss %.4f, D(x) %.3f, D(G(z)) %.3f)\n", epoch,
                std::chrono::duration<double>(clock::now() - start).count(), last.d_loss, last.g_loss, last.d_real, last.d_fake);
    std::fflush(stdout);
    if (g_stop_signal && epoch < o.epochs) return report_interrupt(ckpt);
  }
  std::printf("Done: %d epochs in %s; outputs in %s\n", o.epochs, format_seconds(std::chrono::duration<double>(clock::now() - run_start).count()).c_str(),
              o.out_dir.c_str());
  return 0;
}


inline int run_training(const TrainOptions& o) {
  set_num_threads(o.threads);
  make_dirs(o.out_dir);  // exists, is a folder, is writable: said now, not after an epoch
  const RunFolderLock lock(o.out_dir);  // held until this function returns, or the process ends
  remove_stale_temporaries(o.out_dir, is_run_output);
  if (!o.resume) prepare_fresh_folder(o);
  const IdxDataset ds = load_mnist(o.data_dir, "train");
  const int count = o.limit > 0 ? std::min(o.limit, ds.count) : ds.count;
  const int steps = (count + o.batch - 1) / o.batch;
  const std::uint64_t fingerprint = data_fingerprint(ds);

  DcganConfig config{o.seed, o.lr, o.beta1, o.batch};
  if (o.conditional) config.class_names = class_names_for(ds), config.classes = static_cast<int>(config.class_names.size());
  DcganTrainer trainer(config);
  trainer.data_images = static_cast<std::uint32_t>(count);
  trainer.data_fingerprint = fingerprint;
  std::vector<LossRow> rows;
  std::string newest_ckpt;
  if (o.resume) {
    const std::string ckpt = newest_good_checkpoint(o.out_dir);
    check_resume_matches(ckpt, read_checkpoint_info(ckpt), trainer.config(), count, fingerprint, steps);
    load_checkpoint(trainer, ckpt);
    trainer.data_images = static_cast<std::uint32_t>(count);  // older checkpoints did not record it
    trainer.data_fingerprint = fingerprint;
    newest_ckpt = ckpt;
    if (trainer.epoch >= o.epochs) {
      std::printf("%s has done %d epochs already; --epochs %d asks for no more, so there is nothing to train "
                  "(raise --epochs to go on)\n", ckpt.c_str(), trainer.epoch, o.epochs);
      return 0;
    }
    rows = read_csv_until(o.out_dir + "/losses.csv", trainer.epoch + 1, trainer.step_in_epoch);
    std::printf("Resumed from %s (epoch %d, step %d of epoch %d)\n", ckpt.c_str(), trainer.epoch, trainer.step_in_epoch, trainer.epoch + 1);
  } else {
    std::printf("%s\n%s", trainer.generator().summary().c_str(), trainer.discriminator().summary().c_str());
  }
  std::printf("Training on %d images from %s: %d steps of %d per epoch, %d threads, GEMM kernel %s\n", count, o.data_dir.c_str(),
              steps, o.batch, num_threads(), gemm_kernel_name(active_gemm_kernel()));
  std::fflush(stdout);

  // index.html: written after every epoch, at a signal stop, at the end and on failure. A page
  // that can't be written costs a warning, never the run.
  const auto settings = run_settings(o, count, num_threads(), gemm_kernel_name(active_gemm_kernel()));
  auto publish = [&](RunState state, const std::string& detail) {
    try {
      RunReport r = make_report(o, rows, trainer.epoch, steps, settings, newest_ckpt);
      r.state = state;
      r.state_detail = detail;
      write_run_report(o.out_dir + "/index.html", r);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mnist_dcgan: warning: could not write the report %s/index.html: %s\n", o.out_dir.c_str(), e.what());
    }
  };
  publish(RunState::Running, "");
  try {
    return train_epochs(o, trainer, ds, count, steps, rows, newest_ckpt, publish);
  } catch (const std::exception& e) {
    publish(RunState::Failed, e.what());
    throw;
  }
}

}  // namespace mnist_dcgan
