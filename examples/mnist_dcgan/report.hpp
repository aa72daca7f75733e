// examples/mnist_dcgan/report.hpp — the run's index.html: mnist_dcgan's settings and outputs put
// into the library's RunReport (ganlite/report/run_report.hpp).
#pragma once
#include <unistd.h>

#include <ctime>
#include <ganlite/report/run_report.hpp>
#include <string>
#include <vector>

#include "options.hpp"

namespace mnist_dcgan {

using namespace ganlite;

#ifndef GANLITE_PROGRAM_VERSION
#define GANLITE_PROGRAM_VERSION "unknown"
#endif

inline std::string local_time_now() {
  const std::time_t t = std::time(nullptr);
  char buf[64];
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

inline std::string format_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// What the run is: one line per setting, in the order a person reads them.
inline std::vector<std::pair<std::string, std::string>> run_settings(const TrainOptions& o, int images, int threads, const char* kernel) {
  return {{"command", o.command_line},
          {"data", o.data_dir + " (" + std::to_string(images) + " training images)"},
          {"output folder", o.out_dir},
          {"epochs", std::to_string(o.epochs)},
          {"batch", std::to_string(o.batch)},
          {"Adam learning rate", format_number(o.lr)},
          {"Adam beta1", format_number(o.beta1)},
          {"seed", std::to_string(o.seed)},
          {"conditional", o.conditional ? "yes: G and D see the class (grid row r = class r)" : "no (the seed's model)"},
          {"generator drawn", o.ema > 0 ? "its moving average, decay " + format_number(o.ema) + " (--ema)" : "as trained"},
          {"checkpoint every", std::to_string(o.checkpoint_every) + " epochs"},
          {"threads", std::to_string(threads) + (o.processes > 1 ? " per process" : "")},
          {"processes and shards", std::to_string(o.processes) + " process" + (o.processes > 1 ? "es" : "") + ", " + std::to_string(o.shards) +
                                       " shard" + (o.shards > 1 ? "s" : "") + " per batch"},
          {"GEMM kernel", kernel},
          {"program", std::string("mnist_dcgan, ganlite ") + GANLITE_PROGRAM_VERSION}};
}

// The report of a run whose loss rows are `rows`; grids and links are the files that exist in
// the output folder.
inline RunReport make_report(const TrainOptions& o, const std::vector<LossRow>& rows, int epochs_done, int steps_per_epoch,
                             std::vector<std::pair<std::string, std::string>> settings, const std::string& newest_checkpoint) {
  RunReport r;
  r.title = "mnist_dcgan — " + o.out_dir;
  r.settings = std::move(settings);
  r.epochs_done = epochs_done;
  r.epochs_total = o.epochs;
  r.steps_per_epoch = steps_per_epoch;
  r.updated = local_time_now();
  // An epoch's time is the seconds column of its last row (it counts from the epoch's start, or
  // from the resume for an epoch that was resumed part way).
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const LossRow& w = rows[i];
    r.steps.push_back({w.epoch, w.step, w.d_loss, w.g_loss, w.d_real, w.d_fake});
    const bool last_of_epoch = i + 1 == rows.size() || rows[i + 1].epoch != w.epoch;
    if (!last_of_epoch) continue;
    r.elapsed_seconds += w.seconds;
    if (w.epoch <= epochs_done) r.epoch_seconds.push_back(w.seconds);
    else r.steps_into_epoch = w.step;
  }
  for (int e = 1; e <= epochs_done; ++e) {
    const std::string name = epoch_file("", "image_at_epoch", e, ".png").substr(1);
    if (::access((o.out_dir + "/" + name).c_str(), R_OK) == 0) r.grids.push_back({e, name});
  }
  for (const char* f : {"losses.csv", "losses.svg", "training.gif"})
    if (::access((o.out_dir + "/" + f).c_str(), R_OK) == 0) r.links.push_back({f, f});
  if (!newest_checkpoint.empty()) {
    const std::string base = newest_checkpoint.substr(newest_checkpoint.rfind('/') + 1);
    r.links.push_back({"newest checkpoint: " + base, base});
  }
  return r;
}

}  // namespace mnist_dcgan
