// tests/e2e_util.hpp — helpers for the end-to-end tests that run the example programs.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "work_dir.hpp"

namespace e2e {

// MNIST: $GANLITE_MNIST_DIR, else data/mnist of the source tree.
inline std::string mnist_dir() {
  const char* env = std::getenv("GANLITE_MNIST_DIR");
  return env && *env ? env : GANLITE_DEFAULT_MNIST_DIR;
}

// Runs `binary args`, output to log; returns the exit status.
inline int run(const std::string& binary, const std::string& args, const std::string& log) {
  const int rc = std::system((binary + " " + args + " > " + log + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// An empty folder work/name (removed first if it exists).
inline std::string fresh_dir(const std::string& work, const std::string& name) { return fresh_work_dir(work, name); }

// Starts `binary args` in the background, output to log; returns its pid.
inline pid_t spawn(const std::string& binary, const std::string& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = "exec " + binary + " " + args + " > " + log + " 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits for pid; its exit status, or 128 + the signal that ended it.
inline int wait_status(pid_t pid, bool* signaled = nullptr) {
  int st = 0;
  waitpid(pid, &st, 0);
  if (signaled) *signaled = WIFSIGNALED(st);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Polls file every 50 ms until it contains text; false after timeout_s seconds.
inline bool wait_for_text(const std::string& file, const std::string& text, int timeout_s) {
  for (int i = 0; i < timeout_s * 20; ++i) {
    if (slurp(file).find(text) != std::string::npos) return true;
    usleep(50000);
  }
  return false;
}

}  // namespace e2e

#ifdef GANLITE_MNIST_DCGAN_BINARY
// For the test files about mnist_dcgan: the program, the test's work folder, and the helpers
// bound to them (`using namespace e2e::dcgan;`).
namespace e2e::dcgan {
inline const std::string kBinary = GANLITE_MNIST_DCGAN_BINARY;
inline const std::string kWork = GANLITE_TEST_WORK_DIR;
inline std::string fresh_dir(const std::string& name) { return e2e::fresh_dir(kWork, name); }
inline pid_t spawn(const std::string& args, const std::string& log) { return e2e::spawn(kBinary, args, log); }
inline int run(const std::string& args, const std::string& log) { return e2e::run(kBinary, args, log); }
using e2e::mnist_dir;
using e2e::slurp;
using e2e::wait_for_text;
using e2e::wait_status;
}  // namespace e2e::dcgan
#endif
