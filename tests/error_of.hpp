// tests/error_of.hpp — the message of what a call throws ("" if it throws nothing), for tests
// that check what an error says.
#pragma once
#include <exception>
#include <functional>
#include <string>

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}
