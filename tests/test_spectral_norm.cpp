// Spectral normalization (layers/spectral_norm.hpp) beyond its gradient check (test_gradients):
// σ is the kernel's largest singular value (against Eigen's SVD) and W / σ has spectral norm 1;
// the power iteration moves u once per new kernel in Train mode and never in Eval; the layer is
// copied whole (u and all) and its state is named as archives name it; the DCGAN's D takes it.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cstring>
#include <ganlite/ganlite.hpp>

using namespace ganlite;

namespace {

// The largest singular value of a kernel seen as (size / F, F), F its last axis.
double largest_singular_value(const Tensor<double>& w) {
  const Eigen::Index F = w.shape().back(), R = static_cast<Eigen::Index>(w.size()) / F;
  Eigen::MatrixXd m(R, F);
  for (Eigen::Index r = 0; r < R; ++r)
    for (Eigen::Index f = 0; f < F; ++f) m(r, f) = w[static_cast<std::size_t>(r * F + f)];
  return Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues()(0);
}

Tensor<double> input(const Shape& s, std::uint64_t seed) {
  Rng r(seed);
  Tensor<double> x(s);
  for (auto& v : x) v = r.normal();
  return x;
}

}  // namespace

TEST_CASE("sigma is the kernel's largest singular value, and the kernel used has spectral norm 1") {
  Rng rng(1);
  SpectralNormalization<double> dense(Dense<double>(DenseOptions(9, 5), rng), rng, 500);
  SpectralNormalization<double> conv(Conv2D<double>(Conv2dOptions(3, 4, 3).stride(2), rng), rng, 500);
  for (auto [layer, in] : {std::pair<SpectralNormalization<double>*, Shape>{&dense, {2, 9}}, {&conv, {2, 6, 6, 3}}}) {
    CAPTURE(layer->wrapped().type());
    const double want = largest_singular_value(*layer->params()[0]);
    layer->forward(input(in, 2), Mode::Train);
    CHECK(layer->sigma() == doctest::Approx(want).epsilon(1e-9));
    CHECK(largest_singular_value(layer->wrapped().kernel()) == doctest::Approx(1).epsilon(1e-9));
  }
  // One iteration a step is an estimate that tightens as the kernel changes slowly, step by step.
  SpectralNormalization<double> one(Dense<double>(DenseOptions(9, 5), rng), rng);
  const Tensor<double> x = input({2, 9}, 3);
  for (int step = 0; step < 40; ++step) {
    (*one.params()[0])[0] += 1e-9;  // a new kernel each time, as after an optimizer step
    one.forward(x, Mode::Train);
  }
  CHECK(one.sigma() == doctest::Approx(largest_singular_value(*one.params()[0])).epsilon(1e-6));
}

TEST_CASE("u moves once per new kernel in Train mode, never in Eval mode") {
  Rng rng(4);
  SpectralNormalization<float> sn(Conv2D<float>(Conv2dOptions(2, 3, 3), rng), rng);
  Tensor<float> x({1, 5, 5, 2});
  for (auto& v : x) v = static_cast<float>(rng.normal());
  const Tensor<float> u0 = *sn.buffers()[0];
  auto same = [](const Tensor<float>& a, const Tensor<float>& b) { return std::memcmp(a.data(), b.data(), a.size() * 4) == 0; };

  sn.forward(x, Mode::Eval);
  CHECK(same(*sn.buffers()[0], u0));  // Eval: u as it is
  sn.forward(x, Mode::Train);
  const Tensor<float> u1 = *sn.buffers()[0];
  CHECK(!same(u1, u0));  // the first Train pass moves it
  const Tensor<float> y1 = sn.forward(x, Mode::Train);
  CHECK(same(*sn.buffers()[0], u1));  // the same kernel again (D's second pass of a step): not again
  (*sn.params()[0])[0] += 0.5f;
  sn.forward(x, Mode::Eval);
  CHECK(same(*sn.buffers()[0], u1));  // a new kernel in Eval mode: still not
  sn.forward(x, Mode::Train);
  CHECK(!same(*sn.buffers()[0], u1));  // in Train mode: once

  // A copy has the same u and computes the same; the state is named as archives name it.
  (*sn.params()[0])[0] -= 0.5f;
  SpectralNormalization<float> fresh(Conv2D<float>(Conv2dOptions(2, 3, 3), rng), rng);
  Sequential<float> net("d", {5, 5, 2});
  net.add(std::move(sn));
  auto copy = net.clone();
  const Tensor<float> a = net.forward(x, Mode::Eval), b = copy.forward(x, Mode::Eval);
  CHECK(same(a, b));
  std::vector<std::string> names;
  for (const auto& n : net.named_state()) names.push_back(n.first);
  CHECK(names == std::vector<std::string>{"spectral_normalization/kernel", "spectral_normalization/bias", "spectral_normalization/vector_u"});
  (void)fresh;
}

TEST_CASE("a zero kernel is refused by name, not divided by") {
  Rng rng(5);
  SpectralNormalization<float> sn(Dense<float>(DenseOptions(3, 2), rng), rng);
  sn.set_name("critic_out");
  sn.params()[0]->zero();
  Tensor<float> x({1, 3});
  CHECK_THROWS_WITH(sn.forward(x, Mode::Train), doctest::Contains("SpectralNormalization critic_out: the kernel's spectral norm is 0"));
}

TEST_CASE("the DCGAN's discriminator with spectral_norm: every Conv2D and the Dense normalized, the same parameters") {
  Rng a(7), b(7), drop(8);
  Sequential<float> plain = make_discriminator<float>(a, drop), sn = make_discriminator<float>(b, drop, 0.3, 1, true);
  int wrapped = 0;
  for (std::size_t i = 0; i < sn.size(); ++i) wrapped += sn.layer(i).type() == "SpectralNormalization";
  CHECK(wrapped == 3);
  CHECK(plain.params().size() == sn.params().size());
  CHECK(sn.non_trainable_count() == plain.non_trainable_count() + 64 + 128 + 1);  // the u vectors
  CHECK(plain.trainable_count() == sn.trainable_count());
  Tensor<float> x({2, 28, 28, 1});
  for (auto& v : x) v = static_cast<float>(a.uniform() * 2 - 1);
  const Tensor<float>& y = sn.forward(x, Mode::Eval);
  CHECK(y.dim(0) == 2);
  CHECK(std::isfinite(y[0]));
}
