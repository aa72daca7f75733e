// examples/cnn_walkthrough/walkthrough.hpp — seed 1's X/O example computed with ganlite's layers.
//
// The 9x9 "X" (1 on both diagonals, -1 elsewhere), three 3x3 filters (the two diagonals and the
// small X), a 'valid' convolution divided by 9 (the seed averages the 9 products), ReLU, and
// 2x2 max pooling with stride 2 and 'same' padding, which keeps the partial edge window (7 -> 4).
#pragma once
#include <ganlite/ganlite.hpp>

namespace walkthrough {

using namespace ganlite;

inline Tensor<float> x_image() {
  Tensor<float> x({1, 9, 9, 1}, -1.0f);
  for (int i = 1; i < 8; ++i) {
    x[i * 9 + i] = 1.0f;
    x[i * 9 + (8 - i)] = 1.0f;
  }
  return x;
}

// Filters as rows of 3x3 values (+1 / -1), in the seed's order.
inline const float kFilters[3][9] = {
    {1, -1, -1, -1, 1, -1, -1, -1, 1},  // "\" diagonal
    {1, -1, 1, -1, 1, -1, 1, -1, 1},    // small X
    {-1, -1, 1, -1, 1, -1, 1, -1, -1},  // "/" diagonal
};

struct Stages {
  Tensor<float> conv, relu, pool;  // (1, 7, 7, 3), (1, 7, 7, 3), (1, 4, 4, 3)
};

inline Stages run() {
  Rng rng(0);
  Conv2D<float> conv(Conv2dOptions(1, 3, 3).bias(false), rng);
  Tensor<float>& w = *conv.params()[0];  // (3, 3, 1, 3): w[(ky*3 + kx)*3 + f]
  for (int f = 0; f < 3; ++f)
    for (int t = 0; t < 9; ++t) w[t * 3 + f] = kFilters[f][t] / 9.0f;  // "divided by 9", as in the seed
  ReLU<float> relu;
  MaxPool2D<float> pool(2, 2, Padding::Same);
  const Tensor<float> x = x_image();
  Stages s;
  s.conv = conv.forward(x, Mode::Eval);
  s.relu = relu.forward(s.conv, Mode::Eval);
  s.pool = pool.forward(s.relu, Mode::Eval);
  return s;
}

}  // namespace walkthrough
