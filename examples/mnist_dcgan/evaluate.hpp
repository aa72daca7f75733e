// examples/mnist_dcgan/evaluate.hpp — `mnist_dcgan evaluate`: scores generated digits (or, with
// --real, real training digits) with a trained mnist_classifier (examples/common/image_scores.hpp
// says what is scored).
#pragma once
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/train/checkpoint.hpp>

#include "../common/image_scores.hpp"
#include "../common/mnist_location.hpp"
#include "sampling.hpp"

namespace mnist_dcgan {

using examples::kClassifierClasses;
using examples::to_training_tensor;

struct EvalOptions {
  std::string checkpoint, classifier, data_dir;
  int count = 10000;
  GeneratorChoice generator;
  std::uint64_t seed = 1;
  bool real = false, confusions = false;
};

inline int run_evaluate(const EvalOptions& o) {
  const int classes = o.real ? 0 : read_checkpoint_config(o.checkpoint).classes;  // read once, before anything is built
  if (o.confusions && !o.real && classes == 0)
    throw UsageError("evaluate --confusions: " + o.checkpoint + " holds an unconditional model; its images were not asked to be any class");
  if (classes > kClassifierClasses)
    throw UsageError("evaluate: " + o.checkpoint + " holds a model of " + std::to_string(classes) + " classes; the classifier tells " +
                     std::to_string(kClassifierClasses) + ", so it can't say whether an image is the class asked for");
  examples::ImageScorer scorer(o.classifier, o.data_dir);

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
  scorer.print(samples, what, requested, o.confusions);
  return 0;
}

}  // namespace mnist_dcgan
