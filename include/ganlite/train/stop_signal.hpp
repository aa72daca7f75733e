// ganlite/train/stop_signal.hpp — SIGINT and SIGTERM as a request to stop training cleanly.
//
// While a StopOnSignal lives, the first SIGINT or SIGTERM only records itself: the training
// loop sees requested() after the step in progress, writes a checkpoint and returns. A second
// signal ends the process at once, as it would have without this. The handlers the process had
// before are put back when the StopOnSignal ends.
#pragma once
#include <csignal>

namespace ganlite {

namespace detail {
inline volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" inline void record_stop_signal(int sig) {
  if (g_stop_signal) {  // the second one: the default action (terminate)
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop_signal = sig;
}
}  // namespace detail

class StopOnSignal {
 public:
  StopOnSignal() {
    detail::g_stop_signal = 0;
    old_int_ = std::signal(SIGINT, detail::record_stop_signal);
    old_term_ = std::signal(SIGTERM, detail::record_stop_signal);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  bool requested() const { return detail::g_stop_signal != 0; }
  int signal_number() const { return static_cast<int>(detail::g_stop_signal); }

 private:
  void (*old_int_)(int) = SIG_DFL;
  void (*old_term_)(int) = SIG_DFL;
};

}  // namespace ganlite
