// ganlite/kernels/reduce.hpp — per-column sums of a (rows, cols) view, in double precision.
//
// Used for bias gradients and BatchNorm statistics, where cols is the channel axis of an NHWC
// tensor (64 or 128 channels over 12,544-50,176 rows in the DCGAN). The work is cut into tiles
// of at most 256 columns (1 KiB of floats per row, read in contiguous runs) by 2048 rows; the
// tiles run in parallel, each summing its rows in order into its own partial sums, and the
// partials are then added in row order. The cut does not depend on the thread count, so the
// result is bit-identical for any number of threads (tests/test_core.cpp).
#pragma once
#include <algorithm>
#include <vector>

namespace ganlite {

// out[c] = sum_r value(r, c) for c in [0, cols).
template <class F>
void column_sums(long rows, int cols, F value, double* out) {
  constexpr int kChunk = 256;
  constexpr long kRowBlock = 2048;
  const int chunks = (cols + kChunk - 1) / kChunk;
  const long blocks = std::max<long>(1, (rows + kRowBlock - 1) / kRowBlock);
  thread_local std::vector<double> partial;  // (blocks, cols); grown once, reused
  partial.resize(static_cast<std::size_t>(blocks) * cols);
  double* part = partial.data();
  const long tiles = blocks * chunks;
#pragma omp parallel for schedule(static) if (rows * cols > 32768)
  for (long t = 0; t < tiles; ++t) {
    const long blk = t / chunks, r0 = blk * kRowBlock, r1 = std::min(rows, r0 + kRowBlock);
    const int c0 = static_cast<int>(t % chunks) * kChunk, c1 = std::min(cols, c0 + kChunk);
    double acc[kChunk] = {};
    for (long r = r0; r < r1; ++r) {
#pragma omp simd
      for (int c = c0; c < c1; ++c) acc[c - c0] += static_cast<double>(value(r, c));
    }
    std::copy(acc, acc + (c1 - c0), part + blk * cols + c0);
  }
  for (int c = 0; c < cols; ++c) out[c] = part[c];
  for (long blk = 1; blk < blocks; ++blk)
    for (int c = 0; c < cols; ++c) out[c] += part[blk * cols + c];
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
