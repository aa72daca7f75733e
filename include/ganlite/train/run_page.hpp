// ganlite/train/run_page.hpp — a training run's index.html (report/run_report.hpp) made from
// what its folder holds: the loss log's rows, the epochs' grids, the CSV, chart and GIF, and the
// newest checkpoint, with the settings the program lists.
#pragma once
#include <unistd.h>

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "../report/run_report.hpp"
#include "loss_log.hpp"

namespace ganlite {

inline std::string local_time_now() {
  const std::time_t t = std::time(nullptr);
  char buf[64];
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

// image_at_epoch_EEEE.png (epoch_pictures.hpp), without its folder.
inline std::string epoch_grid_name(int epoch) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "image_at_epoch_%04d.png", epoch);
  return buf;
}

struct RunPageParts {
  std::string title, dir;
  std::vector<std::pair<std::string, std::string>> settings;
  int epochs_done = 0, epochs_total = 0, steps_per_epoch = 1;
  std::string newest_checkpoint;  // a path, or ""
  std::vector<ReportChart> charts;  // of the log's columns
};

// The report of a run whose loss rows are `rows`; grids and links are the files that exist in
// its folder.
inline RunReport make_run_report(const RunPageParts& p, const std::vector<LossRow>& rows) {
  RunReport r;
  r.title = p.title;
  r.settings = p.settings;
  r.epochs_done = p.epochs_done;
  r.epochs_total = p.epochs_total;
  r.steps_per_epoch = p.steps_per_epoch;
  r.updated = local_time_now();
  r.charts = p.charts;
  // An epoch's time is the seconds column of its last row (it counts from the epoch's start, or
  // from the resume for an epoch that was resumed part way).
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const LossRow& w = rows[i];
    r.steps.push_back({w.epoch, w.step, w.values});
    const bool last_of_epoch = i + 1 == rows.size() || rows[i + 1].epoch != w.epoch;
    if (!last_of_epoch) continue;
    r.elapsed_seconds += w.seconds;
    if (w.epoch <= p.epochs_done) r.epoch_seconds.push_back(w.seconds);
    else r.steps_into_epoch = w.step;
  }
  for (int e = 1; e <= p.epochs_done; ++e)
    if (::access((p.dir + "/" + epoch_grid_name(e)).c_str(), R_OK) == 0) r.grids.push_back({e, epoch_grid_name(e)});
  for (const char* f : {"losses.csv", "losses.svg", "training.gif"})
    if (::access((p.dir + "/" + f).c_str(), R_OK) == 0) r.links.push_back({f, f});
  if (!p.newest_checkpoint.empty()) {
    const std::string base = p.newest_checkpoint.substr(p.newest_checkpoint.rfind('/') + 1);
    r.links.push_back({"newest checkpoint: " + base, base});
  }
  return r;
}

}  // namespace ganlite
