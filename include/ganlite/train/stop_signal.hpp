// ganlite/train/stop_signal.hpp — SIGINT, SIGTERM and SIGHUP as a request to stop training
// cleanly.
//
// While a StopOnSignal lives, the first SIGINT, SIGTERM or SIGHUP (a closed terminal, an ended
// ssh session) only records itself: the training loop sees requested() after the step in
// progress, writes a checkpoint and returns. A second signal ends the process at once, as it
// would have without this — after writing the "last words" the program gave (on_forced_exit:
// say, a report page that tells how the run ended), with async-signal-safe calls only. The
// handlers the process had before are put back when the StopOnSignal ends.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <string>

namespace ganlite {

namespace detail {
inline volatile std::sig_atomic_t g_stop_signal = 0;

// A file to write when a second signal ends the process: everything prepared beforehand.
struct LastWords {
  std::string path, tmp, bytes;
};
inline std::atomic<const LastWords*> g_last_words{nullptr};

inline void write_last_words() {
  const LastWords* w = g_last_words.load();
  if (!w) return;
  const int fd = ::open(w->tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::size_t done = 0;
  while (done < w->bytes.size()) {
    const ssize_t n = ::write(fd, w->bytes.data() + done, w->bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool whole = done == w->bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!whole || ::rename(w->tmp.c_str(), w->path.c_str()) != 0) ::unlink(w->tmp.c_str());
}

extern "C" inline void record_stop_signal(int sig) {
  if (g_stop_signal) {  // the second one: the last words, then the default action (terminate)
    write_last_words();
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
    for (int i = 0; i < 3; ++i) old_[i] = std::signal(kSignals[i], detail::record_stop_signal);
  }
  ~StopOnSignal() {
    for (int i = 0; i < 3; ++i) std::signal(kSignals[i], old_[i]);
    detail::g_last_words = nullptr;
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  bool requested() const { return detail::g_stop_signal != 0; }
  int signal_number() const { return static_cast<int>(detail::g_stop_signal); }

  // If a second signal ends the process, `bytes` replace the file at `path` (through a temporary
  // and a rename, so a reader sees the old file or the new one). Replaces the earlier request.
  void on_forced_exit(const std::string& path, std::string bytes) {
    detail::LastWords& w = slots_[next_];  // the slot the handler is not pointed at
    w.path = path;
    w.tmp = path + ".tmp." + std::to_string(::getpid()) + ".lastwd";  // NAME.tmp.PID.XXXXXX, as every temporary: a stale one is removed
    w.bytes = std::move(bytes);
    detail::g_last_words = &w;
    next_ ^= 1;
  }

 private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  void (*old_[3])(int) = {SIG_DFL, SIG_DFL, SIG_DFL};
  detail::LastWords slots_[2];
  int next_ = 0;
};

}  // namespace ganlite
