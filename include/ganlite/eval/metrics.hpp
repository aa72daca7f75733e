// ganlite/eval/metrics.hpp — how good are generated digits? Scores computed with a classifier.
//
// inception_score: exp(E_x KL(p(y|x) || p(y))), mean and standard deviation over equal splits.
//   A set of perfectly confident predictions spread evenly over K classes scores K; a single
//   class scores 1.
// frechet_distance: |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2) between the
//   Gaussians fitted to two feature sets (FID when the features are a classifier's penultimate
//   layer). Matrix square roots come from Eigen's SelfAdjointEigenSolver (never element-wise).
// class_shares: the fraction of samples predicted as each class (mode coverage).
#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

struct ScoreSpread {
  double mean = 0, stddev = 0;
};

// probs: (N, K) rows summing to 1.
inline ScoreSpread inception_score(const Tensor<float>& probs, int splits = 10) {
  const int n = probs.dim(0), k = probs.dim(1);
  if (splits < 1 || n < splits) throw std::invalid_argument("inception_score: need at least one sample per split");
  std::vector<double> scores;
  for (int s = 0; s < splits; ++s) {
    const int lo = static_cast<int>(static_cast<long>(n) * s / splits), hi = static_cast<int>(static_cast<long>(n) * (s + 1) / splits);
    std::vector<double> marginal(k, 0.0);
    for (int i = lo; i < hi; ++i)
      for (int c = 0; c < k; ++c) marginal[c] += probs[static_cast<std::size_t>(i) * k + c];
    for (auto& m : marginal) m /= (hi - lo);
    double kl = 0;
    for (int i = lo; i < hi; ++i)
      for (int c = 0; c < k; ++c) {
        const double p = probs[static_cast<std::size_t>(i) * k + c];
        if (p > 0) kl += p * (std::log(p) - std::log(marginal[c]));
      }
    scores.push_back(std::exp(kl / (hi - lo)));
  }
  ScoreSpread r;
  for (double v : scores) r.mean += v / splits;
  for (double v : scores) r.stddev += (v - r.mean) * (v - r.mean) / splits;
  r.stddev = std::sqrt(r.stddev);
  return r;
}

struct Gaussian {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
};

// features: (N, D). Sample covariance with N - 1 in the denominator.
inline Gaussian fit_gaussian(const Tensor<float>& features) {
  const int n = features.dim(0), d = static_cast<int>(features.size() / features.dim(0));
  if (n < 2) throw std::invalid_argument("fit_gaussian: need at least two samples");
  Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(features.data(), n, d).cast<double>();
  Gaussian g;
  g.mean = x.colwise().mean().transpose();
  x.rowwise() -= g.mean.transpose();
  g.cov = (x.transpose() * x) / (n - 1);
  return g;
}

// Square root of a symmetric positive semi-definite matrix (negative rounding noise clipped).
inline Eigen::MatrixXd sqrtm_psd(const Eigen::MatrixXd& m) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m);
  return es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal() * es.eigenvectors().transpose();
}

inline double frechet_distance(const Gaussian& a, const Gaussian& b) {
  const Eigen::MatrixXd ra = sqrtm_psd(a.cov);
  const Eigen::MatrixXd inner = ra * b.cov * ra;  // symmetric PSD, same trace-sqrt as S_a S_b
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (inner + inner.transpose()));
  const double tr_sqrt = es.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
  return (a.mean - b.mean).squaredNorm() + a.cov.trace() + b.cov.trace() - 2 * tr_sqrt;
}

// probs: (N, K) -> the fraction of rows whose argmax is each class.
inline std::vector<double> class_shares(const Tensor<float>& probs) {
  const int n = probs.dim(0), k = probs.dim(1);
  std::vector<double> share(k, 0.0);
  for (int i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < k; ++c)
      if (probs[static_cast<std::size_t>(i) * k + c] > probs[static_cast<std::size_t>(i) * k + best]) best = c;
    share[best] += 1.0 / n;
  }
  return share;
}

}  // namespace ganlite
