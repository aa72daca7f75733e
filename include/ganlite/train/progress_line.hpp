// ganlite/train/progress_line.hpp — a training run's progress as a person watches it: on a
// terminal one line rewritten every step, in a log a line a minute; images a second and the
// time left (ETA) at this epoch's pace.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "training_loop.hpp"

namespace ganlite {

// "1h02m" or "3m07s".
inline std::string format_duration(double seconds) {
  char buf[32];
  const int t = static_cast<int>(seconds + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", t / 3600, (t / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", t / 60, t % 60);
  return buf;
}

class ProgressLine {
 public:
  // epochs: the run's last epoch; images: per epoch.
  ProgressLine(int epochs, int images) : epochs_(epochs), images_(images), tty_(::isatty(STDERR_FILENO)) {}

  // describe(): the step's figures as the line shows them, e.g. "D loss 0.6931  G loss 0.6931"
  // (asked only when the line is printed).
  template <class Figures, class Describe>
  void step(const StepRecordOf<Figures>& r, Describe describe) {
    const auto now = std::chrono::steady_clock::now();
    if (!tty_ && std::chrono::duration<double>(now - last_).count() < 60) return;
    last_ = now;
    const double ips = r.images_done / std::max(r.epoch_seconds, 1e-9);
    const double eta = (static_cast<double>(epochs_ - r.epoch) * images_ + (images_ - r.images_done)) / std::max(ips, 1e-9);
    std::FILE* to = tty_ ? stderr : stdout;
    std::fprintf(to, "%sepoch %d/%d  batch %d/%d  %.0f img/s  ETA %s  %s%s", tty_ ? "\r" : "", r.epoch, epochs_, r.step, r.steps, ips,
                 format_duration(eta).c_str(), std::string(describe()).c_str(), tty_ ? "   " : "\n");
    std::fflush(to);
  }
  // The terminal's line is left as it stands, and the next one starts below it.
  void end_epoch() const {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  int epochs_, images_;
  bool tty_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace ganlite
