// Conv2D, Conv2DTranspose and MaxPool2D forward (float, through the fast GEMM and im2col)
// against direct loops written from the definitions, in double. Tolerance: 1e-4 relative to
// the largest output magnitude (float accumulation over up to ~100 terms).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <ganlite/ganlite.hpp>
#include <limits>

#include "kernels_here.hpp"

using namespace ganlite;

static Tensor<float> random_image(int n, int h, int w, int c, Rng& rng) {
  Tensor<float> x({n, h, w, c});
  for (auto& v : x) v = static_cast<float>(rng.normal());
  return x;
}

static void check_close(const Tensor<float>& got, const Tensor<double>& want) {
  REQUIRE(got.shape() == want.shape());
  double scale = 1e-12, worst = 0;
  for (double v : want) scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]) / scale);
  CHECK(worst < 1e-4);
}

// Definition: y[n,oy,ox,f] = b[f] + sum x[n, oy*s - pt + ky, ox*s - pl + kx, c] * W[ky,kx,c,f]
static Tensor<double> conv2d_direct(const Tensor<float>& x, const Tensor<float>& w, const Tensor<float>* b, int s,
                                    Padding p) {
  const int N = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3), K = w.dim(0), F = w.dim(3);
  const AxisGeometry gy = conv_axis(H, K, s, p), gx = conv_axis(W, K, s, p);
  Tensor<double> y({N, gy.out, gx.out, F});
  for (int n = 0; n < N; ++n)
    for (int oy = 0; oy < gy.out; ++oy)
      for (int ox = 0; ox < gx.out; ++ox)
        for (int f = 0; f < F; ++f) {
          double acc = b ? (*b)[f] : 0.0;
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx) {
              const int iy = oy * s - gy.pad_before + ky, ix = ox * s - gx.pad_before + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (int c = 0; c < C; ++c)
                acc += double(x[((n * H + iy) * W + ix) * C + c]) * w[((ky * K + kx) * C + c) * F + f];
            }
          y[((n * gy.out + oy) * gx.out + ox) * F + f] = acc;
        }
  return y;
}

// Definition (scatter form): every input pixel adds x[n,iy,ix,c] * W[ky,kx,f,c] to output
// (iy*s - pt + ky, ix*s - pl + kx), where pt, pl are the padding of the conv from y back to x.
static Tensor<double> conv2d_transpose_direct(const Tensor<float>& x, const Tensor<float>& w, int s, Padding p) {
  const int N = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3), K = w.dim(0), F = w.dim(2);
  const int OH = conv_transpose_out(H, K, s, p), OW = conv_transpose_out(W, K, s, p);
  const AxisGeometry gy = conv_axis(OH, K, s, p), gx = conv_axis(OW, K, s, p);
  Tensor<double> y({N, OH, OW, F});
  for (int n = 0; n < N; ++n)
    for (int iy = 0; iy < H; ++iy)
      for (int ix = 0; ix < W; ++ix)
        for (int ky = 0; ky < K; ++ky)
          for (int kx = 0; kx < K; ++kx) {
            const int oy = iy * s - gy.pad_before + ky, ox = ix * s - gx.pad_before + kx;
            if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
            for (int f = 0; f < F; ++f)
              for (int c = 0; c < C; ++c)
                y[((n * OH + oy) * OW + ox) * F + f] += double(x[((n * H + iy) * W + ix) * C + c]) * w[((ky * K + kx) * F + f) * C + c];
          }
  return y;
}

TEST_CASE("Conv2D forward equals the direct loop") {
  for (int s : {1, 2})
    for (Padding p : {Padding::Same, Padding::Valid})
      for (int k : {5, 2}) {
        Rng rng(100 + s * 10 + k);
        Conv2D<float> conv(Conv2dOptions(3, 5, k).stride(s).padding(p), rng);
        for (auto& v : *conv.params()[1]) v = static_cast<float>(rng.normal());
        Tensor<float> x = random_image(3, 9, 8, 3, rng);
        CAPTURE(s);
        CAPTURE(k);
        CAPTURE(padding_name(p));
        check_close(conv.forward(x, Mode::Eval), conv2d_direct(x, *conv.params()[0], conv.params()[1], s, p));
      }
}

TEST_CASE("Conv2DTranspose forward equals the direct loop") {
  for (int s : {1, 2})
    for (Padding p : {Padding::Same, Padding::Valid})
      for (int k : {5, 2}) {
        Rng rng(200 + s * 10 + k);
        for (int filters : {4, 17}) {
          Conv2DTranspose<float> conv(Conv2dOptions(3, filters, k).stride(s).padding(p).bias(false), rng);
          Tensor<float> x = random_image(2, 7, 6, 3, rng);
          CAPTURE(s);
          CAPTURE(k);
          CAPTURE(filters);
          CAPTURE(padding_name(p));
          check_close(conv.forward(x, Mode::Eval), conv2d_transpose_direct(x, *conv.params()[0], s, p));
        }
      }
}

// The pixel-phase adjoint (kernels/conv_adjoint.hpp) on its own, whatever adjoint_method (conv_method.hpp) says:
// strides 1-3, kernels smaller than, equal to and larger than the stride (kernel 1 at stride 2
// leaves three of the four phases empty), odd sizes, few and many channels, float and double.
TEST_CASE("conv_adjoint equals the direct transposed-convolution loop") {
  struct Case { int h, w, c, f, k, s; Padding p; };
  const Case cases[] = {{7, 7, 5, 17, 5, 2, Padding::Same},  {7, 6, 3, 4, 5, 2, Padding::Valid}, {5, 4, 2, 3, 3, 3, Padding::Same},
                        {4, 5, 3, 2, 1, 2, Padding::Valid},  {6, 6, 4, 16, 2, 2, Padding::Same}, {3, 5, 1, 1, 4, 3, Padding::Valid},
                        {7, 7, 8, 5, 5, 1, Padding::Same},   {5, 3, 2, 6, 3, 1, Padding::Valid}, {2, 2, 3, 3, 5, 2, Padding::Same}};
  for (const Case& cs : cases) {
    Rng rng(300 + cs.k * 7 + cs.s);
    Tensor<float> x = random_image(2, cs.h, cs.w, cs.c, rng), w({cs.k, cs.k, cs.f, cs.c});
    for (auto& v : w) v = static_cast<float>(rng.normal());
    const int OH = conv_transpose_out(cs.h, cs.k, cs.s, cs.p), OW = conv_transpose_out(cs.w, cs.k, cs.s, cs.p);
    const ConvGeometry g{2, cs.f, conv_axis(OH, cs.k, cs.s, cs.p), conv_axis(OW, cs.k, cs.s, cs.p)};
    const Tensor<double> want = conv2d_transpose_direct(x, w, cs.s, cs.p);
    CAPTURE(cs.h);
    CAPTURE(cs.k);
    CAPTURE(cs.s);
    CAPTURE(padding_name(cs.p));
    Tensor<float> got({2, OH, OW, cs.f}, 123.0f);  // overwritten everywhere, including unreachable pixels
    conv_adjoint(g, cs.c, cs.f, x.data(), w.data(), got.data());
    check_close(got, want);
    Tensor<double> xd(x.shape()), wd(w.shape()), gotd({2, OH, OW, cs.f}, 123.0);
    std::copy(x.begin(), x.end(), xd.begin());
    std::copy(w.begin(), w.end(), wd.begin());
    conv_adjoint(g, cs.c, cs.f, xd.data(), wd.data(), gotd.data());
    double worst = 0;
    for (std::size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(gotd[i] - want[i]));
    CHECK(worst < 1e-12);
  }
}

// The column path of the transposed convolution in float (kernels/gemm_col2im.hpp: each tile of
// u W^T added into v as soon as it is computed) against the direct loop, on every micro-kernel
// the CPU has: v-channel counts that are and are not multiples of the kernels' NR (column
// slivers straddling two taps), strides 2 and 3, 'valid' padding, a kernel smaller than the
// stride, several images per thread and per block; its result must not depend on the thread count.
TEST_CASE("transposed convolution with GEMM tiles added straight into the image equals the direct loop") {
  struct Case { int b, h, w, c, f, k, s; Padding p; };
  const Case cases[] = {{13, 7, 7, 16, 64, 5, 2, Padding::Same}, {3, 7, 6, 5, 17, 5, 2, Padding::Valid},
                        {4, 5, 4, 9, 3, 3, 3, Padding::Same},    {7, 4, 5, 3, 40, 1, 2, Padding::Valid},
                        {2, 9, 9, 33, 8, 4, 2, Padding::Same}};
  for (const Case& cs : cases) {
    Rng rng(500 + cs.f);
    Tensor<float> x = random_image(cs.b, cs.h, cs.w, cs.c, rng), w({cs.k, cs.k, cs.f, cs.c});
    for (auto& v : w) v = static_cast<float>(rng.normal());
    const int OH = conv_transpose_out(cs.h, cs.k, cs.s, cs.p), OW = conv_transpose_out(cs.w, cs.k, cs.s, cs.p);
    const ConvGeometry g{cs.b, cs.f, conv_axis(OH, cs.k, cs.s, cs.p), conv_axis(OW, cs.k, cs.s, cs.p)};
    const Tensor<double> want = conv2d_transpose_direct(x, w, cs.s, cs.p);
    CAPTURE(cs.f);
    CAPTURE(cs.s);
    auto run = [&](float* got) {
      kernels::with_active_kernel([&](auto kernel) {
        kernels::gemm_col2im<decltype(kernel)>(g, cs.c, cs.f, x.data(), w.data(), got);
      });
    };
    for (GemmKernel k : kernels_here()) {
      set_gemm_kernel(k);
      CAPTURE(gemm_kernel_name(k));
      // The micro-kernels add their rows into v unchecked by AddressSanitizer: 64 guard floats
      // on each side must stay untouched. Everything between is overwritten.
      constexpr int kGuard = 64;
      Tensor<float> got({cs.b, OH, OW, cs.f});
      std::vector<float> guarded(got.size() + 2 * kGuard, 123.0f);
      run(guarded.data() + kGuard);
      std::copy(guarded.begin() + kGuard, guarded.end() - kGuard, got.begin());
      check_close(got, want);
      CHECK(std::all_of(guarded.begin(), guarded.begin() + kGuard, [](float f) { return f == 123.0f; }));
      CHECK(std::all_of(guarded.end() - kGuard, guarded.end(), [](float f) { return f == 123.0f; }));
    }
    set_gemm_kernel(GemmKernel::Auto);
    const int before = num_threads();
    Tensor<float> one({cs.b, OH, OW, cs.f}), two({cs.b, OH, OW, cs.f});
    set_num_threads(1);
    run(one.data());
    set_num_threads(2);
    run(two.data());
    set_num_threads(before);
    CHECK(std::equal(one.begin(), one.end(), two.begin()));
  }
}

TEST_CASE("Conv2DTranspose output sizes follow Keras") {
  Rng rng(1);
  CHECK(Conv2DTranspose<float>(Conv2dOptions(8, 4, 5).stride(2).padding(Padding::Same).bias(false), rng).output_shape({7, 7, 8}) == Shape{14, 14, 4});
  CHECK(Conv2DTranspose<float>(Conv2dOptions(8, 4, 5).stride(2).bias(false), rng).output_shape({7, 7, 8}) == Shape{17, 17, 4});
  CHECK(Conv2DTranspose<float>(Conv2dOptions(8, 4, 1).stride(2).bias(false), rng).output_shape({7, 7, 8}) == Shape{14, 14, 4});
  CHECK(Conv2D<float>(Conv2dOptions(1, 4, 5).stride(2).padding(Padding::Same), rng).output_shape({28, 28, 1}) == Shape{14, 14, 4});
  CHECK(Conv2D<float>(Conv2dOptions(1, 4, 5).stride(2), rng).output_shape({28, 28, 1}) == Shape{12, 12, 4});
}

TEST_CASE("MaxPool2D forward equals the direct loop") {
  for (Padding p : {Padding::Same, Padding::Valid})
    for (int pool : {2, 3}) {
      Rng rng(300 + pool);
      MaxPool2D<float> mp(pool, 2, p);
      Tensor<float> x = random_image(2, 7, 6, 3, rng);
      const AxisGeometry gy = conv_axis(7, pool, 2, p), gx = conv_axis(6, pool, 2, p);
      Tensor<double> want({2, gy.out, gx.out, 3});
      for (int n = 0; n < 2; ++n)
        for (int oy = 0; oy < gy.out; ++oy)
          for (int ox = 0; ox < gx.out; ++ox)
            for (int c = 0; c < 3; ++c) {
              double m = -std::numeric_limits<double>::infinity();
              for (int iy = oy * 2 - gy.pad_before; iy < oy * 2 - gy.pad_before + pool; ++iy)
                for (int ix = ox * 2 - gx.pad_before; ix < ox * 2 - gx.pad_before + pool; ++ix)
                  if (iy >= 0 && iy < 7 && ix >= 0 && ix < 6) m = std::max(m, double(x[((n * 7 + iy) * 6 + ix) * 3 + c]));
              want[((n * gy.out + oy) * gx.out + ox) * 3 + c] = m;
            }
      CAPTURE(pool);
      CAPTURE(padding_name(p));
      check_close(mp.forward(x, Mode::Eval), want);
    }
}
