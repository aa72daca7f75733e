// ganlite/kernels/conv_adjoint.hpp — the adjoint (transpose) of a strided convolution, by pixel
// phase, without a column matrix: Conv2DTranspose's forward and Conv2D's input gradient.
//
// g is a forward convolution from v-space (g.y.in x g.x.in pixels, Cv channels) to u-space
// (g.y.out x g.x.out, Cu channels) with kernel w: (KH, KW, Cv, Cu) — a Conv2D kernel as stored,
// and a Conv2DTranspose kernel (KH, KW, F, C) too, its output being v. The adjoint is
//   v[b, iy, ix, :] = sum over u-pixels (oy, ox) and taps (ky, kx) with iy = oy*s - p + ky,
//                     ix = ox*s - p + kx  of  w[ky, kx] u[b, oy, ox, :]
// A v-pixel with iy = s*q + r receives only the taps ky = r + p (mod s): for each of the s*s pixel
// phases (r_y, r_x) the sum is a stride-1 convolution of u with a sub-kernel of about K/s x K/s
// taps (flipped), i.e. one implicit GEMM (conv_gemm) whose rows are then scattered to every s-th
// pixel. The phases together do exactly the transposed convolution's arithmetic: no column
// matrix (80 MB for the generator's second layer at batch 256), no col2im pass, no products with
// inserted zeros. With s = 1 there is one phase (the whole kernel, flipped) and no scatter.
#pragma once
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "conv_gemm.hpp"
#include "gemm_col2im.hpp"

namespace ganlite {
namespace kernels {

// One axis of one phase r: v-pixels s*q + r (q < count), taps first, first + s, ... (taps of them),
// read from u at q - pad + j for sub-kernel tap j = taps - 1 - (ky - first) / s.
struct PhaseAxis {
  int first = 0, taps = 0, count = 0, pad = 0;
};

inline PhaseAxis phase_axis(const AxisGeometry& a, int r) {
  PhaseAxis ph;
  ph.first = (r + a.pad_before) % a.stride;
  ph.taps = ph.first < a.kernel ? (a.kernel - ph.first + a.stride - 1) / a.stride : 0;
  ph.count = (a.in - r + a.stride - 1) / a.stride;
  ph.pad = ph.taps - 1 - (r + a.pad_before) / a.stride;
  return ph;
}

}  // namespace kernels

// u: (B, g.y.out, g.x.out, cu), w: (KH, KW, cv, cu) -> v: (B, g.y.in, g.x.in, cv), overwritten.
template <class T>
void conv_adjoint(const ConvGeometry& g, int cu, int cv, const T* u, const T* w, T* v) {
  const int sy = g.y.stride, sx = g.x.stride, KW = g.x.kernel, H = g.y.in, W = g.x.in, B = g.batch;
  thread_local AlignedVector<T> sub, phase_out;  // grown once, reused by every later call
  const bool direct = sy == 1 && sx == 1;         // one phase, whose rows are v's rows: no scatter
  for (int ry = 0; ry < std::min(sy, H); ++ry)
    for (int rx = 0; rx < std::min(sx, W); ++rx) {
      const kernels::PhaseAxis py = kernels::phase_axis(g.y, ry), px = kernels::phase_axis(g.x, rx);
      const long rows = static_cast<long>(B) * py.count * px.count;
      T* out = v;
      if (!direct) {
        phase_out.resize(static_cast<std::size_t>(rows) * cv);
        out = phase_out.data();
      }
      if (py.taps == 0 || px.taps == 0) {  // kernel smaller than the stride: nothing reaches them
        std::fill(out, out + rows * cv, T(0));
      } else {
        sub.resize(static_cast<std::size_t>(py.taps) * px.taps * cu * cv);
        for (int jy = 0; jy < py.taps; ++jy)  // sub (jy, jx, cu) x cv  <-  w (ky, kx, cv, cu)
          for (int jx = 0; jx < px.taps; ++jx) {
            const int ky = py.first + sy * (py.taps - 1 - jy), kx = px.first + sx * (px.taps - 1 - jx);
            const T* src = w + static_cast<std::ptrdiff_t>(ky * KW + kx) * cv * cu;
            T* dst = sub.data() + static_cast<std::ptrdiff_t>(jy * px.taps + jx) * cu * cv;
            for (int a = 0; a < cv; ++a)
              for (int b = 0; b < cu; ++b) dst[b * cv + a] = src[a * cu + b];
          }
        const ConvGeometry pg{B, cu, AxisGeometry{g.y.out, py.taps, 1, py.count, py.pad},
                              AxisGeometry{g.x.out, px.taps, 1, px.count, px.pad}};
        conv_gemm(pg, u, Trans::N, cv, sub.data(), cv, T(0), out, cv);
      }
      if (direct) continue;
      const T* src = out;
      const long lines = static_cast<long>(B) * py.count;  // (b, qy): one run of px.count pixels
#pragma omp parallel for schedule(static) if (rows * cv > 65536)
      for (long l = 0; l < lines; ++l) {
        const long b = l / py.count, iy = sy * (l % py.count) + ry;
        T* dst = v + ((b * H + iy) * W + rx) * cv;
        const T* s = src + l * px.count * cv;
        for (int q = 0; q < px.count; ++q) std::memcpy(dst + static_cast<long>(q) * sx * cv, s + q * cv, sizeof(T) * cv);
      }
    }
}

// v = the adjoint of convolution g applied to u (shapes as conv_adjoint), by the method
// adjoint_method (conv_method.hpp) picks: by pixel phase; as cols = u W^T with each tile of cols
// added into v as it is computed (kernels/gemm_col2im.hpp); or with cols whole (rows x KH*KW*cv,
// in the per-thread scratch buffer), then col2im. Conv2DTranspose's forward and Conv2D's input
// gradient.
template <class T>
void transposed_convolution(const ConvGeometry& g, int cu, int cv, const T* u, const T* w, T* v) {
  const ConvMethod method = adjoint_method<T>(g, cu);
  if (method == ConvMethod::PixelPhase) {
    conv_adjoint(g, cu, cv, u, w, v);
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (method == ConvMethod::FusedCol2im) {
      kernels::with_active_kernel([&](auto kernel) { kernels::gemm_col2im<decltype(kernel)>(g, cu, cv, u, w, v); });
      return;
    }
  }
  const int rows = g.rows(), K = g.cols();
  T* cols = scratch_buffer<T>(static_cast<std::size_t>(rows) * K);
  gemm(Trans::N, Trans::T, rows, K, cu, u, cu, w, cu, T(0), cols, K);
  col2im(g, cols, v);
}

}  // namespace ganlite
