// ganlite/kernels/im2col.hpp — convolution geometry (TensorFlow's padding rules) and the
// im2col / col2im pair that turns a whole batch's convolution into one GEMM.
//
// Column matrix layout: one row per output pixel (n, oy, ox), N*OH*OW rows; one column per
// kernel tap and input channel (ky, kx, c), KH*KW*C columns — the same order as a Keras kernel
// (KH, KW, C_in, C_out) flattened to (KH*KW*C_in, C_out), so  y = cols * W  is NHWC directly.
#pragma once
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ganlite {

enum class Padding { Same, Valid };

inline const char* padding_name(Padding p) { return p == Padding::Same ? "same" : "valid"; }

// One spatial axis of a strided window: output size and the padding before the first input.
struct AxisGeometry {
  int in = 0, kernel = 1, stride = 1, out = 0, pad_before = 0;
};

// TensorFlow: 'valid' -> out = ceil((in - k + 1) / s), no padding;
// 'same' -> out = ceil(in / s), total padding max((out-1)*s + k - in, 0), the smaller half before.
inline AxisGeometry conv_axis(int in, int kernel, int stride, Padding p) {
  if (in <= 0 || kernel <= 0 || stride <= 0)
    throw std::invalid_argument("conv_axis: sizes must be positive (in=" + std::to_string(in) +
                                ", kernel=" + std::to_string(kernel) + ", stride=" + std::to_string(stride) + ")");
  AxisGeometry g{in, kernel, stride, 0, 0};
  if (p == Padding::Valid) {
    if (in < kernel)
      throw std::invalid_argument("conv_axis: 'valid' window of " + std::to_string(kernel) + " does not fit input " +
                                  std::to_string(in));
    g.out = (in - kernel) / stride + 1;
  } else {
    g.out = (in + stride - 1) / stride;
    g.pad_before = std::max((g.out - 1) * stride + kernel - in, 0) / 2;
  }
  return g;
}

// Keras Conv2DTranspose output size: 'same' -> in * s, 'valid' -> in * s + max(k - s, 0).
inline int conv_transpose_out(int in, int kernel, int stride, Padding p) {
  return p == Padding::Same ? in * stride : in * stride + std::max(kernel - stride, 0);
}

struct ConvGeometry {
  int batch = 0, channels = 0;
  AxisGeometry y, x;
  int rows() const { return batch * y.out * x.out; }
  int cols() const { return y.kernel * x.kernel * channels; }
};

// x: (N, H, W, C) -> cols: (N*OH*OW, KH*KW*C); taps that fall in the padding are zero.
template <class T>
void im2col(const ConvGeometry& g, const T* x, T* cols) {
  const int H = g.y.in, W = g.x.in, C = g.channels, OH = g.y.out, OW = g.x.out;
  const int KH = g.y.kernel, KW = g.x.kernel;
  const long row_len = static_cast<long>(KH) * KW * C;
#pragma omp parallel for schedule(static)
  for (long r = 0; r < static_cast<long>(g.batch) * OH; ++r) {
    const int n = static_cast<int>(r / OH), oy = static_cast<int>(r % OH);
    T* dst = cols + r * OW * row_len;
    for (int ox = 0; ox < OW; ++ox) {
      for (int ky = 0; ky < KH; ++ky) {
        const int iy = oy * g.y.stride - g.y.pad_before + ky;
        for (int kx = 0; kx < KW; ++kx) {
          const int ix = ox * g.x.stride - g.x.pad_before + kx;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W)
            std::memset(dst, 0, sizeof(T) * C);
          else
            std::memcpy(dst, x + ((static_cast<long>(n) * H + iy) * W + ix) * C, sizeof(T) * C);
          dst += C;
        }
      }
    }
  }
}

// The adjoint of im2col: x = 0, then every column entry is added back to the pixel it came from.
// Parallel over images, so no two threads ever add to the same pixel.
template <class T>
void col2im(const ConvGeometry& g, const T* cols, T* x) {
  const int H = g.y.in, W = g.x.in, C = g.channels, OH = g.y.out, OW = g.x.out;
  const int KH = g.y.kernel, KW = g.x.kernel;
  const long row_len = static_cast<long>(KH) * KW * C;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < g.batch; ++n) {
    T* xn = x + static_cast<long>(n) * H * W * C;
    std::fill(xn, xn + static_cast<long>(H) * W * C, T(0));
    const T* src = cols + static_cast<long>(n) * OH * OW * row_len;
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox)
        for (int ky = 0; ky < KH; ++ky) {
          const int iy = oy * g.y.stride - g.y.pad_before + ky;
          for (int kx = 0; kx < KW; ++kx, src += C) {
            const int ix = ox * g.x.stride - g.x.pad_before + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            T* dst = xn + (static_cast<long>(iy) * W + ix) * C;
            for (int c = 0; c < C; ++c) dst[c] += src[c];
          }
        }
  }
}

}  // namespace ganlite
