// examples/common/exit_status.hpp — a program whose output was lost must not report success.
#pragma once
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace examples {

// rc, or 1 if standard output could not be written (a full device, a closed pipe), said on stderr.
inline int exit_status(int rc) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "error: cannot write to standard output: %s\n", std::strerror(errno ? errno : EIO));
    return rc == 0 ? 1 : rc;
  }
  return rc;
}

}  // namespace examples
