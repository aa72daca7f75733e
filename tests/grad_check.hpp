// tests/grad_check.hpp — the one gradient checker every layer and loss goes through.
//
// For a layer f and a random upstream gradient g, the scalar L(x, p) = sum(f(x; p) * g) has
// dL/dx = backward(g) and dL/dp = the accumulated parameter gradients. Each analytic entry is
// compared with the central difference (L(+h) - L(-h)) / 2h in double precision:
//   |analytic - numeric| <= kTol * max(1, |numeric|),  kTol = 1e-6, h = 1e-5.
// It also checks that backward ADDS to parameter gradients (a second backward doubles them) and
// leaves its caches intact (the second dx equals the first).
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <ganlite/ganlite.hpp>
#include <string>
#include <vector>

namespace gradcheck {

using ganlite::Layer;
using ganlite::Mode;
using ganlite::Shape;
using ganlite::Tensor;

inline constexpr double kTol = 1e-6;
inline constexpr double kStep = 1e-5;
inline constexpr std::size_t kMaxChecksPerTensor = 150;  // random subset beyond this size

inline Tensor<double> random_tensor(const Shape& s, ganlite::Rng& rng) {
  Tensor<double> t(s);
  for (auto& v : t) v = rng.normal();
  return t;
}

inline double dot(const Tensor<double>& a, const Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

inline std::vector<std::size_t> indices_to_check(std::size_t n, ganlite::Rng& rng) {
  std::vector<std::size_t> idx;
  if (n <= kMaxChecksPerTensor) {
    for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
  } else {
    idx = {0, n - 1};
    while (idx.size() < kMaxChecksPerTensor) idx.push_back(static_cast<std::size_t>(rng.below(n)));
  }
  return idx;
}

// Compares analytic with numeric derivatives of `loss` wrt every checked entry of `target`.
inline void compare(const std::string& what, Tensor<double>& target, const Tensor<double>& analytic,
                    const std::function<double()>& loss, ganlite::Rng& rng) {
  REQUIRE(analytic.shape() == target.shape());
  double worst = 0;
  for (std::size_t i : indices_to_check(target.size(), rng)) {
    const double saved = target[i];
    target[i] = saved + kStep;
    const double lp = loss();
    target[i] = saved - kStep;
    const double lm = loss();
    target[i] = saved;
    const double numeric = (lp - lm) / (2 * kStep);
    const double err = std::abs(analytic[i] - numeric) / std::max(1.0, std::abs(numeric));
    worst = std::max(worst, err);
    if (err > kTol) {
      INFO(what << " [" << i << "]: analytic " << analytic[i] << " numeric " << numeric);
      CHECK(err <= kTol);
      return;
    }
  }
  INFO(what << ": worst relative error " << worst);
  CHECK(worst <= kTol);
}

// before_forward runs before every forward (e.g. to reset a Dropout Rng so each evaluation
// draws the same mask).
inline void check_layer(Layer<double>& layer, const Shape& input_shape, Mode mode = Mode::Train,
                        std::uint64_t seed = 1, const std::function<void()>& before_forward = [] {}) {
  ganlite::Rng rng(seed);
  Tensor<double> x = random_tensor(input_shape, rng);
  before_forward();
  const Tensor<double> y = layer.forward(x, mode);
  const Tensor<double> g = random_tensor(y.shape(), rng);
  auto loss = [&] {
    before_forward();
    return dot(layer.forward(x, mode), g);
  };

  for (auto* p : layer.grads()) p->zero();
  before_forward();
  layer.forward(x, mode);
  const Tensor<double> dx = layer.backward(g);
  std::vector<Tensor<double>> once;
  for (auto* p : layer.grads()) once.push_back(*p);

  // backward accumulates and does not disturb its caches
  const Tensor<double> dx2 = layer.backward(g);
  REQUIRE(dx2.shape() == dx.shape());
  for (std::size_t i = 0; i < dx.size(); ++i) REQUIRE(dx2[i] == dx[i]);
  auto grads = layer.grads();
  for (std::size_t k = 0; k < grads.size(); ++k)
    for (std::size_t i = 0; i < grads[k]->size(); ++i)
      REQUIRE((*grads[k])[i] == doctest::Approx(2 * once[k][i]).epsilon(1e-12));

  compare(layer.type() + " dx", x, dx, loss, rng);
  auto params = layer.params();
  REQUIRE(params.size() == once.size());
  for (std::size_t k = 0; k < params.size(); ++k)
    compare(layer.type() + " dparam" + std::to_string(k), *params[k], once[k], loss, rng);
}

// A loss: f(z) -> scalar, writing dL/dz into dz when non-null.
inline void check_loss(const std::string& name, const std::function<double(const Tensor<double>&, Tensor<double>*)>& f,
                       Tensor<double> z, std::uint64_t seed = 1) {
  ganlite::Rng rng(seed);
  Tensor<double> dz;
  f(z, &dz);
  compare(name, z, dz, [&] { return f(z, nullptr); }, rng);
}

}  // namespace gradcheck
