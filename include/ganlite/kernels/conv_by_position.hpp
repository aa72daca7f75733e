// ganlite/kernels/conv_by_position.hpp — a convolution's im2col GEMM, one output position at a time.
//
// The rows of im2col(x) that share an output position (oy, ox) — one row per image — look through
// the same window, so the same taps of theirs fall in the padding. For one position and one
// kernel row ky, the valid taps kx0..kx1-1 read (kx1-kx0)*C consecutive floats of each image
// (NHWC), at the same offset in every image: that piece of im2col is an ordinary matrix whose
// row stride is one image (H*W*C). So
//   y[n, pos, :] = sum over valid ky of  x_run(n; pos, ky) * B[(ky, kx0..kx1-1, :), :]
// is a short sum of plain GEMMs with no gather and no product with a padding zero. On the
// DCGAN's 7x7 outputs with 5x5 kernels a third of im2col's entries are padding (31 % at stride 1,
// 30 % for the discriminator's stride 2): conv_gemm's other path multiplies them all.
// op(B) is packed once per call with the whole K in each NR-column sliver, so the K range of
// any tap run is a contiguous piece of it. Each output position is computed by one thread, its
// sum in a fixed order (ky ascending, each run in K blocks), so the result does not depend on
// the thread count (though its rounding differs from the im2col path's).
#pragma once
#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "gemm.hpp"
#include "im2col.hpp"

namespace ganlite {
namespace kernels {

// The taps [first, end) of one axis whose input coordinate lies inside the image at output o.
struct TapRange {
  int first = 0, end = 0;
  int count() const { return std::max(0, end - first); }
};
inline TapRange valid_taps(const AxisGeometry& a, int o) {
  const int at = o * a.stride - a.pad_before;  // input coordinate of tap 0
  return {std::max(0, -at), std::min(a.kernel, a.in - at)};
}

// body(i, a) for i in [0, count), items taken by the threads one at a time as they finish
// (dynamic scheduling: a core slowed by a neighbour simply takes fewer), the heaviest first so
// the last items to finish are short ones. Each thread passes its own A-packing buffer
// (MC x kKC floats). Which thread runs an item changes from run to run; what it computes does not.
template <int MC, class Work, class Body>
void split_by_work(int count, const Work& work, const Body& body) {
  thread_local std::vector<int> order;
  order.resize(count);
  for (int i = 0; i < count; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return work(a) > work(b); });
  const int nt = std::max(1, std::min(num_threads(), count));
  const int* const items = order.data();
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    PackBuffers& buf = thread_pack_buffers();
    const std::size_t need = static_cast<std::size_t>(MC) * kKC;  // kc never exceeds kKC
    if (buf.a.size() < need) buf.a.resize(need);
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < count; ++k) body(items[k], buf.a.data());
  }
}

// When these pay is decided in conv_method.hpp (product_method, weights_method).

// C (rows, N) = im2col(x) * op(B) + beta * C, as conv_gemm; op(B): (cols, N).
template <class Kernel>
void conv_gemm_by_position(const ConvGeometry& g, const float* x, Trans tb, int N, const float* B, int ldb,
                           float beta, float* C, int ldc) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR, MC = (kMC / MR) * MR;
  const int Cin = g.channels, W = g.x.in, KW = g.x.kernel, OW = g.x.out, P = g.y.out * g.x.out, K = g.cols();
  const int ldc_pos = P * ldc;  // rows of one position: one per image
  const std::ptrdiff_t image = static_cast<std::ptrdiff_t>(g.y.in) * W * Cin, sliver_len = static_cast<std::ptrdiff_t>(K) * NR;

  const float* const bp_all = pack_b_whole<NR>(tb, B, ldb, K, N);

  auto taps_at = [&](int pos) { return valid_taps(g.y, pos / OW).count() * valid_taps(g.x, pos % OW).count(); };
  auto run_position = [&](int pos, float* a_buf) {
    const TapRange ty = valid_taps(g.y, pos / OW), tx = valid_taps(g.x, pos % OW);
    float* const c_pos = C + static_cast<std::ptrdiff_t>(pos) * ldc;
    const int run = tx.count() * Cin;
    if (ty.count() == 0 || run == 0) {  // the window misses the image: an empty sum
      for (int n = 0; n < g.batch; ++n)
        for (int j = 0; j < N; ++j) update_c(c_pos[static_cast<std::ptrdiff_t>(n) * ldc_pos + j], beta, 0.0f);
      return;
    }
    const int kc_max = k_block(run);
    const int iy0 = (pos / OW) * g.y.stride - g.y.pad_before, ix = (pos % OW) * g.x.stride - g.x.pad_before + tx.first;
    for (int ic = 0; ic < g.batch; ic += MC) {
      const int mc = std::min(MC, g.batch - ic);
      bool first = true;
      for (int ky = ty.first; ky < ty.end; ++ky) {
        const float* run0 = x + (static_cast<std::ptrdiff_t>(iy0 + ky) * W + ix) * Cin;  // image 0's run
        const std::ptrdiff_t k_run = static_cast<std::ptrdiff_t>(ky * KW + tx.first) * Cin;  // its first column of B
        for (int p = 0; p < run; p += kc_max, first = false) {
          const int kc = std::min(kc_max, run - p);
          // A block: mc images x kc floats of the run, read in place (one image apart)
          macro_kernel_in_place<Kernel>(mc, N, kc, run0 + ic * image + p, image, a_buf, bp_all + (k_run + p) * NR,
                                        sliver_len, c_pos + static_cast<std::ptrdiff_t>(ic) * ldc_pos, ldc_pos,
                                        first ? beta : 1.0f);
        }
      }
    }
  };

  split_by_work<MC>(P, taps_at, run_position);  // positions, weighed by their valid taps
}

// C (cols, N) = im2col(x)^T * B + beta * C, as conv_gemm_t; B: (rows, N) — the weight gradient.
// Grouped by kernel tap instead: the rows of C for tap (ky, kx) are
//   dW[ky, kx] = sum over the positions whose window puts that tap inside the image of
//                x_tap(pos)^T (C_in x batch) * B_pos (batch x N),
// and those positions are a rectangle, i.e. one contiguous range of positions per output row.
// With B packed once in (position, image) order, each such range is a contiguous piece of K, so
// each tap's product is a short sum of pieces with no padding in it. A tap's rows of C stay in
// cache for its whole sum; taps are taken by the threads one at a time (split_by_work),
// each summed in a fixed order (output rows ascending, each piece in K blocks).
template <class Kernel>
void conv_gemm_t_by_position(const ConvGeometry& g, const float* x, int N, const float* B, int ldb, float beta,
                             float* C, int ldc) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR, MC = (kMC / MR) * MR;
  const int Cin = g.channels, H = g.y.in, W = g.x.in, KW = g.x.kernel, OW = g.x.out, OH = g.y.out;
  const int P = OH * OW, batch = g.batch, taps = g.y.kernel * KW, slivers = (N + NR - 1) / NR;
  const std::ptrdiff_t Ktot = static_cast<std::ptrdiff_t>(P) * batch, sliver_len = Ktot * NR;

  // B packed with K in (position, image) order: packed row k = pos * batch + n is B's row n*P + pos.
  thread_local AlignedVector<float> packed_b;  // the calling thread's; the workers only read it
  if (packed_b.size() < static_cast<std::size_t>(slivers * sliver_len)) packed_b.resize(slivers * sliver_len);
  float* const bp_all = packed_b.data();
#pragma omp parallel for schedule(static) if (sliver_len * slivers > 65536)
  for (int pos = 0; pos < P; ++pos)
    for (int n = 0; n < batch; ++n) {
      const float* src = B + (static_cast<std::ptrdiff_t>(n) * P + pos) * ldb;
      float* dst = bp_all + (static_cast<std::ptrdiff_t>(pos) * batch + n) * NR;
      for (int s = 0; s < slivers; ++s, src += NR, dst += sliver_len) {
        const int cols = std::min(NR, N - s * NR);
        int j = 0;
        for (; j < cols; ++j) dst[j] = src[j];
        for (; j < NR; ++j) dst[j] = 0.0f;
      }
    }

  // Output coordinates [first, end) whose window puts tap k inside the image (a contiguous range).
  auto outputs_seeing = [](const AxisGeometry& a, int OUT, int k) {
    TapRange r{0, 0};
    const int lo = a.pad_before - k;  // need o*stride >= lo and o*stride < a.in + lo
    r.first = lo <= 0 ? 0 : (lo + a.stride - 1) / a.stride;
    r.end = std::min(OUT, a.in + lo <= 0 ? 0 : (a.in + lo - 1) / a.stride + 1);
    return r;
  };
  auto work = [&](int t) { return outputs_seeing(g.y, OH, t / KW).count() * outputs_seeing(g.x, OW, t % KW).count(); };

  auto run_tap = [&](int t, float* a_buf) {
    const int ky = t / KW, kx = t % KW;
    const TapRange ry = outputs_seeing(g.y, OH, ky), rx = outputs_seeing(g.x, OW, kx);
    float* const c_tap = C + static_cast<std::ptrdiff_t>(t) * Cin * ldc;
    if (ry.count() == 0 || rx.count() == 0) {  // the tap never sees the image: an empty sum
      for (int i = 0; i < Cin; ++i)
        for (int j = 0; j < N; ++j) update_c(c_tap[static_cast<std::ptrdiff_t>(i) * ldc + j], beta, 0.0f);
      return;
    }
    const int seg = rx.count() * batch, kc_max = k_block(seg);  // one output row's positions
    const std::ptrdiff_t image = static_cast<std::ptrdiff_t>(H) * W * Cin;
    for (int ic = 0; ic < Cin; ic += MC) {
      const int mc = std::min(MC, Cin - ic), full = mc / MR, rest = mc - full * MR;
      bool first = true;
      for (int oy = ry.first; oy < ry.end; ++oy) {
        const int iy = oy * g.y.stride - g.y.pad_before + ky;
        const std::ptrdiff_t k_seg = (static_cast<std::ptrdiff_t>(oy) * OW + rx.first) * batch;
        for (int p = 0; p < seg; p += kc_max, first = false) {
          const int kc = std::min(kc_max, seg - p);
          int ox = rx.first + p / batch, n = p % batch;  // the (position, image) pair of column p
          for (int k = 0; k < kc; ++k, n = n + 1 == batch ? (++ox, 0) : n + 1) {  // A: mc channels x kc pairs
            const int ix = ox * g.x.stride - g.x.pad_before + kx;
            const float* src = x + n * image + (static_cast<std::ptrdiff_t>(iy) * W + ix) * Cin + ic;
            float* d = a_buf + static_cast<std::ptrdiff_t>(k) * MR;
            for (int s = 0; s < full; ++s, src += MR, d += static_cast<std::ptrdiff_t>(kc) * MR)
              std::memcpy(d, src, sizeof(float) * MR);
            if (rest > 0) {
              int r = 0;
              for (; r < rest; ++r) d[r] = src[r];
              for (; r < MR; ++r) d[r] = 0.0f;
            }
          }
          macro_kernel<Kernel>(mc, N, kc, a_buf, bp_all + (k_seg + p) * NR, sliver_len,
                               c_tap + static_cast<std::ptrdiff_t>(ic) * ldc, ldc, first ? beta : 1.0f);
        }
      }
    }
  };

  split_by_work<MC>(taps, work, run_tap);  // taps, weighed by the positions that see them
}

}  // namespace kernels
}  // namespace ganlite
