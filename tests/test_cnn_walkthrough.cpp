// Seed 1's X/O example: ganlite's Conv2D (divided by 9), ReLU and MaxPool2D against the tables
// printed in the seed. The seed cuts values to two decimals (7/9 = 0.777... is printed 0.77), so
// each of our values is truncated to two decimals and must equal the seed's figure exactly.
#include <doctest/doctest.h>

#include <cmath>

#include "../examples/cnn_walkthrough/walkthrough.hpp"

namespace {

// Seed 1, "OUTPUT OF CONVOLUTION LAYER": one 7x7 map per filter. One entry is corrected: the
// seed prints -0.11 at row 2, column 3 of the X filter's map, but the X image and the filter are
// both symmetric, so that entry must equal rows 3-4's -0.77 at the mirrored places; summing the
// nine products by hand gives -7/9 = -0.77 too. (The seed's ReLU table also has a typo, 1.77 for
// 0.77 in the corner; ReLU is checked below as max(0, conv) instead.)
const float kSeedConv[3][49] = {
    {0.77f, -0.11f, 0.11f, 0.33f, 0.55f, -0.11f, 0.33f, -0.11f, 1.0f, -0.11f, 0.33f, -0.11f, 0.11f, -0.11f,
     0.11f, -0.11f, 1.0f, -0.33f, 0.11f, -0.11f, 0.55f, 0.33f, 0.33f, -0.33f, 0.55f, -0.33f, 0.33f, 0.33f,
     0.55f, -0.11f, 0.11f, -0.33f, 1.00f, -0.11f, 0.11f, -0.11f, 0.11f, -0.11f, 0.33f, -0.11f, 1.00f, -0.11f,
     0.33f, -0.11f, 0.55f, 0.33f, 0.11f, -0.11f, 0.77f},
    {0.33f, -0.55f, 0.11f, -0.11f, 0.11f, -0.55f, 0.33f, -0.55f, 0.55f, -0.55f, 0.33f, -0.55f, 0.55f, -0.55f,
     0.11f, -0.55f, 0.55f, -0.77f /* seed: -0.11 */, 0.55f, -0.55f, 0.11f, -0.11f, 0.33f, -0.77f, 1.00f, -0.77f, 0.33f, -0.11f,
     0.11f, -0.55f, 0.55f, -0.77f, 0.55f, -0.55f, 0.11f, -0.55f, 0.55f, -0.55f, 0.33f, -0.55f, 0.55f, -0.55f,
     0.33f, -0.55f, 0.11f, -0.11f, 0.11f, -0.55f, 0.33f},
    {0.33f, -0.11f, 0.55f, 0.33f, 0.11f, -0.11f, 0.77f, -0.11f, 0.11f, -0.11f, 0.33f, -0.11f, 1.00f, -0.11f,
     0.55f, -0.11f, 0.11f, -0.33f, 1.00f, -0.11f, 0.11f, 0.33f, 0.33f, -0.33f, 0.55f, -0.33f, 0.33f, 0.33f,
     0.11f, -0.11f, 1.00f, -0.33f, 0.11f, -0.11f, 0.55f, -0.11f, 1.00f, -0.11f, 0.33f, -0.11f, 0.11f, -0.11f,
     0.77f, -0.11f, 0.11f, 0.33f, 0.55f, -0.11f, 0.33f},
};

// Seed 1, "OutPut After Passing Through Pooling Layer": one 4x4 map per filter.
const float kSeedPool[3][16] = {
    {1.00f, 0.33f, 0.55f, 0.33f, 0.33f, 1.00f, 0.33f, 0.55f, 0.55f, 0.33f, 1.00f, 0.11f, 0.33f, 0.55f, 0.11f, 0.77f},
    {0.55f, 0.33f, 0.55f, 0.33f, 0.33f, 1.00f, 0.55f, 0.11f, 0.55f, 0.55f, 0.55f, 0.11f, 0.33f, 0.11f, 0.11f, 0.33f},
    {0.33f, 0.55f, 1.00f, 0.77f, 0.55f, 0.55f, 1.00f, 0.33f, 1.00f, 1.00f, 0.11f, 0.55f, 0.77f, 0.33f, 0.55f, 0.33f},
};

// Truncates toward zero at two decimals, with a little slack for float rounding (1.0 stays 1.0).
long two_decimals(float v) { return static_cast<long>(std::trunc(v * 100.0f + (v >= 0 ? 1e-3f : -1e-3f))); }

}  // namespace

TEST_CASE("convolution maps equal the seed's tables") {
  const walkthrough::Stages s = walkthrough::run();
  REQUIRE(s.conv.shape() == ganlite::Shape{1, 7, 7, 3});
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 49; ++i) {
      CAPTURE(f);
      CAPTURE(i);
      CHECK(two_decimals(s.conv[i * 3 + f]) == two_decimals(kSeedConv[f][i]));
      CHECK(s.relu[i * 3 + f] == std::max(0.0f, s.conv[i * 3 + f]));  // ReLU: negatives become 0
    }
}

TEST_CASE("2x2 max pooling keeps the partial edge window: 7x7 -> 4x4, equal to the seed's tables") {
  const walkthrough::Stages s = walkthrough::run();
  REQUIRE(s.pool.shape() == ganlite::Shape{1, 4, 4, 3});
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 16; ++i) {
      CAPTURE(f);
      CAPTURE(i);
      CHECK(two_decimals(s.pool[i * 3 + f]) == two_decimals(kSeedPool[f][i]));
    }
}
