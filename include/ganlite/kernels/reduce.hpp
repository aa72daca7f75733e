// ganlite/kernels/reduce.hpp — per-column sums of a (rows, cols) view, in double precision.
//
// Used for bias gradients and BatchNorm statistics, where cols is the channel axis of an NHWC
// tensor. Threads split the columns into chunks, and every column is summed over rows in order,
// so the result is bit-identical for any thread count. Chunks are wide (up to 256 columns, 1 KiB
// of floats per row) so each row is read in long contiguous runs.
#pragma once
#include <algorithm>

namespace ganlite {

// out[c] = sum_r value(r, c) for c in [0, cols).
template <class F>
void column_sums(long rows, int cols, F value, double* out) {
  constexpr int kChunk = 256;
  const int chunks = (cols + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (rows * cols > 32768)
  for (int ch = 0; ch < chunks; ++ch) {
    const int c0 = ch * kChunk, c1 = std::min(cols, c0 + kChunk);
    double acc[kChunk] = {};
    for (long r = 0; r < rows; ++r) {
#pragma omp simd
      for (int c = c0; c < c1; ++c) acc[c - c0] += static_cast<double>(value(r, c));
    }
    for (int c = c0; c < c1; ++c) out[c] = acc[c - c0];
  }
}

}  // namespace ganlite

namespace ganlite {

// The broadcast that pairs with column_sums: y[r, c] += v[c] (bias add over NHWC or (B, F)).
template <class T>
void add_to_rows(T* __restrict y, long rows, int cols, const T* __restrict v) {
#pragma omp parallel for schedule(static) if (rows * cols > 32768)
  for (long r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) y[r * cols + c] += v[c];
}

}  // namespace ganlite
