// examples/mnist_dcgan/evaluate.hpp — `mnist_dcgan evaluate`: scores generated digits (or, with
// --real, real training digits) with a trained mnist_classifier:
//   Inception Score over 10 splits, FID in the classifier's 128-d penultimate feature space
//   against the test set of --data (MNIST or Fashion-MNIST), and the share of each predicted class (mode coverage).
#pragma once
#include <array>
#include <ganlite/eval/metrics.hpp>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>

#include "../common/mnist_location.hpp"
#include "sampling.hpp"

namespace mnist_dcgan {

// Images (N, rows, cols, 1) scaled to [-1, 1], as the generator draws them.
inline Tensor<float> to_training_tensor(const IdxDataset& ds, int count) {
  Tensor<float> x({count, ds.rows, ds.cols, 1});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = scaled_pixel<float>(ds.pixels[i]);
  return x;
}

struct EvalOptions {
  std::string checkpoint, classifier, data_dir;
  int count = 10000;
  GeneratorChoice generator;
  std::uint64_t seed = 1;
  bool real = false, confusions = false;
};

// For each class asked of a conditional generator, the share of its images the classifier
// assigns to that class; and over all images. With `confusions`, the whole table: row r counts
// the images asked to be class r by the class the classifier gives them.
inline constexpr int kClassifierClasses = 10;  // make_mnist_classifier's outputs

inline void print_requested_class_accuracy(const Classified& c, const std::vector<int>& requested, bool confusions) {
  std::vector<std::array<int, 10>> table(10, std::array<int, 10>{});
  for (std::size_t i = 0; i < requested.size(); ++i) ++table[requested[i]][argmax_row(c.probs, static_cast<int>(i))];
  std::vector<int> asked(10), right(10);  // per class asked for: images, and those given that class
  int total = 0;
  for (int k = 0; k < 10; ++k) {
    for (int v : table[k]) asked[k] += v;
    right[k] = table[k][k];
    total += right[k];
  }
  std::printf("Requested-class accuracy: %.2f%% (%d of %zu)\nPer class:", 100.0 * total / requested.size(), total, requested.size());
  for (int k = 0; k < 10; ++k)
    if (asked[k]) std::printf(" %d:%.1f%%", k, 100.0 * right[k] / asked[k]);
  std::printf("\n");
  if (!confusions) return;
  std::printf("Confusions (row: class asked for, column: class given by the classifier):\n     ");
  for (int k = 0; k < 10; ++k) std::printf(" %5d", k);
  for (int r = 0; r < 10; ++r) {
    if (!asked[r]) continue;
    std::printf("\n  %d: ", r);
    for (int k = 0; k < 10; ++k) std::printf(" %5d", table[r][k]);
  }
  std::printf("\n");
}

inline int run_evaluate(const EvalOptions& o) {
  const int classes = o.real ? 0 : read_checkpoint_config(o.checkpoint).classes;  // read once, before anything is built
  if (o.confusions && !o.real && classes == 0)
    throw UsageError("evaluate --confusions: " + o.checkpoint + " holds an unconditional model; its images were not asked to be any class");
  if (classes > kClassifierClasses)
    throw UsageError("evaluate: " + o.checkpoint + " holds a model of " + std::to_string(classes) + " classes; the classifier tells " +
                     std::to_string(kClassifierClasses) + ", so it can't say whether an image is the class asked for");
  Rng init(0), drop(0);
  Sequential<float> clf = make_mnist_classifier<float>(init, drop);
  load_weights(clf, o.classifier);
  for (const Tensor<float>* p : clf.params())
    for (float v : *p)
      if (!std::isfinite(v)) throw IoError(o.classifier + ": holds weights that are not finite (NaN or infinity); it can't score anything");

  const IdxDataset test = examples::load_mnist_from(o.data_dir, "t10k");
  const Tensor<float> test_images = to_training_tensor(test, test.count);
  const Gaussian reference = fit_gaussian(classify(clf, test_images, true).features);

  Tensor<float> samples;
  std::string what;
  std::vector<int> requested;  // the class asked of each image (conditional checkpoints)
  if (o.real) {
    const IdxDataset train = examples::load_mnist_from(o.data_dir, "train");
    if (o.count > train.count)  // refused before anything of its size is allocated
      throw UsageError("evaluate --real --count " + std::to_string(o.count) + ": the training set has only " + std::to_string(train.count) +
                       " images");
    samples = to_training_tensor(train, o.count);
    what = "real MNIST training images";
  } else {
    DcganGenerator g = generator_from(o.checkpoint, o.generator);
    const int K = g.config.classes;
    Rng rng(o.seed);
    const Tensor<float> z = normal_noise(o.count, rng);
    for (int i = 0; K > 0 && i < o.count; ++i) requested.push_back(i % K);  // every class equally often
    samples = generate_images(g, z, requested);
    const double ema = g.config.generator_ema;
    what = std::string(K ? "images of requested classes" : "images") + " from the epoch " + std::to_string(g.position.cursor.epoch) + " generator" +
           (ema > 0 && !o.generator.raw ? "'s moving average (decay " + exact_number(ema) + ")" : std::string()) + " (" + o.checkpoint +
           (o.generator.average > 1 ? ", averaged with the " + std::to_string(o.generator.average - 1) + " epochs' before it" : std::string()) + ")";
  }
  const Classified c = classify(clf, samples, true);
  const ScoreSpread is = inception_score(c.probs, 10);
  const double fid = frechet_distance(fit_gaussian(c.features), reference);
  const std::vector<double> shares = class_shares(c.probs);
  std::printf("Scored %d %s\n", o.count, what.c_str());
  std::printf("Inception Score (10 splits): %.3f +- %.3f\n", is.mean, is.stddev);
  std::printf("FID vs the test set of %s (classifier features): %.3f\n", o.data_dir.c_str(), fid);
  std::printf("Predicted class shares:");
  int rarest = 0;
  for (int k = 0; k < 10; ++k) {
    std::printf(" %d:%.1f%%", k, 100 * shares[k]);
    if (shares[k] < shares[rarest]) rarest = k;
  }
  std::printf("\nRarest class: %d (%.1f%%)\n", rarest, 100 * shares[rarest]);
  if (!requested.empty()) print_requested_class_accuracy(c, requested, o.confusions);
  return 0;
}

}  // namespace mnist_dcgan
