// ganlite/kernels/conv_method.hpp — which method each convolution product uses: decided here,
// and nowhere else.
//
// A convolution layer computes three products, each with a choice of method:
//   product   im2col(x) * W: Conv2D's forward, Conv2DTranspose's input gradient (conv_gemm)
//             by-position   one output position at a time, no padding products, no gather
//                           (conv_by_position.hpp)
//             gathered      the SGEMM with im2col's rows gathered by its packing
//   weights   im2col(x)^T * dy: both layers' weight gradient (conv_gemm_t)
//             by-tap        one kernel tap at a time (conv_by_position.hpp)
//             gathered      as above, im2col's columns gathered
//   adjoint   the transposed convolution: Conv2DTranspose's forward, Conv2D's input gradient
//             (transposed_convolution, conv_adjoint.hpp)
//             pixel-phase   one implicit GEMM per pixel phase, no column matrix
//             fused-col2im  u W^T tile by tile, each tile summed into v at once (gemm_col2im.hpp)
//             column-matrix u W^T whole, then col2im
// In double precision (the reference the float paths are checked against) every product is
// im2col + the reference GEMM ("reference"); the adjoint is pixel-phase at stride 1 and
// column-matrix otherwise.
//
// The thresholds were measured on the seed DCGAN's shapes (docs/performance.md: 2 threads,
// batch 256); a model of other shapes may find another method faster, and Sequential::summary()
// shows what each of its layers uses at a given batch. Every method gives the same values to float
// rounding (tests/test_conv_methods.cpp runs each against the double reference at sizes that
// select it).
#pragma once
#include <climits>
#include <string>
#include <type_traits>

#include "gemm.hpp"
#include "im2col.hpp"

namespace ganlite {

enum class ConvMethod { Reference, Gathered, ByPosition, ByTap, PixelPhase, FusedCol2im, ColumnMatrix };

inline const char* conv_method_name(ConvMethod m) {
  switch (m) {
    case ConvMethod::Reference: return "reference";
    case ConvMethod::Gathered: return "gathered";
    case ConvMethod::ByPosition: return "by-position";
    case ConvMethod::ByTap: return "by-tap";
    case ConvMethod::PixelPhase: return "pixel-phase";
    case ConvMethod::FusedCol2im: return "fused-col2im";
    case ConvMethod::ColumnMatrix: return "column-matrix";
  }
  return "?";
}

// C (rows, N) = im2col(x) * op(B), C's row stride ldc. By position when each position has enough
// images to fill micro-kernel rows and each tap run is long enough to pay for a kernel call (not
// the 1-channel layers), and the strided C fits an int.
template <class T>
ConvMethod product_method(const ConvGeometry& g, int ldc) {
  if (!std::is_same_v<T, float>) return ConvMethod::Reference;
  const bool pays = g.batch >= 32 && g.channels >= 16 && static_cast<long>(g.y.out) * g.x.out * ldc < INT_MAX;
  return pays && g.cols() > 0 ? ConvMethod::ByPosition : ConvMethod::Gathered;
}

// C (cols, N) = im2col(x)^T * B. By tap from 128 channels: with 64 (the discriminator's second
// layer, the generator's second transposed convolution) it measured 7-8 % slower than the
// gathered path in alternating runs (a tap's 64 rows fill 5 2/3 slivers of 12 rows, and its C
// block is small).
template <class T>
ConvMethod weights_method(const ConvGeometry& g) {
  if (!std::is_same_v<T, float>) return ConvMethod::Reference;
  return g.batch >= 32 && g.channels >= 128 && g.rows() > 0 ? ConvMethod::ByTap : ConvMethod::Gathered;
}

// v = the adjoint of convolution g applied to u (cu channels). Pixel-phase at stride 1: one GEMM
// with the whole kernel, which always won. At stride 2 it did not win on the DCGAN's shapes
// (2 threads, batch 256, medians of 3, run twice): the generator's 7x7x128 -> 14x14x64 forward
// took 51-71 ms against 43-48 ms, the discriminator's 14x14x64 input gradient 118-122 ms against
// 102-110 ms; its GEMMs have N = cv (64 there), so every A element gathered from the image feeds
// only 2 micro-kernel columns of work. Otherwise fused with col2im when u's channels fit one
// K block of the SGEMM, else through the column matrix.
template <class T>
ConvMethod adjoint_method(const ConvGeometry& g, int cu) {
  if (g.y.stride == 1 && g.x.stride == 1) return ConvMethod::PixelPhase;
  if (std::is_same_v<T, float> && cu <= kernels::kKC) return ConvMethod::FusedCol2im;
  return ConvMethod::ColumnMatrix;
}

// "forward by-position, weights by-tap, input gradient pixel-phase", for summaries.
inline std::string conv_methods_text(ConvMethod forward, ConvMethod weights, ConvMethod input_gradient) {
  return std::string("forward ") + conv_method_name(forward) + ", weights " + conv_method_name(weights) + ", input gradient " +
         conv_method_name(input_gradient);
}

}  // namespace ganlite
