// ganlite/kernels/conv_gemm.hpp — convolution GEMMs that read the image directly (implicit GEMM).
//
// With cols = im2col(x) as in kernels/im2col.hpp (rows: output pixels, columns: taps (ky, kx, c)):
//   conv_gemm   : C = cols   * op(B) + beta * C    C: (rows, N)   Conv2D forward, Conv2DTranspose dx
//   conv_gemm_t : C = cols^T * B     + beta * C    C: (cols, N)   Conv2D dW, Conv2DTranspose dW
// The column matrix is never built: the SGEMM's A-packing gathers each MR x KC sliver straight
// from the NHWC image. The packed panels hold exactly the numbers im2col would have written, so
// the result is bit-identical to im2col + gemm (tests/test_gemm.cpp), without the column matrix's
// memory (160 MB for the generator's first layer at batch 256) or its trip through RAM.
// double (the gradient checks) materialises cols and runs the reference GEMM.
#pragma once
#include <algorithm>
#include <cstring>

#include "conv_by_position.hpp"
#include "conv_method.hpp"
#include "gemm.hpp"
#include "im2col.hpp"

namespace ganlite {

// A per-thread scratch area for temporaries that live inside one layer call (column matrices):
// grown on first use and then reused, so layers called one after another share one buffer.
template <class T>
T* scratch_buffer(std::size_t n) {
  thread_local AlignedVector<T> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

namespace kernels {

inline const float* zero_floats(int n) {
  thread_local AlignedVector<float> zeros;
  if (zeros.size() < static_cast<std::size_t>(n)) zeros.assign(n, 0.0f);
  return zeros.data();
}

// op(A) = im2col(x): row i is output pixel (n, oy, ox), column k is tap (ky, kx, c).
struct Im2colRows {
  const ConvGeometry& g;
  const float* x;
  template <int MR>
  void pack(int i0, int k0, int mc, int kc, float* dst) const {
    const int C = g.channels, H = g.y.in, W = g.x.in, OW = g.x.out, OH = g.y.out, KW = g.x.kernel;
    const float* zeros = zero_floats(C);
    for (int s = 0; s < mc; s += MR) {
      const int rows = std::min(MR, mc - s);
      int n[MR], top[MR], left[MR];  // each row's image and the input corner of its window
      for (int r = 0; r < MR; ++r) {
        const int p = i0 + s + std::min(r, rows - 1);
        n[r] = p / (OH * OW);
        top[r] = (p / OW) % OH * g.y.stride - g.y.pad_before;
        left[r] = p % OW * g.x.stride - g.x.pad_before;
      }
      for (int k = k0; k < k0 + kc;) {  // one tap at a time: its channels are contiguous in x
        const int tap = k / C, c0 = k - tap * C, len = std::min(C - c0, k0 + kc - k);
        const int ky = tap / KW, kx = tap % KW;
        const float* src[MR];
        for (int r = 0; r < MR; ++r) {
          const int iy = top[r] + ky, ix = left[r] + kx;
          const bool inside = r < rows && iy >= 0 && iy < H && ix >= 0 && ix < W;
          src[r] = inside ? x + ((static_cast<std::ptrdiff_t>(n[r]) * H + iy) * W + ix) * C + c0 : zeros;
        }
        interleave_rows<MR>(src, len, dst);
        dst += static_cast<std::ptrdiff_t>(len) * MR;
        k += len;
      }
    }
  }
};

// Output pixel k = (n, oy, ox) of a convolution, stepped in order without divisions.
struct PixelCursor {
  int ox, oy, n;
  const int OW, OH;
  PixelCursor(const ConvGeometry& g, int k) : ox(k % g.x.out), oy(k / g.x.out % g.y.out), n(k / (g.x.out * g.y.out)), OW(g.x.out), OH(g.y.out) {}
  void next() {
    if (++ox == OW) {
      ox = 0;
      if (++oy == OH) oy = 0, ++n;
    }
  }
};

// op(A) = im2col(x)^T: row i is tap (ky, kx, c), column k is output pixel (n, oy, ox).
// An MR-row sliver is one run of consecutive channels of one tap, or — where it straddles a tap
// boundary, or holds fewer than MR rows — two such runs and/or zero rows: its segments. The
// block is packed pixel by pixel, every segment of every sliver per pixel: each pixel's channels
// are read while their cache lines are hot, and its position is computed once.
struct Im2colCols {
  const ConvGeometry& g;
  const float* x;
  template <int MR>
  void pack(int i0, int k0, int mc, int kc, float* dst) const {
    const int C = g.channels, H = g.y.in, W = g.x.in, KW = g.x.kernel;
    constexpr int kMaxSlivers = (kMC + MR - 1) / MR, kMaxSegments = kMaxSlivers * 3;  // C >= MR: <= 2 runs + zeros
    if (mc > kMaxSlivers * MR) {  // more rows than sgemm_blocked ever asks for: in pieces
      for (int s = 0; s < mc; s += kMaxSlivers * MR)
        pack<MR>(i0 + s, k0, std::min(kMaxSlivers * MR, mc - s), kc, dst + static_cast<std::ptrdiff_t>(s) * kc);
      return;
    }
    if (C < MR) return pack_by_element<MR>(i0, k0, mc, kc, dst);  // runs of fewer than MR channels
    struct Segment {
      std::ptrdiff_t at;  // dst offset of the segment's first row at pixel 0
      int dy, dx, ch, count;  // tap offset from the window's corner, first channel, rows; count < 0: -count zero rows
    };
    Segment seg[kMaxSegments];
    int n_seg = 0;
    for (int s = 0; s * MR < mc; ++s) {
      const int rows = std::min(MR, mc - s * MR);
      for (int r = 0; r < rows;) {
        const int i = i0 + s * MR + r, tap = i / C, ch = i - tap * C, count = std::min(rows - r, C - ch);
        seg[n_seg++] = {static_cast<std::ptrdiff_t>(s) * kc * MR + r, tap / KW - g.y.pad_before, tap % KW - g.x.pad_before, ch, count};
        r += count;
      }
      if (rows < MR) seg[n_seg++] = {static_cast<std::ptrdiff_t>(s) * kc * MR + rows, 0, 0, 0, rows - MR};
    }
    PixelCursor p(g, k0);
    for (int k = 0; k < kc; ++k, p.next()) {
      const std::ptrdiff_t image = static_cast<std::ptrdiff_t>(p.n) * H;
      const int y0 = p.oy * g.y.stride, x0 = p.ox * g.x.stride;
      float* const dk = dst + static_cast<std::ptrdiff_t>(k) * MR;
      for (int e = 0; e < n_seg; ++e) {
        const Segment& sg = seg[e];
        float* d = dk + sg.at;
        const int iy = y0 + sg.dy, ix = x0 + sg.dx;
        if (sg.count < 0 || iy < 0 || iy >= H || ix < 0 || ix >= W) {
          std::fill(d, d + (sg.count < 0 ? -sg.count : sg.count), 0.0f);
        } else if (sg.count == MR) {  // the common case: a fixed-size copy the compiler inlines
          std::memcpy(d, x + ((image + iy) * W + ix) * C + sg.ch, sizeof(float) * MR);
        } else {
          const float* src = x + ((image + iy) * W + ix) * C + sg.ch;
          for (int r = 0; r < sg.count; ++r) d[r] = src[r];
        }
      }
    }
  }

  // Images with fewer channels than MR (the 1-channel layers: every row its own tap): element by
  // element, sliver by sliver, each row's tap offsets computed once.
  template <int MR>
  void pack_by_element(int i0, int k0, int mc, int kc, float* dst) const {
    const int C = g.channels, H = g.y.in, W = g.x.in, KW = g.x.kernel;
    for (int s = 0; s * MR < mc; ++s, dst += static_cast<std::ptrdiff_t>(kc) * MR) {
      const int rows = std::min(MR, mc - s * MR);
      int dy[MR], dx[MR], ch[MR];
      for (int r = 0; r < MR; ++r) {
        const int i = i0 + s * MR + std::min(r, rows - 1), tap = i / C;
        dy[r] = tap / KW - g.y.pad_before;
        dx[r] = tap % KW - g.x.pad_before;
        ch[r] = i - tap * C;
      }
      float* d = dst;
      PixelCursor p(g, k0);
      for (int k = 0; k < kc; ++k, d += MR, p.next()) {
        const std::ptrdiff_t image = static_cast<std::ptrdiff_t>(p.n) * H;
        for (int r = 0; r < MR; ++r) {
          const int iy = p.oy * g.y.stride + dy[r], ix = p.ox * g.x.stride + dx[r];
          const bool inside = r < rows && iy >= 0 && iy < H && ix >= 0 && ix < W;
          d[r] = inside ? x[((image + iy) * W + ix) * C + ch[r]] : 0.0f;
        }
      }
    }
  }
};

}  // namespace kernels

namespace kernels {
// The im2col path on its own: the SGEMM driver with A gathered from the image (bit-identical to
// im2col + gemm).
inline void conv_gemm_gathered(const ConvGeometry& g, const float* x, Trans tb, int N, const float* B, int ldb,
                               float beta, float* C, int ldc) {
  sgemm_dispatch(Im2colRows{g, x}, tb, g.rows(), N, g.cols(), B, ldb, beta, C, ldc);
}
}  // namespace kernels

// C (rows, N) = im2col(x) * op(B) + beta * C;  op(B): (cols, N). By output position
// (kernels/conv_by_position.hpp: no padding products, no gather) or gathered, as
// product_method (conv_method.hpp) says.
inline void conv_gemm(const ConvGeometry& g, const float* x, Trans tb, int N, const float* B, int ldb, float beta,
                      float* C, int ldc) {
  if (g.rows() <= 0 || N <= 0) return;
  if (product_method<float>(g, ldc) == ConvMethod::Gathered) return kernels::conv_gemm_gathered(g, x, tb, N, B, ldb, beta, C, ldc);
  kernels::with_active_kernel([&](auto kernel) {
    kernels::conv_gemm_by_position<decltype(kernel)>(g, x, tb, N, B, ldb, beta, C, ldc);
  });
}
inline void conv_gemm(const ConvGeometry& g, const double* x, Trans tb, int N, const double* B, int ldb, double beta,
                      double* C, int ldc) {
  double* cols = scratch_buffer<double>(static_cast<std::size_t>(g.rows()) * g.cols());
  im2col(g, x, cols);
  gemm_reference(Trans::N, tb, g.rows(), N, g.cols(), cols, g.cols(), B, ldb, beta, C, ldc);
}

namespace kernels {
inline void conv_gemm_t_gathered(const ConvGeometry& g, const float* x, int N, const float* B, int ldb, float beta,
                                 float* C, int ldc) {
  sgemm_dispatch(Im2colCols{g, x}, Trans::N, g.cols(), N, g.rows(), B, ldb, beta, C, ldc);
}
}  // namespace kernels

// C (cols, N) = im2col(x)^T * B + beta * C;  B: (rows, N). By kernel tap
// (kernels/conv_by_position.hpp) or with im2col(x)^T gathered by the SGEMM's packing, as
// weights_method (conv_method.hpp) says.
inline void conv_gemm_t(const ConvGeometry& g, const float* x, int N, const float* B, int ldb, float beta, float* C,
                        int ldc) {
  if (g.cols() <= 0 || N <= 0) return;
  if (weights_method<float>(g) == ConvMethod::Gathered) return kernels::conv_gemm_t_gathered(g, x, N, B, ldb, beta, C, ldc);
  kernels::with_active_kernel([&](auto kernel) {
    kernels::conv_gemm_t_by_position<decltype(kernel)>(g, x, N, B, ldb, beta, C, ldc);
  });
}
inline void conv_gemm_t(const ConvGeometry& g, const double* x, int N, const double* B, int ldb, double beta, double* C,
                        int ldc) {
  double* cols = scratch_buffer<double>(static_cast<std::size_t>(g.rows()) * g.cols());
  im2col(g, x, cols);
  gemm_reference(Trans::T, Trans::N, g.cols(), N, g.rows(), cols, g.cols(), B, ldb, beta, C, ldc);
}

}  // namespace ganlite
