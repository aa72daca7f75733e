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
#include <algorithm>
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
        // ERANGE also marks an underflow (1e-320 reads as a subnormal, or 0): a finite value all the same.
        if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) == HUGE_VAL)) return "'" + s + "' is not a finite number";
        if (v < lo || v > hi) return "'" + s + "' is not in [" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]";
        return "";
      },
      "FINITE in [" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]");
}

// A whole number in decimal digits, as a person means it: leading zeros are dropped, so "010" is
// ten (CLI11 alone reads "010" as octal 8 and refuses "08"); "0x10", "1e3", " 7" are refused.
inline CLI::Validator decimal_digits() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const std::size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
        if (s.size() == sign || s.find_first_not_of("0123456789", sign) != std::string::npos)
          return "'" + s + "' is not a whole number in decimal digits";
        const std::size_t first = std::min(s.find_first_not_of('0', sign), s.size() - 1);
        s = (sign && s[0] == '-' ? "-" : "") + s.substr(first);
        return "";
      },
      "");
}

// Every whole-number option of app and its subcommands, however declared, reads decimal digits
// only (decimal_digits, which runs before any other check of the option).
inline void decimal_whole_numbers(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    const std::string type = o->get_type_name();
    if (type.compare(0, 3, "INT") == 0 || type.compare(0, 4, "UINT") == 0) o->transform(decimal_digits());
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) decimal_whole_numbers(*sub);
}

// Parses the command line the same way in every program: numbers in decimal; --help printed
// (exit 0, or 1 when standard output is lost); a usage error said with the flag, exit 2.
// Returns -1 to go on, else the exit status.
inline int parse_command_line(CLI::App& app, int argc, char** argv) {
  decimal_whole_numbers(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return exit_status(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return exit_status(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message
    return 2;
  }
  return -1;
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

// A file name that ends in one of exts, with a name before it ("out.png", not ".png").
inline CLI::Validator file_ending(std::vector<const char*> exts) {
  std::string names;
  for (const char* e : exts) names += std::string(names.empty() ? "" : " or ") + e;
  return CLI::Validator(
      [exts, names](std::string& s) -> std::string {
        const std::string base = s.substr(s.find_last_of('/') + 1);
        for (const char* e : exts) {
          const std::string ext(e);
          if (base.size() >= ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0)
            return base.size() > ext.size() ? "" : "'" + s + "' has no name before " + ext;
        }
        return "must end in " + names;
      },
      "FILE");
}

}  // namespace examples
