// examples/common/cli_checks.hpp — what every example program checks of its command line and
// its standard output.
//   finite_in(lo, hi)   a real-valued flag: a finite number in [lo, hi] (CLI::Range alone lets
//                       NaN through, since every comparison with NaN is false)
//   unsigned_64()       a 64-bit unsigned flag (a seed): digits only, at most 2^64 - 1 (CLI11
//                       alone wraps -1 and saturates 2^64 to 2^64 - 1)
#pragma once
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "exit_status.hpp"

namespace examples {

inline CLI::Validator finite_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') return "'" + s + "' is not a number";
        if (!std::isfinite(v) || errno == ERANGE) return "'" + s + "' is not a finite number";
        if (v < lo || v > hi) return "'" + s + "' is not in [" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]";
        return "";
      },
      "FINITE in [" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]");
}

inline CLI::Validator unsigned_64() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          return "'" + s + "' is not a whole number from 0 to 18446744073709551615";
        errno = 0;
        std::strtoull(s.c_str(), nullptr, 10);
        if (errno == ERANGE) return "'" + s + "' is larger than 18446744073709551615";
        return "";
      },
      "UINT64");
}

}  // namespace examples
