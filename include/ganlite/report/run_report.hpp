// ganlite/report/run_report.hpp — a training run as one self-contained HTML page.
//
// RunReport holds what a person watching a run wants to see: its settings, its state, its
// progress and timing, one sample grid per epoch and the per-step curves. write_run_report()
// turns it into `index.html`: the data goes into the page as one JSON object, the page's own
// short script draws it (report_page.hpp), and the grids are the PNG files beside the page. The
// page needs no server, no network and no file reads of its own, so it opens from file:// as it
// is. It is written atomically, so a browser reloading it never sees half a page.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "../io/binary_file.hpp"
#include "report_page.hpp"

namespace ganlite {

// One training step's numbers, as the curves plot them: one value per column of the report.
struct ReportStep {
  int epoch = 0, step = 0;  // step counts from 1 within its epoch
  std::vector<float> values;
};

// A chart of the page: curves of the steps' columns. A GAN's: its losses (id "loss": elements
// lossChart and lossReadout), and D's mean outputs ("out").
struct ReportCurve {
  std::string label, color;
  int column = 0;  // into ReportStep::values
};
struct ReportChart {
  std::string id, title;  // id: its elements are id + "Chart" (the SVG) and id + "Readout"
  std::vector<ReportCurve> curves;
};

enum class RunState { Running, Finished, Stopped, Failed };

struct RunReport {
  std::string title = "ganlite training run";
  std::vector<std::pair<std::string, std::string>> settings;  // name, value (in order)
  RunState state = RunState::Running;
  std::string state_detail;  // e.g. "by signal 2 at epoch 3, step 17", or the error message
  int epochs_done = 0, epochs_total = 0, steps_per_epoch = 1;
  int steps_into_epoch = 0;        // steps done of the epoch after epochs_done
  double elapsed_seconds = 0;      // training time so far, over every resume
  std::vector<double> epoch_seconds;  // time of each finished epoch (index 0: epoch 1)
  std::vector<std::pair<int, std::string>> grids;  // epoch, image file name relative to the page
  std::vector<std::pair<std::string, std::string>> links;  // label, file name relative to the page
  std::vector<ReportChart> charts;
  std::vector<ReportStep> steps;
  std::string updated;  // when the page was written (local time, readable)
};

inline const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Running: return "running";
    case RunState::Finished: return "finished";
    case RunState::Stopped: return "stopped";
    case RunState::Failed: return "failed";
  }
  return "?";
}

// Seconds left: the epochs still to do at the median time of the finished ones (the median
// shrugs off an epoch slowed by something else on the machine), less the part already done.
inline double run_report_eta(const RunReport& r) {
  if (r.state != RunState::Running || r.epoch_seconds.empty()) return -1;
  std::vector<double> t = r.epoch_seconds;
  std::sort(t.begin(), t.end());
  const double per_epoch = t[t.size() / 2];
  const double left = (r.epochs_total - r.epochs_done) - static_cast<double>(r.steps_into_epoch) / std::max(1, r.steps_per_epoch);
  return std::max(0.0, left * per_epoch);
}

namespace detail {

// A JSON string literal that is also safe inside <script>: "<" is escaped, so no "</script>".
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

// A number, or null where it is not finite (JSON has no NaN).
inline std::string json_number(double v, const char* fmt = "%.6g") {
  if (!std::isfinite(v)) return "null";
  char b[32];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

inline std::string json_pairs(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string o = "[";
  for (std::size_t i = 0; i < kv.size(); ++i) o += (i ? ",[" : "[") + json_string(kv[i].first) + "," + json_string(kv[i].second) + "]";
  return o + "]";
}

}  // namespace detail

// The report's data as one JSON object (what the page's script reads). Steps go column by
// column (epoch, step, and one array per curve) to keep a long run's page small.
inline std::string run_report_json(const RunReport& r) {
  using detail::json_number;
  using detail::json_string;
  std::string o = "{";
  o += "\"title\":" + json_string(r.title);
  o += ",\"state\":" + json_string(run_state_name(r.state));
  o += ",\"stateDetail\":" + json_string(r.state_detail);
  o += ",\"epochsDone\":" + std::to_string(r.epochs_done) + ",\"epochsTotal\":" + std::to_string(r.epochs_total);
  o += ",\"stepsPerEpoch\":" + std::to_string(r.steps_per_epoch) + ",\"stepsIntoEpoch\":" + std::to_string(r.steps_into_epoch);
  o += ",\"elapsed\":" + json_number(r.elapsed_seconds, "%.3f") + ",\"eta\":" + json_number(run_report_eta(r), "%.1f");
  o += ",\"updated\":" + json_string(r.updated);
  o += ",\"settings\":" + detail::json_pairs(r.settings) + ",\"links\":" + detail::json_pairs(r.links);
  o += ",\"epochSeconds\":[";
  for (std::size_t i = 0; i < r.epoch_seconds.size(); ++i) o += (i ? "," : "") + json_number(r.epoch_seconds[i], "%.3f");
  o += "],\"grids\":[";
  for (std::size_t i = 0; i < r.grids.size(); ++i) o += (i ? ",[" : "[") + std::to_string(r.grids[i].first) + "," + json_string(r.grids[i].second) + "]";
  o += "],\"charts\":[";
  for (std::size_t c = 0; c < r.charts.size(); ++c) {
    const ReportChart& ch = r.charts[c];
    o += std::string(c ? "," : "") + "{\"id\":" + json_string(ch.id) + ",\"title\":" + json_string(ch.title) + ",\"curves\":[";
    for (std::size_t k = 0; k < ch.curves.size(); ++k)
      o += (k ? ",[" : "[") + json_string(ch.curves[k].label) + "," + json_string(ch.curves[k].color) + "," + std::to_string(ch.curves[k].column) + "]";
    o += "]}";
  }
  o += "],\"steps\":{\"epoch\":[";
  for (std::size_t i = 0; i < r.steps.size(); ++i) o += (i ? "," : "") + std::to_string(r.steps[i].epoch);
  o += "],\"step\":[";
  for (std::size_t i = 0; i < r.steps.size(); ++i) o += (i ? "," : "") + std::to_string(r.steps[i].step);
  o += "],\"values\":[";  // column by column
  std::size_t columns = 0;
  for (const auto& st : r.steps) columns = std::max(columns, st.values.size());
  for (std::size_t c = 0; c < columns; ++c) {
    o += c ? ",[" : "[";
    for (std::size_t i = 0; i < r.steps.size(); ++i)
      o += (i ? "," : "") + (c < r.steps[i].values.size() ? json_number(r.steps[i].values[c]) : std::string("null"));
    o += "]";
  }
  return o + "]}}";
}

// The whole page: the template with the data and the title put in.
inline std::string run_report_html(const RunReport& r) {
  std::string page = detail::kReportPage;
  auto put = [&](const std::string& mark, const std::string& text) {
    const std::size_t at = page.find(mark);
    if (at != std::string::npos) page.replace(at, mark.size(), text);
  };
  std::string title;  // HTML-escaped for <title>
  for (char c : r.title) title += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  put("@TITLE@", title);
  put("@RUN_JSON@", run_report_json(r));
  return page;
}

// Writes the page to `path` (normally DIR/index.html) atomically.
inline void write_run_report(const std::string& path, const RunReport& r) { write_file_atomic(path, run_report_html(r)); }

}  // namespace ganlite
