// tests/e2e_util.hpp — helpers for the end-to-end tests that run the example programs.
#pragma once
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace e2e
