// Behaviour that a gradient check cannot see: BatchNorm statistics, Dropout statistics, Adam's
// arithmetic, the seed models' summaries, and weight files.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <fstream>
#include <limits>
#include <vector>
#include <ganlite/ganlite.hpp>
#include <string>

using namespace ganlite;

TEST_CASE("BatchNorm: Train uses batch statistics and updates running ones; Eval uses running ones") {
  BatchNorm<double> bn(2);
  Tensor<double> x({4, 2});
  const double vals[8] = {1, 10, 2, 20, 3, 30, 4, 40};
  std::copy(vals, vals + 8, x.begin());
  const Tensor<double> y = bn.forward(x, Mode::Train);
  // channel 0: mean 2.5, biased var 1.25 -> (1 - 2.5) / sqrt(1.25 + 1e-3)
  CHECK(y[0] == doctest::Approx((1 - 2.5) / std::sqrt(1.25 + 1e-3)));
  CHECK(bn.moving_mean()[0] == doctest::Approx(0.01 * 2.5));
  CHECK(bn.moving_variance()[0] == doctest::Approx(0.99 * 1 + 0.01 * 1.25));
  CHECK(bn.moving_mean()[1] == doctest::Approx(0.01 * 25));
  // Eval: y = (x - moving_mean) / sqrt(moving_var + eps) with gamma 1, beta 0
  const Tensor<double> e = bn.forward(x, Mode::Eval);
  CHECK(e[3] == doctest::Approx((20 - 0.25) / std::sqrt(0.99 + 0.01 * 125 + 1e-3)));
  CHECK(bn.moving_mean()[0] == doctest::Approx(0.025));  // Eval does not update
}

// Row blocks of 2048 and column chunks of 256 are fixed, so the sums cannot depend on the thread
// count; within one block they are plain sequential sums.
TEST_CASE("column_sums: sequential sums per column, bit-identical for 1, 2 and 3 threads") {
  Rng rng(21);
  const int before = num_threads();
  for (auto [rows, cols] : {std::pair<long, int>{50176, 64}, {12544, 128}, {256, 12544}, {5000, 300}, {7, 3}, {2048, 1}}) {
    std::vector<float> x(static_cast<std::size_t>(rows) * cols);
    for (auto& v : x) v = static_cast<float>(rng.normal());
    auto value = [&](long r, int c) { return x[r * cols + c]; };
    std::vector<double> one(cols), two(cols), three(cols);
    set_num_threads(1);
    column_sums(rows, cols, value, one.data());
    set_num_threads(2);
    column_sums(rows, cols, value, two.data());
    set_num_threads(3);
    column_sums(rows, cols, value, three.data());
    CAPTURE(rows);
    CAPTURE(cols);
    CHECK(one == two);
    CHECK(one == three);
    double worst = 0;
    for (int c = 0; c < cols; ++c) {
      double seq = 0;
      for (long r = 0; r < rows; ++r) seq += x[r * cols + c];
      worst = std::max(worst, std::abs(seq - one[c]));
      if (rows <= 2048) CHECK(seq == one[c]);
    }
    CHECK(worst < 1e-9);
  }
  set_num_threads(before);
}

TEST_CASE("Dropout keeps the expected fraction and scale, and is the identity in Eval") {
  Rng rng(5);
  Dropout<float> d(0.3, rng);
  Tensor<float> x({100, 1000}, 1.0f);
  const Tensor<float>& y = d.forward(x, Mode::Train);
  std::size_t kept = 0;
  for (float v : y) {
    if (v != 0.0f) {
      ++kept;
      CHECK(v == doctest::Approx(1.0 / 0.7));
    }
  }
  const double frac = double(kept) / y.size();
  CHECK(frac == doctest::Approx(0.7).epsilon(0.01));  // 1e5 draws: sd of the fraction ~0.0015
  const Tensor<float>& e = d.forward(x, Mode::Eval);
  CHECK(&e == &x);
  Tensor<float> g({100, 1000}, 2.0f);
  CHECK(&d.backward(g) == &g);
}

TEST_CASE("Adam: first steps equal hand-computed values (Keras rule)") {
  Tensor<double> p({2}), g({2});
  p[0] = 1.0, p[1] = -2.0;
  Adam<double> opt({&p}, {&g}, AdamConfig{0.1, 0.9, 0.999, 1e-7});
  g[0] = 0.5, g[1] = -1.0;
  opt.step();
  // t=1: m = 0.1 g, v = 0.001 g^2, alpha = 0.1 sqrt(0.001)/0.1 -> step = alpha * m / (sqrt(v) + eps)
  const double a1 = 0.1 * std::sqrt(1 - 0.999) / (1 - 0.9);
  const double m0 = 0.05, v0 = 0.001 * 0.25;
  CHECK(p[0] == doctest::Approx(1.0 - a1 * m0 / (std::sqrt(v0) + 1e-7)).epsilon(1e-12));
  g[0] = -0.25, g[1] = 0.0;
  opt.step();
  const double a2 = 0.1 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.81);
  const double m1 = 0.9 * m0 + 0.1 * -0.25, v1 = 0.999 * v0 + 0.001 * 0.0625;
  const double p1 = 1.0 - a1 * m0 / (std::sqrt(v0) + 1e-7) - a2 * m1 / (std::sqrt(v1) + 1e-7);
  CHECK(p[0] == doctest::Approx(p1).epsilon(1e-12));
  CHECK(opt.state().step == 2);
  CHECK(opt.state().m[0][1] == doctest::Approx(0.9 * 0.1 * -1.0));
}

TEST_CASE("Adam: state round trip continues identically") {
  Tensor<float> p1({3}, 1.0f), g1({3}, 0.5f), p2({3}, 1.0f), g2({3}, 0.5f);
  Adam<float> a({&p1}, {&g1}, AdamConfig{1e-2}), b({&p2}, {&g2}, AdamConfig{1e-2});
  a.step();
  b.set_state(a.state());
  p2 = p1;
  a.step();
  b.step();
  for (int i = 0; i < 3; ++i) CHECK(p1[i] == p2[i]);
}

TEST_CASE("seed model summaries show the seed's parameter counts") {
  Rng init(1), drop(2);
  auto g = make_generator<float>(init);
  auto d = make_discriminator<float>(init, drop);
  CHECK(g.param_count() == 2330944);
  CHECK(g.trainable_count() == 2305472);
  CHECK(d.param_count() == 212865);
  CHECK(d.trainable_count() == 212865);
  const std::string gs = g.summary(), ds = d.summary();
  CHECK(gs.find("Total params: 2,330,944") != std::string::npos);
  CHECK(gs.find("Trainable params: 2,305,472") != std::string::npos);
  CHECK(gs.find("Non-trainable params: 25,472") != std::string::npos);
  CHECK(gs.find("conv2d_transpose_2 (Conv2DTranspose)") != std::string::npos);
  CHECK(gs.find("(None, 28, 28, 1)") != std::string::npos);
  CHECK(ds.find("Total params: 212,865") != std::string::npos);
  CHECK(ds.find("(None, 7, 7, 128)") != std::string::npos);
  CHECK(g.output_shape() == Shape{28, 28, 1});
  CHECK(d.output_shape() == Shape{1});
}

TEST_CASE("Glorot-uniform: within Keras' limit, zero-mean, fills the range") {
  Rng rng(3);
  Tensor<float> w({5, 5, 64, 128});
  glorot_uniform(w, rng);
  const double limit = std::sqrt(6.0 / (25 * 64 + 25 * 128));
  double lo = 1, hi = -1, sum = 0;
  for (float v : w) lo = std::min(lo, double(v)), hi = std::max(hi, double(v)), sum += v;
  CHECK(lo >= -limit);
  CHECK(hi <= limit);
  CHECK(hi > 0.99 * limit);
  CHECK(std::abs(sum / w.size()) < 0.01 * limit);
}

static std::string temp_path(const char* name) { return std::string("/tmp/ganlite_test_") + name; }

TEST_CASE("weights: save then load gives identical outputs, BatchNorm statistics included") {
  Rng init(7), drop(8);
  auto g = make_generator<float>(init);
  Tensor<float> z({4, 100});
  for (auto& v : z) v = static_cast<float>(init.normal());
  g.forward(z, Mode::Train);  // moves the BatchNorm running statistics away from their init
  const std::string path = temp_path("gen.weights");
  save_weights(g, path);
  const Tensor<float> before = g.forward(z, Mode::Eval);

  Rng other(99);
  auto h = make_generator<float>(other);
  CHECK(h.forward(z, Mode::Eval)[0] != before[0]);
  load_weights(h, path);
  const Tensor<float>& after = h.forward(z, Mode::Eval);
  for (std::size_t i = 0; i < before.size(); ++i) REQUIRE(after[i] == before[i]);
  std::remove(path.c_str());
}

TEST_CASE("weights: bad files are refused with a message naming the file, model unchanged") {
  Rng init(7), drop(8);
  auto d = make_discriminator<float>(init, drop);
  const std::string path = temp_path("disc.weights");
  save_weights(d, path);
  std::string bytes = read_file(path);
  const float w0 = (*d.params()[0])[0];

  auto expect_refused = [&](const std::string& content, const char* what) {
    const std::string bad = temp_path("bad.weights");
    {
      std::ofstream(bad, std::ios::binary) << content;
    }
    try {
      load_weights(d, bad);
      FAIL("loaded a bad file: " << what);
    } catch (const IoError& e) {
      CAPTURE(what);
      CHECK(std::string(e.what()).find(bad) != std::string::npos);
    }
    CHECK((*d.params()[0])[0] == w0);
    std::remove(bad.c_str());
  };
  expect_refused(bytes.substr(0, bytes.size() / 2), "truncated");
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x10;
  expect_refused(flipped, "bit flip");
  expect_refused("PNG not a weights file at all", "foreign");
  expect_refused("", "empty");

  Rng other(1);
  auto g = make_generator<float>(other);
  CHECK_THROWS_AS(load_weights(g, path), IoError);  // a discriminator file into a generator
  CHECK_THROWS_AS(load_weights(d, temp_path("does_not_exist")), IoError);
  std::remove(path.c_str());
}

TEST_CASE("tanh_float is within 3 ulp of tanh on a dense sweep, exact at the limits, NaN stays NaN") {
  // Every float step of 2^-12 in [-12, 12], plus tiny values where tanh(x) = x.
  std::vector<float> xs;
  for (int i = -12 * 4096; i <= 12 * 4096; ++i) xs.push_back(static_cast<float>(i) / 4096.0f);
  for (float t : {1e-30f, 1e-10f, 3e-4f, 0.6249999f, 0.625f, 8.999999f, 9.0f, 50.0f, 1e30f}) {
    xs.push_back(t);
    xs.push_back(-t);
  }
  float worst_ulps = 0;
  for (float x : xs) {
    const float got = kernels::tanh_float(x);
    const float want = static_cast<float>(std::tanh(static_cast<double>(x)));
    const float ulp = std::nextafter(std::abs(want), 2.0f) - std::abs(want);
    worst_ulps = std::max(worst_ulps, std::abs(got - want) / ulp);
  }
  CHECK(worst_ulps <= 3.0f);
  CHECK(kernels::tanh_float(20.0f) == 1.0f);
  CHECK(kernels::tanh_float(-std::numeric_limits<float>::infinity()) == -1.0f);
  CHECK(kernels::tanh_float(0.0f) == 0.0f);
  CHECK(std::isnan(kernels::tanh_float(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("Tensor storage: 64-byte aligned at every size, large buffers (huge-page hint) hold their values") {
  for (std::size_t n : {std::size_t(1), std::size_t(17), std::size_t(1) << 20, (std::size_t(5) << 20) + 3}) {
    Tensor<float> t({static_cast<int>(n)});
    CAPTURE(n);
    CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % 64 == 0);
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<float>(i % 1000);
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) same = same && t[i] == static_cast<float>(i % 1000);
    CHECK(same);
    t.resize({static_cast<int>(2 * n)});  // growing moves the values into a new allocation
    same = true;
    for (std::size_t i = 0; i < n; ++i) same = same && t[i] == static_cast<float>(i % 1000);
    CHECK(same);
  }
}

TEST_CASE("average_models: every weight and BatchNorm statistic becomes the mean over the models") {
  // Three generators with different weights and moved statistics; the mean is checked per element
  // against a double sum in the same order (exact: float inputs, sum in double, one rounding).
  std::vector<Sequential<float>> gs;
  for (std::uint64_t s : {3, 4, 5}) {
    Rng init(s);
    gs.push_back(make_generator<float>(init));
    Tensor<float> z({4, 100});
    for (auto& v : z) v = static_cast<float>(init.normal());
    gs.back().forward(z, Mode::Train);
  }
  auto tensors = [](Sequential<float>& m) {
    auto t = m.params();
    for (auto* b : m.buffers()) t.push_back(b);
    return t;
  };
  std::vector<std::vector<float>> expected;
  for (std::size_t i = 0; i < tensors(gs[0]).size(); ++i) {
    std::vector<float> e(tensors(gs[0])[i]->size());
    for (std::size_t k = 0; k < e.size(); ++k)
      e[k] = static_cast<float>((double(tensors(gs[0])[i]->data()[k]) + tensors(gs[1])[i]->data()[k] + tensors(gs[2])[i]->data()[k]) / 3);
    expected.push_back(e);
  }
  average_models(gs[0], {&gs[1], &gs[2]});
  const auto after = tensors(gs[0]);
  REQUIRE(after.size() == expected.size());
  REQUIRE(after.size() == 16);  // 4 kernels, 3 BatchNorm gamma/beta pairs, 3 mean/variance pairs
  for (std::size_t i = 0; i < after.size(); ++i)
    for (std::size_t k = 0; k < expected[i].size(); ++k) REQUIRE(after[i]->data()[k] == expected[i][k]);
  CHECK(tensors(gs[1])[0]->data()[0] != after[0]->data()[0]);  // the others are read, not changed

  // Another architecture is refused, naming it; the first model is left as it was.
  Rng init(6), drop(7);
  auto d = make_discriminator<float>(init, drop);
  const float before = after[0]->data()[0];
  CHECK_THROWS_WITH_AS(average_models(gs[0], {&gs[1], &d}), doctest::Contains("model 2 of the others"), std::invalid_argument);
  CHECK(after[0]->data()[0] == before);
}
