// ganlite/kernels/gemm_pack.hpp — how the SGEMM (kernels/gemm.hpp) lays its operands out for the
// micro-kernels: op(A) in MR-row slivers, op(B) in NR-column slivers, both k-major and
// zero-padded, whatever the transposes. Packing is where transposes are absorbed, so no layer
// ever makes a transposed copy.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "gemm_ref.hpp"   // Trans
#include "parallel.hpp"
#include "../tensor.hpp"

namespace ganlite {
namespace kernels {
// dst[j * MR + r] = src[r][j] for r < MR, j < len: MR channel runs interleaved into a packed
// sliver. On x86-64 four rows at a time go through a 4 x 4 transpose in SSE registers (4 loads,
// 8 shuffles, 4 stores per 16 floats) instead of one scalar load and store per float.
template <int MR>
inline void interleave_rows(const float* const* src, int len, float* dst) {
  int j = 0;
#if defined(__SSE2__)
  constexpr int R4 = MR / 4 * 4;
  if constexpr (R4 > 0) {
    for (; j + 4 <= len; j += 4) {
      for (int r = 0; r < R4; r += 4) {
        __m128 a = _mm_loadu_ps(src[r] + j), b = _mm_loadu_ps(src[r + 1] + j);
        __m128 c = _mm_loadu_ps(src[r + 2] + j), d = _mm_loadu_ps(src[r + 3] + j);
        _MM_TRANSPOSE4_PS(a, b, c, d);
        _mm_storeu_ps(dst + j * MR + r, a);
        _mm_storeu_ps(dst + (j + 1) * MR + r, b);
        _mm_storeu_ps(dst + (j + 2) * MR + r, c);
        _mm_storeu_ps(dst + (j + 3) * MR + r, d);
      }
      for (int jj = j; jj < j + 4; ++jj)
        for (int r = R4; r < MR; ++r) dst[jj * MR + r] = src[r][jj];
    }
  }
#endif
  for (; j < len; ++j)
    for (int r = 0; r < MR; ++r) dst[j * MR + r] = src[r][j];
}

// The two ways a packed operand is laid out in memory, shared by A and B. A panel of `width`
// lines (A's rows or B's columns) by kc steps of k goes into W-wide slivers, k-major: sliver s
// holds, for each k, the W values of lines s*W .. s*W+W-1 (zero past `width`).
//
// Lines across memory rows (A transposed, B as is): row k holds W contiguous floats of every
// sliver, so it is read once, contiguously, and dealt out to the slivers. Reading sliver by
// sliver instead would take W floats `ld` apart per k — a new page per k, width / W times over
// (the weight gradients' A, the dense layer's 12544-column B).
template <int W>
void pack_dealing_rows(const float* src, int ld, int kc, int width, float* dst) {
  const int full = width / W, rest = width - full * W;
  const std::ptrdiff_t sliver_len = static_cast<std::ptrdiff_t>(kc) * W;
  for (int k = 0; k < kc; ++k) {
    const float* s = src + static_cast<std::ptrdiff_t>(k) * ld;
    float* d = dst + static_cast<std::ptrdiff_t>(k) * W;
    for (int i = 0; i < full; ++i, s += W, d += sliver_len)
      std::memcpy(d, s, sizeof(float) * W);  // a fixed-size copy: whole vectors move
    if (rest > 0) {
      std::memcpy(d, s, sizeof(float) * rest);
      for (int j = rest; j < W; ++j) d[j] = 0.0f;
    }
  }
}

// Lines along memory rows (A as is, B transposed): each sliver interleaves W rows of kc floats.
template <int W>
void pack_interleaving_rows(const float* src, int ld, int kc, int width, float* dst) {
  for (int s = 0; s < width; s += W, dst += static_cast<std::ptrdiff_t>(kc) * W) {
    const int lines = std::min(W, width - s);
    const float* row[W];
    for (int r = 0; r < W; ++r) row[r] = src + static_cast<std::ptrdiff_t>(s + std::min(r, lines - 1)) * ld;
    if (lines == W) {
      interleave_rows<W>(row, kc, dst);
      continue;
    }
    for (int k = 0; k < kc; ++k)
      for (int r = 0; r < W; ++r) dst[static_cast<std::ptrdiff_t>(k) * W + r] = r < lines ? row[r][k] : 0.0f;
  }
}

// Packs rows [i0, i0+mc) x cols [k0, k0+kc) of op(A) into MR-row slivers (k-major, zero-padded).
template <int MR>
void pack_a(Trans ta, const float* A, int lda, int i0, int k0, int mc, int kc, float* dst) {
  if (ta == Trans::T)  // op(A)(i,k) = A[k][i]
    pack_dealing_rows<MR>(A + static_cast<std::ptrdiff_t>(k0) * lda + i0, lda, kc, mc, dst);
  else
    pack_interleaving_rows<MR>(A + static_cast<std::ptrdiff_t>(i0) * lda + k0, lda, kc, mc, dst);
}

// The A operand as the driver sees it: anything that can pack MR-row slivers of op(A). An explicit
// matrix is one such source; kernels/conv_gemm.hpp adds im2col views of an image, so convolutions
// run without materialising their column matrix.
struct DenseA {
  Trans t;
  const float* a;
  int lda;
  template <int MR>
  void pack(int i0, int k0, int mc, int kc, float* dst) const { pack_a<MR>(t, a, lda, i0, k0, mc, kc, dst); }
};

// Packs rows [k0, k0+kc) x cols [j0, j0+nc) of op(B) into NR-column slivers (k-major, zero-padded).
template <int NR>
void pack_b(Trans tb, const float* B, int ldb, int k0, int j0, int kc, int nc, float* dst) {
  if (tb == Trans::N)
    pack_dealing_rows<NR>(B + static_cast<std::ptrdiff_t>(k0) * ldb + j0, ldb, kc, nc, dst);
  else  // op(B)(k,j) = B[j][k]
    pack_interleaving_rows<NR>(B + static_cast<std::ptrdiff_t>(j0) * ldb + k0, ldb, kc, nc, dst);
}

// op(B) (K x N) packed whole: NR-column slivers of K x NR floats, one after another, so the K
// range of any piece of the product is a contiguous part of each sliver (sliver s starts at
// s * K * NR). Into the calling thread's buffer, reused by its later calls; OpenMP workers
// started by the caller only read it.
template <int NR>
const float* pack_b_whole(Trans tb, const float* B, int ldb, int K, int N) {
  thread_local AlignedVector<float> packed;
  const int slivers = (N + NR - 1) / NR;
  const std::ptrdiff_t sliver_len = static_cast<std::ptrdiff_t>(K) * NR;
  if (packed.size() < static_cast<std::size_t>(slivers * sliver_len)) packed.resize(slivers * sliver_len);
  float* const dst = packed.data();
  // Each thread packs a contiguous range of slivers, so pack_b reads B row by row across the
  // range (one sliver at a time would take NR floats a whole row of B apart per k).
  const int nt = slivers > 1 && slivers * sliver_len > 65536 ? std::min(num_threads(), slivers) : 1;
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
  for (int t = 0; t < nt; ++t) {
    const int s0 = slivers * t / nt, s1 = slivers * (t + 1) / nt;
    if (s0 < s1) pack_b<NR>(tb, B, ldb, 0, s0 * NR, K, std::min(N, s1 * NR) - s0 * NR, dst + s0 * sliver_len);
  }
  return dst;
}

// Per-thread packing buffers, grown on first use and then reused: no allocation per call.
struct PackBuffers {
  AlignedVector<float> a, b;
};
inline PackBuffers& thread_pack_buffers() {
  thread_local PackBuffers buffers;
  return buffers;
}

}  // namespace kernels
}  // namespace ganlite
