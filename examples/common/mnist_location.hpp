// examples/common/mnist_location.hpp — where the example programs look for MNIST by default.
//
// $GANLITE_MNIST_DIR when set; else data/mnist in the current folder (a clone's root); else the
// data/mnist of the source tree the program was built from (GANLITE_SOURCE_MNIST_DIR, set by
// CMake), so a program started from any folder still finds the copy the repository carries.
#pragma once
#include <sys/stat.h>

#include <cstdlib>
#include <ganlite/io/idx.hpp>
#include <string>

namespace examples {

inline bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

inline std::string default_mnist_dir() {
  const char* env = std::getenv("GANLITE_MNIST_DIR");
  if (env && *env) return env;
#ifdef GANLITE_SOURCE_MNIST_DIR
  if (!is_directory("data/mnist") && is_directory(GANLITE_SOURCE_MNIST_DIR)) return GANLITE_SOURCE_MNIST_DIR;
#endif
  return "data/mnist";
}

// The programs' MNIST, with errors that say how to point them elsewhere.
inline ganlite::IdxDataset load_mnist_from(const std::string& dir, const std::string& prefix) {
  return ganlite::load_mnist(dir, prefix, 28, 28, "--data or GANLITE_MNIST_DIR");
}

inline const char* kMnistDirHelp = "MNIST folder (default: $GANLITE_MNIST_DIR, else data/mnist, the copy the repository carries)";

}  // namespace examples
