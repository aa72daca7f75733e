// tests/work_dir.hpp — an empty folder for a test under the test binary's work folder.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

// An empty folder work/name (removed first if it exists).
inline std::string fresh_work_dir(const std::string& work, const std::string& name) {
  const std::string d = work + "/" + name;
  REQUIRE(std::system(("rm -rf '" + d + "' && mkdir -p '" + d + "'").c_str()) == 0);
  return d;
}
