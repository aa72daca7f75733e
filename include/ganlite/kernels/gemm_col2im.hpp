// ganlite/kernels/gemm_col2im.hpp — v = col2im(u W^T) without the column matrix.
//
// The column path of the transposed convolution (kernels/conv_adjoint.hpp) is cols = u W^T — one
// row per u-pixel, one column per tap and v-channel — followed by col2im, which adds every
// column of a row into the v-pixel that tap reaches. Here each MR x NR tile of the product is
// added into v as soon as the micro-kernel has computed it, so the column matrix (80 MB for the
// DCGAN's 7x7x128 -> 14x14x64 layers at batch 256) is never written nor read back, and there is
// no separate col2im pass. When a tile's NR columns are channels of one tap (cv a multiple of
// NR, as in the DCGAN), the micro-kernel adds its rows straight into their pixels
// (Kernel::add_to_rows, one pointer per row, worked out once per A block); other tiles go
// through a local tile and a scalar loop. Each block of whole images is one thread's, so no two add to one pixel, and every
// image is summed in a fixed order (tap, then u-pixel): the result does not depend on the
// thread count. It rounds differently from cols + col2im (the same additions in another order).
#pragma once
#include <algorithm>
#include <vector>

#include "gemm.hpp"
#include "im2col.hpp"

namespace ganlite {
namespace kernels {

// g: the forward convolution from v-space to u-space; u: (B, g.y.out, g.x.out, cu),
// w: (KH, KW, cv, cu) -> v: (B, g.y.in, g.x.in, cv), overwritten. Needs cu <= kKC (one K block: each tile is final
// when it is added); adjoint_method (conv_method.hpp) checks it.
template <class Kernel>
void gemm_col2im(const ConvGeometry& g, int cu, int cv, const float* u, const float* w, float* v) {
  constexpr int MR = Kernel::MR, NR = Kernel::NR;
  const int P = g.y.out * g.x.out, N = g.y.kernel * g.x.kernel * cv;
  const int H = g.y.in, W = g.x.in, KW = g.x.kernel, OW = g.x.out;
  const std::ptrdiff_t sliver_len = static_cast<std::ptrdiff_t>(cu) * NR, image = static_cast<std::ptrdiff_t>(H) * W * cv;

  // op(B) = W^T (cu x N): w read as N rows of cu floats, transposed by the packing.
  const float* const bp_all = pack_b_whole<NR>(Trans::T, w, cu, cu, N);

  const int images_per_block = std::max(1, kMC / P);  // A blocks of whole images
  const int blocks = (g.batch + images_per_block - 1) / images_per_block;
  const int nt = std::max(1, std::min(num_threads(), blocks));
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    PackBuffers& buf = thread_pack_buffers();
    const std::size_t need = static_cast<std::size_t>((images_per_block * P + MR - 1) / MR * MR) * cu;
    if (buf.a.size() < need) buf.a.resize(need);
    // Per row of the A block: where its tap (0, 0) lands in v (row, column, offset; may be outside).
    thread_local std::vector<int> top, left;
    thread_local std::vector<std::ptrdiff_t> corner;
    const std::size_t rows_per_block = static_cast<std::size_t>(images_per_block) * P;
    if (corner.size() < rows_per_block) top.resize(rows_per_block), left.resize(rows_per_block), corner.resize(rows_per_block);
    alignas(64) float tile[MR * NR];
    // Blocks of images taken one at a time as threads finish (a slowed core takes fewer).
#pragma omp for schedule(dynamic, 1)
    for (int blk = 0; blk < blocks; ++blk) {
      const int n0 = blk * images_per_block, n1 = std::min(g.batch, n0 + images_per_block);
      std::fill(v + n0 * image, v + n1 * image, 0.0f);
      const int row0 = n0 * P, mc = (n1 - n0) * P;
      pack_a<MR>(Trans::N, u, cu, row0, 0, mc, cu, buf.a.data());
      for (int i = 0; i < mc; ++i) {
        const int pos = (row0 + i) % P;
        top[i] = pos / OW * g.y.stride - g.y.pad_before;
        left[i] = pos % OW * g.x.stride - g.x.pad_before;
        corner[i] = (row0 + i) / P * image + (static_cast<std::ptrdiff_t>(top[i]) * W + left[i]) * cv;
      }
      for (int jr = 0; jr < N; jr += NR) {
        const int nr = std::min(NR, N - jr), tap = jr / cv, c0 = jr - tap * cv, ky = tap / KW, kx = tap % KW;
        const float* bp = bp_all + (jr / NR) * sliver_len;
        if (nr == NR && c0 + NR <= cv) {  // the sliver is NR channels of one tap: the kernel adds its rows into v
          const std::ptrdiff_t tap_offset = (static_cast<std::ptrdiff_t>(ky) * W + kx) * cv + c0;
          for (int ir = 0; ir < mc; ir += MR) {
            float* rows[MR];
            for (int r = 0; r < MR; ++r) {
              const int i = ir + r;
              const bool inside = i < mc && top[i] + ky >= 0 && top[i] + ky < H && left[i] + kx >= 0 && left[i] + kx < W;
              rows[r] = inside ? v + corner[i] + tap_offset : nullptr;
            }
            Kernel::add_to_rows(cu, buf.a.data() + static_cast<std::ptrdiff_t>(ir) * cu, bp, rows);
          }
          continue;
        }
        for (int ir = 0; ir < mc; ir += MR) {  // a part sliver, or one straddling two taps: through a tile
          Kernel::run(cu, buf.a.data() + static_cast<std::ptrdiff_t>(ir) * cu, bp, tile, NR, 0.0f);
          for (int r = 0; r < std::min(MR, mc - ir); ++r) {
            const int i = ir + r;
            const float* t = tile + r * NR;
            for (int j = 0; j < nr; ++j) {
              const int col = jr + j, tp = col / cv, iy = top[i] + tp / KW, ix = left[i] + tp % KW;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) v[corner[i] + (static_cast<std::ptrdiff_t>(tp / KW) * W + tp % KW) * cv + col - tp * cv] += t[j];
            }
          }
        }
      }
    }
  }
}

}  // namespace kernels
}  // namespace ganlite
