// ganlite/kernels/gemm_microkernels.hpp — the register-blocked inner kernels of the SGEMM.
//
// Each computes one MR x NR tile of C from packed panels:
//   a: MR floats per k (a column of the A sliver), b: NR floats per k (a row of the B sliver),
//   C[r][j] = beta * C[r][j] + sum_k a[k][r] * b[k][j]   (beta == 0: C is not read).
// The k loop runs in order from 0 to kc-1 in every kernel, one fused multiply-add per term, so
// the summation order never depends on the tile's position or on the thread that runs it.
// SIMD kernels carry a target attribute instead of relying on -march flags: the headers stay
// portable and the driver picks the widest kernel the CPU supports at run time.
// They are exempt from AddressSanitizer's instrumentation (GANLITE_NO_ASAN), which otherwise
// makes sanitizer builds of the test suite ~20x slower: they only read the packed panels the
// driver sized and write whole tiles of C, which tests/test_gemm.cpp checks (padding untouched)
// in every build; the packing routines that touch the caller's matrices stay instrumented.
#pragma once
#include <cstddef>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GANLITE_X86 1
#endif

#if defined(__SANITIZE_ADDRESS__)
#define GANLITE_NO_ASAN __attribute__((no_sanitize_address))
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GANLITE_NO_ASAN __attribute__((no_sanitize_address))
#endif
#endif
#ifndef GANLITE_NO_ASAN
#define GANLITE_NO_ASAN
#endif

namespace ganlite::kernels {

// The A side of a tile as the kernels read it: a(r) is row r's value at the current k, next()
// moves to the next k. PackedSliver is the driver's packed layout (MR floats per k); RowPointers
// reads MR rows of ordinary memory in place (the by-position convolutions: image runs), so they
// need no packing. Both give the same values in the same order, hence the same results.
template <int MR>
struct PackedSliver {
  const float* p;
  float operator()(int r) const { return p[r]; }
  void next() { p += MR; }
};
template <int MR>
struct RowPointers {
  const float* const* row;
  int k = 0;
  float operator()(int r) const { return row[r][k]; }
  void next() { ++k; }
};

// Portable twin: plain C++, auto-vectorised at whatever flags the consumer uses.
struct PortableKernel {
  static constexpr int MR = 4, NR = 16;
  GANLITE_NO_ASAN static void run(int kc, const float* a, const float* b, float* c, int ldc, float beta) {
    tile(kc, PackedSliver<MR>{a}, b, c, ldc, beta);
  }
  // The same product with A's MR rows read in place: row r's kc floats start at rows[r].
  GANLITE_NO_ASAN static void run_rows(int kc, const float* const* rows, const float* b, float* c, int ldc, float beta) {
    tile(kc, RowPointers<MR>{rows}, b, c, ldc, beta);
  }
  // Adds tile row r into rows[r] (NR floats), skipping null rows: for products whose rows land in
  // scattered places (kernels/gemm_col2im.hpp).
  GANLITE_NO_ASAN static void add_to_rows(int kc, const float* a, const float* b, float* const* rows) {
    float acc[MR][NR];
    accumulate(kc, PackedSliver<MR>{a}, b, acc);
    for (int r = 0; r < MR; ++r)
      if (float* dst = rows[r])
        for (int j = 0; j < NR; ++j) dst[j] += acc[r][j];
  }

 private:
  template <class ASide>
  GANLITE_NO_ASAN static void tile(int kc, ASide a, const float* b, float* c, int ldc, float beta) {
    float acc[MR][NR];
    accumulate(kc, a, b, acc);
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < NR; ++j) {
        float& dst = c[static_cast<std::ptrdiff_t>(r) * ldc + j];
        dst = beta == 0.0f ? acc[r][j] : beta * dst + acc[r][j];
      }
  }
  template <class ASide>
  GANLITE_NO_ASAN static void accumulate(int kc, ASide a, const float* b, float (&acc)[MR][NR]) {
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < NR; ++j) acc[r][j] = 0.0f;
    for (int k = 0; k < kc; ++k, a.next(), b += NR)
      for (int r = 0; r < MR; ++r)
        for (int j = 0; j < NR; ++j) acc[r][j] += a(r) * b[j];
  }
};

#ifdef GANLITE_X86
// AVX2 + FMA: 6 rows x 16 columns = 12 ymm accumulators, 2 B loads and 6 broadcasts per k.
struct Avx2Kernel {
  static constexpr int MR = 6, NR = 16;
  GANLITE_NO_ASAN __attribute__((target("avx2,fma"))) static void run(int kc, const float* a, const float* b, float* c, int ldc,
                                                        float beta) {
    tile(kc, PackedSliver<MR>{a}, b, c, ldc, beta);
  }
  GANLITE_NO_ASAN __attribute__((target("avx2,fma"))) static void run_rows(int kc, const float* const* rows, const float* b,
                                                             float* c, int ldc, float beta) {
    tile(kc, RowPointers<MR>{rows}, b, c, ldc, beta);
  }
  GANLITE_NO_ASAN __attribute__((target("avx2,fma"))) static void add_to_rows(int kc, const float* a, const float* b,
                                                                float* const* rows) {
    __m256 acc[MR][2];
    accumulate(kc, PackedSliver<MR>{a}, b, acc);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r)
      if (float* cr = rows[r]) {
        _mm256_storeu_ps(cr, _mm256_add_ps(_mm256_loadu_ps(cr), acc[r][0]));
        _mm256_storeu_ps(cr + 8, _mm256_add_ps(_mm256_loadu_ps(cr + 8), acc[r][1]));
      }
  }

 private:
  template <class ASide>
  __attribute__((target("avx2,fma"), always_inline)) static inline void tile(int kc, ASide a, const float* b, float* c,
                                                                            int ldc, float beta) {
    __m256 acc[MR][2];
    accumulate(kc, a, b, acc);
    const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      float* cr = c + static_cast<std::ptrdiff_t>(r) * ldc;
      if (beta != 0.0f) {
        acc[r][0] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), acc[r][1]);
      }
      _mm256_storeu_ps(cr, acc[r][0]);
      _mm256_storeu_ps(cr + 8, acc[r][1]);
    }
  }
  template <class ASide>
  __attribute__((target("avx2,fma"), always_inline)) static inline void accumulate(int kc, ASide a, const float* b,
                                                                                  __m256 (&acc)[MR][2]) {
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int k = 0; k < kc; ++k, a.next(), b += NR) {
      const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < MR; ++r) {
        const __m256 ar = _mm256_set1_ps(a(r));
        acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
      }
    }
  }
};

// AVX-512F: 12 rows x 32 columns = 24 zmm accumulators; broadcasts fold into the FMA's memory
// operand, so a k step is 2 loads + 24 FMAs.
struct Avx512Kernel {
  static constexpr int MR = 12, NR = 32;
  GANLITE_NO_ASAN __attribute__((target("avx512f"))) static void run(int kc, const float* a, const float* b, float* c, int ldc,
                                                       float beta) {
    tile(kc, PackedSliver<MR>{a}, b, c, ldc, beta);
  }
  GANLITE_NO_ASAN __attribute__((target("avx512f"))) static void run_rows(int kc, const float* const* rows, const float* b,
                                                            float* c, int ldc, float beta) {
    tile(kc, RowPointers<MR>{rows}, b, c, ldc, beta);
  }
  GANLITE_NO_ASAN __attribute__((target("avx512f"))) static void add_to_rows(int kc, const float* a, const float* b,
                                                               float* const* rows) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
      if (rows[r]) _mm_prefetch(reinterpret_cast<const char*>(rows[r]), _MM_HINT_T0);
    __m512 acc[MR][2];
    accumulate(kc, PackedSliver<MR>{a}, b, acc);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
      if (float* cr = rows[r]) {
        _mm512_storeu_ps(cr, _mm512_add_ps(_mm512_loadu_ps(cr), acc[r][0]));
        _mm512_storeu_ps(cr + 16, _mm512_add_ps(_mm512_loadu_ps(cr + 16), acc[r][1]));
      }
  }

 private:
  template <class ASide>
  __attribute__((target("avx512f"), always_inline)) static inline void tile(int kc, ASide a, const float* b, float* c,
                                                                           int ldc, float beta) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<std::ptrdiff_t>(r) * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + static_cast<std::ptrdiff_t>(r) * ldc + 16), _MM_HINT_T0);
    }
    __m512 acc[MR][2];
    accumulate(kc, a, b, acc);
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      float* cr = c + static_cast<std::ptrdiff_t>(r) * ldc;
      if (beta != 0.0f) {
        acc[r][0] = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16), acc[r][1]);
      }
      _mm512_storeu_ps(cr, acc[r][0]);
      _mm512_storeu_ps(cr + 16, acc[r][1]);
    }
  }
  template <class ASide>
  __attribute__((target("avx512f"), always_inline)) static inline void accumulate(int kc, ASide a, const float* b,
                                                                                 __m512 (&acc)[MR][2]) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int k = 0; k < kc; ++k, a.next(), b += NR) {
      // B streams from L2: ask for it 8 k-steps ahead (2 cache lines per step).
      _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR + 16), _MM_HINT_T0);
      const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 12
      for (int r = 0; r < MR; ++r) {
        const __m512 ar = _mm512_set1_ps(a(r));
        acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
      }
    }
  }
};
#endif

}  // namespace ganlite::kernels
