// ganlite/io/svg_plot.hpp — a small, dependency-free SVG line chart (loss curves).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "authorship.hpp"
#include "binary_file.hpp"

namespace ganlite {

struct PlotSeries {
  std::string label, color;
  std::vector<double> y;  // one value per x = 0, 1, 2, ...
};

// Draws each series raw (thin, translucent) and as a moving average over `smooth` points (solid),
// with axes, ticks and a legend. x runs over the series' index scaled by x_scale (e.g. 1/steps
// per epoch to label the axis in epochs).
inline std::string svg_line_chart(const std::vector<PlotSeries>& series, const std::string& title, const std::string& x_label,
                                  double x_scale = 1.0, int smooth = 25) {
  const double W = 900, H = 480, L = 70, R = 20, T = 40, B = 60;
  std::size_t n = 0;
  double lo = 0, hi = 1;
  bool first = true;
  for (const auto& s : series) {
    n = std::max(n, s.y.size());
    for (double v : s.y)
      if (std::isfinite(v)) {
        if (first) lo = hi = v, first = false;
        lo = std::min(lo, v), hi = std::max(hi, v);
      }
  }
  if (hi - lo < 1e-9) hi = lo + 1;
  lo = std::min(lo, 0.0);
  const double xmax = std::max<double>(1, n - 1);
  auto px = [&](double i) { return L + (W - L - R) * i / xmax; };
  auto py = [&](double v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); };
  std::string o;
  char buf[256];
  std::snprintf(buf, sizeof buf, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' font-family='sans-serif' font-size='13'>\n", W, H);
  o += buf;
  o += std::string(kSvgAuthorMark) + "\n";
  o += "<rect width='100%' height='100%' fill='white'/>\n";
  std::snprintf(buf, sizeof buf, "<text x='%.0f' y='24' text-anchor='middle' font-size='16'>%s</text>\n", W / 2, title.c_str());
  o += buf;
  for (int k = 0; k <= 5; ++k) {  // y grid and ticks
    const double v = lo + (hi - lo) * k / 5;
    std::snprintf(buf, sizeof buf, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#ddd'/><text x='%.1f' y='%.1f' text-anchor='end'>%.2f</text>\n",
                  L, W - R, py(v), py(v), L - 6, py(v) + 4, v);
    o += buf;
  }
  for (int k = 0; k <= 5; ++k) {  // x ticks
    const double i = xmax * k / 5;
    std::snprintf(buf, sizeof buf, "<text x='%.1f' y='%.1f' text-anchor='middle'>%.3g</text>\n", px(i), H - B + 18, i * x_scale);
    o += buf;
  }
  std::snprintf(buf, sizeof buf, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='black'/><line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='black'/>\n",
                L, W - R, H - B, H - B, L, L, T, H - B);
  o += buf;
  std::snprintf(buf, sizeof buf, "<text x='%.0f' y='%.0f' text-anchor='middle'>%s</text>\n", (L + W - R) / 2, H - 15, x_label.c_str());
  o += buf;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    std::string raw, avg;
    double acc = 0;
    std::vector<double> window;
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", px(i), py(s.y[i]));
      raw += buf;
      acc += s.y[i];
      window.push_back(s.y[i]);
      if (static_cast<int>(window.size()) > smooth) acc -= window[window.size() - smooth - 1];
      const double m = acc / std::min<std::size_t>(window.size(), smooth);
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", px(i), py(m));
      avg += buf;
    }
    o += "<polyline fill='none' stroke='" + s.color + "' stroke-opacity='0.25' stroke-width='1' points='" + raw + "'/>\n";
    o += "<polyline fill='none' stroke='" + s.color + "' stroke-width='2' points='" + avg + "'/>\n";
    std::snprintf(buf, sizeof buf, "<rect x='%.0f' y='%.0f' width='14' height='4' fill='%s'/><text x='%.0f' y='%.0f'>%s</text>\n", W - R - 170,
                  T + 8 + 18.0 * k, s.color.c_str(), W - R - 150, T + 14 + 18.0 * k, s.label.c_str());
    o += buf;
  }
  o += "</svg>\n";
  return o;
}

}  // namespace ganlite
