// ganlite/train/loss_log.hpp — a run's per-step figures: losses.csv and its chart losses.svg.
//
// One row per step: epoch, step, the model's figures (named by the model: a GAN's d_loss, g_loss,
// d_real, d_fake; a VAE's negative_elbo, reconstruction, kl, kl_weight), seconds since the epoch
// began. The CSV is rewritten whole and atomically after every epoch; a resumed run reads back
// the rows up to its checkpoint's position (later ones belong to steps it will redo) and goes on.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "../io/binary_file.hpp"
#include "../io/svg_plot.hpp"
#include "../report/run_report.hpp"
#include "run_position.hpp"
#include "training_loop.hpp"

namespace ganlite {

struct LossRow {
  int epoch = 0, step = 0;
  std::vector<float> values;  // one per column of the log
  double seconds = 0;         // since the epoch (or its resumed part) began
};

// A GAN's CSV's first line; also what proves a losses.csv without ganlite's mark is a run's own.
inline constexpr const char* kLossCsvHeader = "epoch,step,d_loss,g_loss,d_real,d_fake,seconds\n";
// Text every losses.svg a ganlite run wrote holds (its title's end).
inline constexpr const char* kLossChartSignature = "losses (thin: per step";

// The columns of a model's figures (Figures::names).
template <class Figures>
std::vector<std::string> figure_columns() {
  return std::vector<std::string>(Figures::names.begin(), Figures::names.end());
}

class LossLog {
 public:
  explicit LossLog(std::vector<std::string> columns = figure_columns<StepStats>()) : columns_(std::move(columns)) {}
  std::vector<LossRow> rows;

  const std::vector<std::string>& columns() const { return columns_; }
  // "epoch,step,<columns>,seconds\n"
  std::string header() const {
    std::string h = "epoch,step,";
    for (const auto& c : columns_) h += c + ",";
    return h + "seconds\n";
  }

  template <class Figures>
  void add(const StepRecordOf<Figures>& r) {
    const auto v = r.stats.values();
    rows.push_back({r.epoch, r.step, std::vector<float>(v.begin(), v.end()), r.epoch_seconds});
  }

  // The rows of an existing CSV up to `at` (the steps a checkpoint holds); none if there is no
  // file or its columns are not this log's. Lines it can't read are skipped. A regular file only
  // is read: never a FIFO put in its place.
  void resume(const std::string& path, const LoopCursor& at) {
    rows.clear();
    if (::access(path.c_str(), F_OK) != 0) return;
    std::istringstream f(read_file(path));
    std::string line;
    if (!std::getline(f, line) || line + "\n" != header()) return;
    while (std::getline(f, line)) {
      LossRow r{};
      if (parse(line, r) && (r.epoch <= at.epoch || (r.epoch == at.epoch + 1 && r.step <= at.step_in_epoch))) rows.push_back(r);
    }
  }

  std::string csv() const {
    std::string s = header();
    char buf[64];
    for (const auto& r : rows) {
      s += std::to_string(r.epoch) + "," + std::to_string(r.step);
      for (float v : r.values) {
        std::snprintf(buf, sizeof buf, ",%.6f", v);
        s += buf;
      }
      std::snprintf(buf, sizeof buf, ",%.3f\n", r.seconds);
      s += buf;
    }
    return s;
  }

  // losses.csv and losses.svg in dir, each atomically; the chart draws `chart`'s curves, titled
  // "<model_name> losses (thin: per step, ...)", which holds kLossChartSignature.
  void write(const std::string& dir, int steps_per_epoch, const std::string& model_name, const ReportChart& chart) const {
    write_file_atomic(dir + "/losses.csv", csv());
    std::vector<PlotSeries> series;
    for (const auto& c : chart.curves) {
      series.push_back({c.label, c.color, {}});
      for (const auto& r : rows) series.back().y.push_back(static_cast<std::size_t>(c.column) < r.values.size() ? r.values[c.column] : 0.0);
    }
    write_file_atomic(dir + "/losses.svg", svg_line_chart(series, model_name + " losses (thin: per step, thick: moving average)", "epoch",
                                                          1.0 / std::max(1, steps_per_epoch)));
  }

 private:
  // "E,S,v1,...,vN,seconds" with exactly this log's N columns.
  bool parse(const std::string& line, LossRow& r) const {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    if (fields.size() != columns_.size() + 3) return false;
    std::vector<double> x;
    for (const auto& field : fields) {
      char* end = nullptr;
      x.push_back(std::strtod(field.c_str(), &end));
      if (field.empty() || *end) return false;
    }
    r.epoch = static_cast<int>(x[0]), r.step = static_cast<int>(x[1]), r.seconds = x.back();
    for (std::size_t c = 0; c < columns_.size(); ++c) r.values.push_back(static_cast<float>(x[c + 2]));
    return true;
  }
  std::vector<std::string> columns_;
};

}  // namespace ganlite
