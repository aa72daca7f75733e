// The fast SGEMM (every micro-kernel this CPU has) against the naive reference, for every
// transpose variant, beta 0 and 1, on odd and degenerate shapes: 1, primes, non-multiples of the
// register and cache blocks, and DCGAN-like sizes. Tolerance: 1e-5 * sqrt(K) relative to the
// largest |C| (float rounding grows like sqrt(K) for random data).
#include <doctest/doctest.h>

#include <cmath>
#include <ganlite/ganlite.hpp>
#include <vector>

#include "kernels_here.hpp"

using namespace ganlite;


static void check_gemm(Trans ta, Trans tb, int M, int N, int K, float beta, Rng& rng) {
  const int lda = (ta == Trans::N ? K : M) + 3, ldb = (tb == Trans::N ? N : K) + 1, ldc = N + 2;
  std::vector<float> A(static_cast<size_t>(ta == Trans::N ? M : K) * lda), B(static_cast<size_t>(tb == Trans::N ? K : N) * ldb);
  std::vector<float> C0(static_cast<size_t>(M) * ldc);
  for (auto& v : A) v = static_cast<float>(rng.normal());
  for (auto& v : B) v = static_cast<float>(rng.normal());
  for (auto& v : C0) v = static_cast<float>(rng.normal());
  std::vector<double> Ad(A.begin(), A.end()), Bd(B.begin(), B.end()), Cd(C0.begin(), C0.end());
  gemm_reference<double>(ta, tb, M, N, K, Ad.data(), lda, Bd.data(), ldb, beta, Cd.data(), ldc);
  double scale = 1e-30;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) scale = std::max(scale, std::abs(Cd[i * ldc + j]));
  for (GemmKernel k : kernels_here()) {
    set_gemm_kernel(k);
    std::vector<float> C = C0;
    gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
    double worst = 0;
    for (int i = 0; i < M; ++i) {
      for (int j = 0; j < N; ++j) worst = std::max(worst, std::abs(C[i * ldc + j] - Cd[i * ldc + j]) / scale);
      for (int j = N; j < ldc; ++j) REQUIRE(C[i * ldc + j] == C0[i * ldc + j]);  // padding untouched
    }
    CAPTURE(gemm_kernel_name(k));
    CAPTURE(M);
    CAPTURE(N);
    CAPTURE(K);
    CAPTURE(int(ta));
    CAPTURE(int(tb));
    CAPTURE(beta);
    CHECK(worst <= 1e-5 * std::sqrt(double(K) + 1));
  }
  set_gemm_kernel(GemmKernel::Auto);
}

TEST_CASE("SGEMM equals the reference on odd and degenerate shapes") {
  Rng rng(42);
  const int sizes[] = {1, 2, 7, 13, 17, 31, 33, 97};
  for (Trans ta : {Trans::N, Trans::T})
    for (Trans tb : {Trans::N, Trans::T})
      for (int M : sizes)
        for (int N : {1, 5, 16, 37})
          for (int K : {1, 3, 29, 64}) check_gemm(ta, tb, M, N, K, (M + N + K) % 2 ? 1.0f : 0.0f, rng);
}

TEST_CASE("SGEMM equals the reference across cache-block boundaries") {
  Rng rng(43);
  // K crosses kKC (512), M crosses kMC (288), N crosses several NR tiles; also skinny DCGAN-like shapes.
  // {25, 64, 9001} and {7, 3, 12289} take the K-split path (small C, K >= 2 * kSplitK), with a
  // partial last chunk; the last two the C-resident order (tall C, K > kKC, B packed whole).
  const int shapes[][3] = {{300, 70, 600}, {145, 257, 513}, {1000, 25, 64}, {257, 1, 300}, {64, 300, 25}, {3, 700, 1},
                           {25, 64, 9001}, {7, 3, 12289}, {1300, 45, 600}, {1200, 100, 1100}};
  for (auto& s : shapes)
    for (Trans ta : {Trans::N, Trans::T})
      for (Trans tb : {Trans::N, Trans::T}) {
        check_gemm(ta, tb, s[0], s[1], s[2], 0.0f, rng);
        check_gemm(ta, tb, s[0], s[1], s[2], 1.0f, rng);
      }
}

TEST_CASE("SGEMM equals the reference when B is too large to share between threads") {
  Rng rng(45);
  check_gemm(Trans::N, Trans::N, 40, 2048, 2100, 1.0f, rng);  // packed B 4.3 M floats: the static split
}

TEST_CASE("SGEMM result does not depend on the thread count") {
  Rng rng(44);
  // C split between threads in row blocks; K split into chunks (weight-gradient shape);
  // matrix-vector; C resident; one row block in column slices; a packed B over 4 M floats, too
  // large to share, so two fixed halves of C instead.
  const int shapes[][3] = {{301, 203, 517}, {25, 64, 20000}, {300, 1, 9000}, {1300, 45, 600}, {200, 700, 300}, {40, 2048, 2100}};
  for (auto& s : shapes) {
    const int M = s[0], N = s[1], K = s[2];
    std::vector<float> A(static_cast<size_t>(K) * M), B(static_cast<size_t>(K) * N), C1(M * N), C2(M * N), C3(M * N);
    for (auto& v : A) v = static_cast<float>(rng.normal());
    for (auto& v : B) v = static_cast<float>(rng.normal());
    const int before = num_threads();
    set_num_threads(1);
    gemm(Trans::T, Trans::N, M, N, K, A.data(), M, B.data(), N, 0.0f, C1.data(), N);
    set_num_threads(2);
    gemm(Trans::T, Trans::N, M, N, K, A.data(), M, B.data(), N, 0.0f, C2.data(), N);
    set_num_threads(3);
    gemm(Trans::T, Trans::N, M, N, K, A.data(), M, B.data(), N, 0.0f, C3.data(), N);
    set_num_threads(before);
    CAPTURE(M);
    CHECK(C1 == C2);
    CHECK(C1 == C3);
  }
}

// Implicit-GEMM convolutions (kernels/conv_gemm.hpp) pack the same numbers im2col would write, so
// the gathered path must equal im2col + gemm exactly — on every kernel, stride, padding and odd channel count,
// including slivers that straddle two taps and pixel ranges that cross images. (N = 1 is left
// out: explicit N = 1 products take the matrix-vector path, whose summation order differs.)
TEST_CASE("conv_gemm and conv_gemm_t, gathered, are bit-identical to im2col + gemm") {
  Rng rng(45);
  struct Case { int batch, h, w, c, k, stride; Padding pad; int n; };
  const Case cases[] = {{2, 7, 7, 256, 5, 1, Padding::Same, 33}, {3, 14, 14, 64, 5, 2, Padding::Same, 17},
                        {2, 28, 28, 1, 5, 2, Padding::Same, 64},  {1, 9, 9, 3, 3, 1, Padding::Valid, 5},
                        {4, 5, 6, 13, 3, 2, Padding::Same, 40},  {2, 11, 7, 7, 4, 3, Padding::Valid, 3},
                        {1, 1, 1, 1, 1, 1, Padding::Same, 1},    {5, 6, 5, 20, 5, 1, Padding::Same, 29},
                        {12, 28, 28, 1, 5, 1, Padding::Same, 64}};  // conv_gemm_t with K = 9408: K-split
  for (const Case& cs : cases) {
    const ConvGeometry g{cs.batch, cs.c, conv_axis(cs.h, cs.k, cs.stride, cs.pad), conv_axis(cs.w, cs.k, cs.stride, cs.pad)};
    const int rows = g.rows(), cols = g.cols(), N = cs.n;
    std::vector<float> x(static_cast<size_t>(cs.batch) * cs.h * cs.w * cs.c), col(static_cast<size_t>(rows) * cols);
    std::vector<float> Bw(static_cast<size_t>(cols) * N), Bt(static_cast<size_t>(N) * cols), By(static_cast<size_t>(rows) * N);
    for (auto* v : {&x, &Bw, &Bt, &By})
      for (auto& e : *v) e = static_cast<float>(rng.normal());
    im2col(g, x.data(), col.data());
    for (GemmKernel k : kernels_here()) {
      set_gemm_kernel(k);
      CAPTURE(gemm_kernel_name(k));
      CAPTURE(cs.c);
      CAPTURE(cs.k);
      std::vector<float> want(static_cast<size_t>(rows) * N, 0.5f), got = want;
      gemm(Trans::N, Trans::N, rows, N, cols, col.data(), cols, Bw.data(), N, 1.0f, want.data(), N);
      kernels::conv_gemm_gathered(g, x.data(), Trans::N, N, Bw.data(), N, 1.0f, got.data(), N);
      CHECK(got == want);
      gemm(Trans::N, Trans::T, rows, N, cols, col.data(), cols, Bt.data(), cols, 0.0f, want.data(), N);
      kernels::conv_gemm_gathered(g, x.data(), Trans::T, N, Bt.data(), cols, 0.0f, got.data(), N);
      CHECK(got == want);
      std::vector<float> want_t(static_cast<size_t>(cols) * N, -1.0f), got_t = want_t;
      gemm(Trans::T, Trans::N, cols, N, rows, col.data(), cols, By.data(), N, 1.0f, want_t.data(), N);
      kernels::conv_gemm_t_gathered(g, x.data(), N, By.data(), N, 1.0f, got_t.data(), N);
      CHECK(got_t == want_t);
    }
    set_gemm_kernel(GemmKernel::Auto);
    // The double path (gradient checks) against the naive loops.
    std::vector<double> xd(x.begin(), x.end()), cold(col.begin(), col.end()), Byd(By.begin(), By.end());
    std::vector<double> want_d(static_cast<size_t>(cols) * N, 0.0), got_d = want_d;
    gemm_reference(Trans::T, Trans::N, cols, N, rows, cold.data(), cols, Byd.data(), N, 0.0, want_d.data(), N);
    conv_gemm_t(g, xd.data(), N, Byd.data(), N, 0.0, got_d.data(), N);
    CHECK(got_d == want_d);
  }
}

// For the by-position tests: C (rows x N, row stride ldc) before a call with beta 0 holds NaN,
// which must not leak into the result (C is not read when beta is 0).
static void poison(std::vector<float>& c, int rows, int N, int ldc) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < N; ++j) c[static_cast<size_t>(i) * ldc + j] = NAN;
}

// got against the double reference within 1e-5 * sqrt(K) of the largest |C|; the ldc padding
// of every row must be as it was in before.
static void check_strided(const std::vector<float>& got, const std::vector<double>& want,
                          const std::vector<float>& before, int rows, int N, int ldc, int K) {
  double scale = 1e-30, worst = 0;
  for (double v : want) scale = std::max(scale, std::abs(v));
  for (int i = 0; i < rows; ++i) {
    const size_t row = static_cast<size_t>(i) * ldc;
    for (int j = 0; j < N; ++j) worst = std::max(worst, std::abs(got[row + j] - want[row + j]) / scale);
    for (int j = N; j < ldc; ++j) REQUIRE(got[row + j] == before[row + j]);
  }
  CHECK(worst <= 1e-5 * std::sqrt(static_cast<double>(K)));
}

// The by-position paths (kernels/conv_by_position.hpp) sum in another order and skips the padding
// products, so it is held to the reference within the SGEMM tolerance (1e-5 * sqrt(K) relative to
// the largest |C|), on every kernel: batches that are not multiples of MR, N not a multiple of
// NR, strides 1-3, 'valid' padding, both transposes of B, beta 0 and 1, ldc > N (padding
// untouched), and a geometry whose first windows miss the image entirely. Its result must not
// depend on the thread count.
TEST_CASE("conv_gemm and conv_gemm_t by output position equal the reference and ignore the thread count") {
  Rng rng(46);
  struct Case { int batch, h, w, c, k, stride; Padding pad; int n; };
  const Case cases[] = {{37, 7, 7, 32, 5, 1, Padding::Same, 33}, {33, 14, 14, 16, 5, 2, Padding::Same, 64},
                        {40, 9, 8, 17, 3, 1, Padding::Valid, 5}, {32, 11, 7, 20, 4, 3, Padding::Same, 70},
                        {64, 7, 7, 256, 5, 1, Padding::Same, 128}};
  std::vector<ConvGeometry> geoms;
  for (const Case& cs : cases)
    geoms.push_back({cs.batch, cs.c, conv_axis(cs.h, cs.k, cs.stride, cs.pad), conv_axis(cs.w, cs.k, cs.stride, cs.pad)});
  geoms.push_back({34, 16, AxisGeometry{3, 2, 1, 6, 4}, AxisGeometry{4, 3, 1, 5, 1}});  // output rows 0-2 see only padding
  for (std::size_t gi = 0; gi < geoms.size(); ++gi) {
    const ConvGeometry& g = geoms[gi];
    const int N = gi < std::size(cases) ? cases[gi].n : 19, rows = g.rows(), cols = g.cols(), ldc = N + 3;
    CAPTURE(gi);
    std::vector<float> x(static_cast<size_t>(g.batch) * g.y.in * g.x.in * g.channels), Bw(static_cast<size_t>(cols) * N);
    std::vector<float> Bt(static_cast<size_t>(N) * cols), C0(static_cast<size_t>(rows) * ldc);
    for (auto* v : {&x, &Bw, &Bt, &C0})
      for (auto& e : *v) e = static_cast<float>(rng.normal());
    std::vector<double> xd(x.begin(), x.end()), cold(static_cast<size_t>(rows) * cols);
    im2col(g, xd.data(), cold.data());
    for (const Trans tb : {Trans::N, Trans::T})
      for (const float beta : {0.0f, 1.0f}) {
        const std::vector<float>& B = tb == Trans::N ? Bw : Bt;
        const int ldb = tb == Trans::N ? N : cols;
        std::vector<double> Bd(B.begin(), B.end()), want(C0.begin(), C0.end());
        gemm_reference<double>(Trans::N, tb, rows, N, cols, cold.data(), cols, Bd.data(), ldb, beta, want.data(), ldc);
        for (GemmKernel k : kernels_here()) {
          set_gemm_kernel(k);
          CAPTURE(gemm_kernel_name(k));
          std::vector<float> got = C0;
          if (beta == 0.0f) poison(got, rows, N, ldc);
          kernels::with_active_kernel([&](auto kernel) {
            kernels::conv_gemm_by_position<decltype(kernel)>(g, x.data(), tb, N, B.data(), ldb, beta, got.data(), ldc);
          });
          check_strided(got, want, C0, rows, N, ldc, cols);
        }
        set_gemm_kernel(GemmKernel::Auto);
      }
    // The weight-gradient twin, grouped by tap: C (cols, N) = im2col(x)^T * By + beta * C.
    std::vector<float> By(static_cast<size_t>(rows) * (N + 1)), Ct0(static_cast<size_t>(cols) * ldc);
    for (auto* v : {&By, &Ct0})
      for (auto& e : *v) e = static_cast<float>(rng.normal());
    std::vector<double> Byd(By.begin(), By.end());
    for (const float beta : {0.0f, 1.0f}) {
      std::vector<double> want(Ct0.begin(), Ct0.end());
      gemm_reference<double>(Trans::T, Trans::N, cols, N, rows, cold.data(), cols, Byd.data(), N + 1, beta, want.data(), ldc);
      for (GemmKernel k : kernels_here()) {
        set_gemm_kernel(k);
        CAPTURE(gemm_kernel_name(k));
        std::vector<float> got = Ct0;
        if (beta == 0.0f) poison(got, cols, N, ldc);
        kernels::with_active_kernel([&](auto kernel) {
          kernels::conv_gemm_t_by_position<decltype(kernel)>(g, x.data(), N, By.data(), N + 1, beta, got.data(), ldc);
        });
        check_strided(got, want, Ct0, cols, N, ldc, rows);
      }
      set_gemm_kernel(GemmKernel::Auto);
    }
    const int before = num_threads();
    auto both_paths = [&](int threads, std::vector<float>& y, std::vector<float>& dw) {
      set_num_threads(threads);
      kernels::with_active_kernel([&](auto kernel) {
        kernels::conv_gemm_by_position<decltype(kernel)>(g, x.data(), Trans::N, N, Bw.data(), N, 1.0f, y.data(), ldc);
        kernels::conv_gemm_t_by_position<decltype(kernel)>(g, x.data(), N, By.data(), N + 1, 1.0f, dw.data(), ldc);
      });
    };
    std::vector<float> one = C0, two = C0, one_t = Ct0, two_t = Ct0;
    both_paths(1, one, one_t);
    both_paths(2, two, two_t);
    set_num_threads(before);
    CHECK(one == two);
    CHECK(one_t == two_t);
  }
}
