// examples/common/image_scores.hpp — what `evaluate` says of a set of images, the same for every
// program (mnist_dcgan, mnist_vae): with a trained mnist_classifier, the Inception Score over 10
// splits, FID in the classifier's 128-d penultimate feature space against the test set of the
// data folder (MNIST or Fashion-MNIST), the share of each predicted class (mode coverage) and,
// for images asked to be a class, how often the classifier says they are.
#pragma once
#include <array>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <ganlite/eval/metrics.hpp>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <string>
#include <vector>

#include "mnist_location.hpp"

namespace examples {

using ganlite::Tensor;

inline constexpr int kClassifierClasses = 10;  // make_mnist_classifier's outputs

// Images (N, rows, cols, 1) scaled to [-1, 1], as the generators draw them.
inline Tensor<float> to_training_tensor(const ganlite::IdxDataset& ds, int count) {
  Tensor<float> x({count, ds.rows, ds.cols, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = ganlite::scaled_pixel<float>(ds.pixels[i]);
  return x;
}

// The classifier and the test set's features it scores against.
class ImageScorer {
 public:
  ImageScorer(const std::string& classifier, const std::string& data_dir) : data_dir_(data_dir) {
    using namespace ganlite;
    Rng init(0), drop(0);
    clf_ = make_mnist_classifier<float>(init, drop);
    load_weights(clf_, classifier);
    for (const Tensor<float>* p : clf_.params())
      for (float v : *p)
        if (!std::isfinite(v)) throw IoError(classifier + ": holds weights that are not finite (NaN or infinity); it can't score anything");
    const IdxDataset test = load_mnist_from(data_dir, "t10k");
    test_labels_ = test.labels;
    test_images_ = to_training_tensor(test, test.count);
    reference_ = fit_gaussian(classify(clf_, test_images_, true).features);
  }
  // The test set the scores are against, read once (N, 28, 28, 1) in [-1, 1], with its labels.
  const Tensor<float>& test_images() const { return test_images_; }
  const std::vector<std::uint8_t>& test_labels() const { return test_labels_; }

  // Prints the scores of `images` (N, 28, 28, 1) in [-1, 1]; `requested`: the class each was asked
  // to be (empty: none), with the whole table of asked by given when `confusions`.
  void print(const Tensor<float>& images, const std::string& what, const std::vector<int>& requested = {}, bool confusions = false) {
    using namespace ganlite;
    const Classified c = classify(clf_, images, true);
    const ScoreSpread is = inception_score(c.probs, 10);
    const double fid = frechet_distance(fit_gaussian(c.features), reference_);
    const std::vector<double> shares = class_shares(c.probs);
    std::printf("Scored %d %s\n", images.dim(0), what.c_str());
    std::printf("Inception Score (10 splits): %.3f +- %.3f\n", is.mean, is.stddev);
    std::printf("FID vs the test set of %s (classifier features): %.3f\n", data_dir_.c_str(), fid);
    std::printf("Predicted class shares:");
    int rarest = 0;
    for (int k = 0; k < kClassifierClasses; ++k) {
      std::printf(" %d:%.1f%%", k, 100 * shares[k]);
      if (shares[k] < shares[rarest]) rarest = k;
    }
    std::printf("\nRarest class: %d (%.1f%%)\n", rarest, 100 * shares[rarest]);
    if (!requested.empty()) print_requested_class_accuracy(c, requested, confusions);
  }

 private:
  // For each class asked for, the share of its images the classifier assigns to that class; and
  // over all images. With `confusions`, the table: row r counts the images asked to be class r
  // by the class the classifier gives them.
  static void print_requested_class_accuracy(const ganlite::Classified& c, const std::vector<int>& requested, bool confusions) {
    constexpr int K = kClassifierClasses;
    std::vector<std::array<int, K>> table(K, std::array<int, K>{});
    for (std::size_t i = 0; i < requested.size(); ++i) ++table[requested[i]][ganlite::argmax_row(c.probs, static_cast<int>(i))];
    std::vector<int> asked(K), right(K);
    int total = 0;
    for (int k = 0; k < K; ++k) {
      for (int v : table[k]) asked[k] += v;
      right[k] = table[k][k];
      total += right[k];
    }
    std::printf("Requested-class accuracy: %.2f%% (%d of %zu)\nPer class:", 100.0 * total / requested.size(), total, requested.size());
    for (int k = 0; k < K; ++k)
      if (asked[k]) std::printf(" %d:%.1f%%", k, 100.0 * right[k] / asked[k]);
    std::printf("\n");
    if (!confusions) return;
    std::printf("Confusions (row: class asked for, column: class given by the classifier):\n     ");
    for (int k = 0; k < K; ++k) std::printf(" %5d", k);
    for (int r = 0; r < K; ++r) {
      if (!asked[r]) continue;
      std::printf("\n  %d: ", r);
      for (int k = 0; k < K; ++k) std::printf(" %5d", table[r][k]);
    }
    std::printf("\n");
  }

  std::string data_dir_;
  ganlite::Sequential<float> clf_{"classifier", ganlite::Shape{28, 28, 1}};
  ganlite::Gaussian reference_;
  Tensor<float> test_images_;
  std::vector<std::uint8_t> test_labels_;
};

}  // namespace examples
