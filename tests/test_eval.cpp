// Evaluation metrics on sets whose answers are known exactly.
#include <doctest/doctest.h>

#include <ganlite/eval/metrics.hpp>
#include <ganlite/ganlite.hpp>

using namespace ganlite;

static Tensor<float> one_hot_probs(int n, int classes, int used_classes) {
  Tensor<float> p({n, classes});
  for (int i = 0; i < n; ++i) p[static_cast<std::size_t>(i) * classes + i % used_classes] = 1.0f;
  return p;
}

TEST_CASE("Inception Score: perfectly confident and balanced = number of classes; one class = 1") {
  const ScoreSpread balanced = inception_score(one_hot_probs(1000, 10, 10), 10);
  CHECK(balanced.mean == doctest::Approx(10.0).epsilon(1e-9));
  CHECK(balanced.stddev == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(inception_score(one_hot_probs(1000, 10, 1), 10).mean == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(inception_score(one_hot_probs(1000, 10, 5), 10).mean == doctest::Approx(5.0).epsilon(1e-9));
  Tensor<float> uniform({100, 10}, 0.1f);  // no confidence at all: also 1
  CHECK(inception_score(uniform, 10).mean == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("FID: a set against itself is 0 and a shifted mean adds its squared length") {
  Rng rng(5);
  const int n = 2000, d = 8;
  Tensor<float> a({n, d}), b({n, d});
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) {
      const float v = static_cast<float>(rng.normal() * (1 + k) + (k % 3 == 0 ? rng.normal() : 0.0));
      a[i * d + k] = v;
      b[i * d + k] = v + (k == 2 ? 0.5f : 0.0f);
    }
  const Gaussian ga = fit_gaussian(a), gb = fit_gaussian(b);
  CHECK(std::abs(frechet_distance(ga, ga)) < 1e-6);
  CHECK(frechet_distance(ga, gb) == doctest::Approx(0.25).epsilon(1e-4));
  for (int i = 0; i < n; ++i) b[i * d + 2] += 0.5f;
  CHECK(frechet_distance(ga, fit_gaussian(b)) == doctest::Approx(1.0).epsilon(1e-4));
}

TEST_CASE("FID: covariance differences count, through a proper matrix square root") {
  // N(0, I) vs N(0, 4I) in d dims: FID = d (1 + 4 - 2*2) = d.
  Gaussian a{Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3)};
  Gaussian b{Eigen::VectorXd::Zero(3), 4 * Eigen::MatrixXd::Identity(3, 3)};
  CHECK(frechet_distance(a, b) == doctest::Approx(3.0));
  // A non-diagonal covariance against itself, rotated: the element-wise sqrt would not give 0.
  Eigen::MatrixXd c(2, 2);
  c << 2.0, 1.0, 1.0, 2.0;
  Gaussian g{Eigen::VectorXd::Zero(2), c};
  CHECK(std::abs(frechet_distance(g, g)) < 1e-9);
}

TEST_CASE("class shares count the argmax of every row") {
  const std::vector<double> s = class_shares(one_hot_probs(100, 10, 4));
  CHECK(s[0] == doctest::Approx(0.25));
  CHECK(s[3] == doctest::Approx(0.25));
  CHECK(s[9] == doctest::Approx(0.0));
}
