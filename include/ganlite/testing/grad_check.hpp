// ganlite/testing/grad_check.hpp — the gradient checker every ganlite layer and loss passes, for
// a user's own layers too (as dlib ships test_layer). No test framework needed: each check
// returns a GradCheckReport; `report.ok` and `report.text()` say how it went.
//
// For a layer f and a random upstream gradient g, the scalar L(x, p) = sum(f(x; p) * g) has
// dL/dx = backward(g) and dL/dp = the accumulated parameter gradients. Each analytic entry is
// compared with the central difference (L(+h) - L(-h)) / 2h in double precision:
//   |analytic - numeric| <= kTol * max(1, |numeric|),  kTol = 1e-6, h = 1e-5
// (every entry of a tensor up to 150 entries, else its first, its last and 148 drawn at random).
// check_layer also checks the layer contract (layers/layer.hpp): backward ADDS to parameter
// gradients (a second backward doubles them) and leaves its caches intact (the second dx equals
// the first). Build the layer with T = double.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "../layers/layer.hpp"
#include "../rng.hpp"
#include "../tensor.hpp"

namespace ganlite::gradcheck {

inline constexpr double kTol = 1e-6;
inline constexpr double kStep = 1e-5;
inline constexpr std::size_t kMaxChecksPerTensor = 150;

struct GradCheckReport {
  bool ok = true;
  double worst = 0;  // the largest relative error seen
  std::vector<std::string> failures;

  void fail(const std::string& what) {
    ok = false;
    failures.push_back(what);
  }
  void merge(const GradCheckReport& r) {
    ok = ok && r.ok;
    worst = std::max(worst, r.worst);
    failures.insert(failures.end(), r.failures.begin(), r.failures.end());
  }
  std::string text() const {
    char b[64];
    std::snprintf(b, sizeof b, "worst relative error %.3g", worst);
    std::string s = b;
    for (const auto& f : failures) s += "\n  " + f;
    return s;
  }
};

inline Tensor<double> random_tensor(const Shape& s, Rng& rng) {
  Tensor<double> t(s);
  for (auto& v : t) v = rng.normal();
  return t;
}

inline double dot(const Tensor<double>& a, const Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

inline std::vector<std::size_t> indices_to_check(std::size_t n, Rng& rng) {
  std::vector<std::size_t> idx;
  if (n <= kMaxChecksPerTensor) {
    for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
  } else {
    idx = {0, n - 1};
    while (idx.size() < kMaxChecksPerTensor) idx.push_back(static_cast<std::size_t>(rng.below(n)));
  }
  return idx;
}

// Compares analytic with numeric derivatives of `loss` with respect to the checked entries of
// `target` (stops at the first entry out of tolerance, which it names).
inline GradCheckReport compare(const std::string& what, Tensor<double>& target, const Tensor<double>& analytic,
                               const std::function<double()>& loss, Rng& rng) {
  GradCheckReport r;
  if (analytic.shape() != target.shape()) {
    r.fail(what + ": gradient shape " + shape_str(analytic.shape()) + " differs from " + shape_str(target.shape()));
    return r;
  }
  for (std::size_t i : indices_to_check(target.size(), rng)) {
    const double saved = target[i];
    target[i] = saved + kStep;
    const double lp = loss();
    target[i] = saved - kStep;
    const double lm = loss();
    target[i] = saved;
    const double numeric = (lp - lm) / (2 * kStep);
    const double err = std::abs(analytic[i] - numeric) / std::max(1.0, std::abs(numeric));
    r.worst = std::max(r.worst, err);
    if (!(err <= kTol)) {
      char b[160];
      std::snprintf(b, sizeof b, " [%zu]: analytic %.9g, numeric %.9g", i, analytic[i], numeric);
      r.fail(what + b);
      return r;
    }
  }
  return r;
}

// before_forward runs before every forward (e.g. to reset a Dropout Rng so each evaluation
// draws the same mask).
inline GradCheckReport check_layer(Layer<double>& layer, const Shape& input_shape, Mode mode = Mode::Train, std::uint64_t seed = 1,
                                   const std::function<void()>& before_forward = [] {}) {
  GradCheckReport r;
  Rng rng(seed);
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
  if (dx2.shape() != dx.shape() || !std::equal(dx.begin(), dx.end(), dx2.begin()))
    r.fail(layer.type() + ": a second backward gives another dx (backward changed its caches)");
  auto grads = layer.grads();
  for (std::size_t k = 0; k < grads.size(); ++k)
    for (std::size_t i = 0; i < grads[k]->size(); ++i)
      if (std::abs((*grads[k])[i] - 2 * once[k][i]) > 1e-12 * std::max(1.0, std::abs(2 * once[k][i]))) {
        r.fail(layer.type() + ": backward does not add to parameter gradient " + std::to_string(k));
        break;
      }

  r.merge(compare(layer.type() + " dx", x, dx, loss, rng));
  auto params = layer.params();
  if (params.size() != once.size()) r.fail(layer.type() + ": params() and grads() differ in count");
  for (std::size_t k = 0; k < std::min(params.size(), once.size()); ++k)
    r.merge(compare(layer.type() + " dparam" + std::to_string(k), *params[k], once[k], loss, rng));
  return r;
}

// A loss: f(z) -> scalar, writing dL/dz into dz when non-null.
inline GradCheckReport check_loss(const std::string& name, const std::function<double(const Tensor<double>&, Tensor<double>*)>& f,
                                  Tensor<double> z, std::uint64_t seed = 1) {
  Rng rng(seed);
  Tensor<double> dz;
  f(z, &dz);
  return compare(name, z, dz, [&] { return f(z, nullptr); }, rng);
}

}  // namespace ganlite::gradcheck
