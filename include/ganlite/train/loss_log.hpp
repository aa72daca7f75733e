// ganlite/train/loss_log.hpp — a run's per-step losses: losses.csv and its chart losses.svg.
//
// One row per step (epoch, step, D and G loss, D(x), D(G(z)), seconds since the epoch began).
// The CSV is rewritten whole and atomically after every epoch; a resumed run reads back the
// rows up to its checkpoint's position (later ones belong to steps it will redo) and goes on.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "../io/binary_file.hpp"
#include "../io/svg_plot.hpp"
#include "run_position.hpp"
#include "training_loop.hpp"

namespace ganlite {

struct LossRow {
  int epoch = 0, step = 0;
  float d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;
  double seconds = 0;  // since the epoch (or its resumed part) began
};

// The CSV's first line; also what proves a losses.csv without ganlite's mark is a run's own.
inline constexpr const char* kLossCsvHeader = "epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n";
// Text every losses.svg a ganlite run wrote holds (its title's end).
inline constexpr const char* kLossChartSignature = "losses (thin: per step";

class LossLog {
 public:
  std::vector<LossRow> rows;

  void add(const StepRecord& r) { rows.push_back({r.epoch, r.step, r.stats.d_loss, r.stats.g_loss, r.stats.d_real, r.stats.d_fake, r.epoch_seconds}); }

  // The rows of an existing CSV up to `at` (the steps a checkpoint holds); none if there is no
  // file. A regular file only is read: never a FIFO put in its place.
  void resume(const std::string& path, const LoopCursor& at) {
    rows.clear();
    if (::access(path.c_str(), F_OK) != 0) return;
    std::istringstream f(read_file(path));
    std::string line;
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
      LossRow r{};
      if (std::sscanf(line.c_str(), "%d,%d,%f,%f,%f,%f,%lf", &r.epoch, &r.step, &r.d_loss, &r.g_loss, &r.d_real, &r.d_fake, &r.seconds) == 7 &&
          (r.epoch <= at.epoch || (r.epoch == at.epoch + 1 && r.step <= at.step_in_epoch)))
        rows.push_back(r);
    }
  }

  std::string csv() const {
    std::string s = kLossCsvHeader;
    char buf[160];
    for (const auto& r : rows) {
      std::snprintf(buf, sizeof buf, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.3f\n", r.epoch, r.step, r.d_loss, r.g_loss, r.d_real, r.d_fake, r.seconds);
      s += buf;
    }
    return s;
  }

  // losses.csv and losses.svg in dir, each atomically; the chart's title is "<model_name> losses
  // (thin: per step, ...)", which holds kLossChartSignature.
  void write(const std::string& dir, int steps_per_epoch, const std::string& model_name) const {
    write_file_atomic(dir + "/losses.csv", csv());
    PlotSeries d{"discriminator loss", "#d62728", {}}, g{"generator loss", "#1f77b4", {}};
    for (const auto& r : rows) d.y.push_back(r.d_loss), g.y.push_back(r.g_loss);
    write_file_atomic(dir + "/losses.svg", svg_line_chart({d, g}, model_name + " losses (thin: per step, thick: moving average)", "epoch",
                                                          1.0 / std::max(1, steps_per_epoch)));
  }
};

}  // namespace ganlite
