// bench/dcgan_shapes.hpp — every GEMM one DCGAN training step runs at batch 256 (im2col form),
// as (layer, pass, ta, tb, M, N, K). Derived from the layer shapes in models/dcgan.hpp.
// The layers run the im2col-side operands implicitly (kernels/conv_gemm.hpp: packed straight from
// the image); here every operand is an explicit matrix so OpenBLAS and Eigen run the same product.
// G.ct1.fwd is stride 1, so the layer runs it as a convolution with the flipped kernel (N = 128,
// K = 5*5*256) rather than x W^T followed by col2im (N = 3200, K = 256); same arithmetic.
#pragma once
#include <ganlite/kernels/gemm.hpp>

namespace bench {

struct GemmShape {
  const char* where;
  ganlite::Trans ta, tb;
  int M, N, K;
};

using ganlite::Trans;
// rows = batch * output pixels of the im2col side; see layers/conv2d*.hpp for the formulas.
inline const GemmShape kDcganGemms[] = {
    {"G.dense.fwd", Trans::N, Trans::N, 256, 12544, 100},
    {"G.dense.dW", Trans::T, Trans::N, 100, 12544, 256},
    {"G.ct1.fwd", Trans::N, Trans::N, 12544, 128, 6400},
    {"G.ct1.dW", Trans::T, Trans::N, 3200, 256, 12544},
    {"G.ct1.dx", Trans::N, Trans::N, 12544, 256, 3200},
    {"G.ct2.fwd", Trans::N, Trans::T, 12544, 1600, 128},
    {"G.ct2.dW", Trans::T, Trans::N, 1600, 128, 12544},
    {"G.ct2.dx", Trans::N, Trans::N, 12544, 128, 1600},
    {"G.ct3.fwd", Trans::N, Trans::T, 50176, 25, 64},
    {"G.ct3.dW", Trans::T, Trans::N, 25, 64, 50176},
    {"G.ct3.dx", Trans::N, Trans::N, 50176, 64, 25},
    {"D.conv1.fwd", Trans::N, Trans::N, 50176, 64, 25},
    {"D.conv1.dW", Trans::T, Trans::N, 25, 64, 50176},
    {"D.conv1.dx", Trans::N, Trans::T, 50176, 25, 64},
    {"D.conv2.fwd", Trans::N, Trans::N, 12544, 128, 1600},
    {"D.conv2.dW", Trans::T, Trans::N, 1600, 128, 12544},
    {"D.conv2.dx", Trans::N, Trans::T, 12544, 1600, 128},
};

}  // namespace bench
