// examples/common/usage_error.hpp — a request a program refuses as given (exit status 2), found
// after its flags were parsed.
#pragma once
#include <stdexcept>

namespace examples {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace examples
