// Every float convolution method (kernels/conv_method.hpp) against the double reference, through
// the layers, at shapes that select it (batch 32: the fast paths need at least 32 images).
// Each case first checks which methods the layer reports for its shape (what summary() shows),
// so a change of threshold that stops selecting a path fails here rather than leaving it untested.
// Tolerance: max |float - double| <= 1e-5 * max(1, max |double|) for the output, the input
// gradient and each parameter gradient (sums of up to 1,152 products of values below 1; the
// errors seen are below 6e-7 of the scale).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <ganlite/ganlite.hpp>
#include <string>

using namespace ganlite;

namespace {

constexpr int kBatch = 32;

template <class T>
Tensor<T> random_tensor(const Shape& s, Rng& r) {
  Tensor<T> t(s);
  for (auto& v : t) v = static_cast<T>(r.uniform() * 2 - 1);
  return t;
}

Tensor<float> to_float(const Tensor<double>& d) {
  Tensor<float> f(d.shape());
  for (std::size_t i = 0; i < d.size(); ++i) f[i] = static_cast<float>(d[i]);
  return f;
}

void check_close(const Tensor<float>& got, const Tensor<double>& want, const std::string& what) {
  REQUIRE(got.shape() == want.shape());
  double err = 0, scale = 1;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::abs(got[i] - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  INFO(what << ": max error " << err << ", scale " << scale);
  CHECK(err <= 1e-5 * scale);
}

// The float layer with the double layer's weights; forward and backward of both on the same x
// and dy; every output and gradient compared.
template <template <class> class L>
void compare_with_reference(const Conv2dOptions& options, const Shape& in, const std::string& methods) {
  Rng init(7), data(8);
  L<double> ref(options, init);
  L<float> fast(options, init);
  CHECK(fast.methods(in, kBatch) == methods);
  for (std::size_t k = 0; k < ref.params().size(); ++k) *fast.params()[k] = to_float(*ref.params()[k]);
  Shape xs{kBatch};
  xs.insert(xs.end(), in.begin(), in.end());
  const Tensor<double> x = random_tensor<double>(xs, data);
  const Tensor<float> xf = to_float(x);
  const Tensor<double>& y = ref.forward(x, Mode::Train);
  const Tensor<float>& yf = fast.forward(xf, Mode::Train);
  check_close(yf, y, "output");
  const Tensor<double> dy = random_tensor<double>(y.shape(), data);
  const Tensor<float> dyf = to_float(dy);
  check_close(fast.backward(dyf), ref.backward(dy), "input gradient");
  for (std::size_t k = 0; k < ref.grads().size(); ++k) check_close(*fast.grads()[k], *ref.grads()[k], "parameter gradient");
}

}  // namespace

TEST_CASE("Conv2D, 16 channels, stride 1: forward by position, input gradient by pixel phase") {
  compare_with_reference<Conv2D>(Conv2dOptions(16, 8, 3).padding(Padding::Same), {6, 6, 16},
                                 "forward by-position, weights gathered, input gradient pixel-phase");
}

TEST_CASE("Conv2D, 128 channels, stride 2: weights by tap, input gradient fused with col2im") {
  compare_with_reference<Conv2D>(Conv2dOptions(128, 8, 3).stride(2).padding(Padding::Same), {6, 6, 128},
                                 "forward by-position, weights by-tap, input gradient fused-col2im");
}

TEST_CASE("Conv2DTranspose to 128 channels, stride 2: forward fused with col2im, weights by tap") {
  compare_with_reference<Conv2DTranspose>(Conv2dOptions(8, 128, 3).stride(2).padding(Padding::Same), {3, 3, 8},
                                          "forward fused-col2im, weights by-tap, input gradient by-position");
}

TEST_CASE("Conv2D with 520 filters, stride 2: input gradient through the column matrix; few channels: gathered") {
  compare_with_reference<Conv2D>(Conv2dOptions(4, 520, 3).stride(2).padding(Padding::Same).bias(false), {4, 4, 4},
                                 "forward gathered, weights gathered, input gradient column-matrix");
}

TEST_CASE("Conv2DTranspose, stride 1, 'valid': forward by pixel phase") {
  compare_with_reference<Conv2DTranspose>(Conv2dOptions(16, 16, 3).bias(false), {5, 5, 16},
                                          "forward pixel-phase, weights gathered, input gradient by-position");
}

TEST_CASE("summary() lists the methods of each convolution at the batch asked for") {
  Rng init(1), drop(2);
  Sequential<float> d = make_discriminator<float>(init, drop);
  const std::string at32 = d.summary(32), at8 = d.summary(8);
  CHECK(at32.find("Methods at batch 32") != std::string::npos);
  CHECK(at32.find("conv2d_1 (Conv2D)") != std::string::npos);
  CHECK(at32.find("forward by-position") != std::string::npos);
  CHECK(at8.find("forward by-position") == std::string::npos);  // too few images per position
  Sequential<double> g = make_generator<double>(init);
  CHECK(g.summary().find("Methods at batch 256") != std::string::npos);
  CHECK(g.summary().find("weights reference") != std::string::npos);
}
