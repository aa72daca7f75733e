// ganlite/train/classifier_trainer.hpp — trains an image classifier (models/classifier.hpp's, or
// any Sequential giving K logits) with softmax cross-entropy and Adam, on the training loop every
// model shares (training_loop.hpp): batches of images (B, H, W, C) with their labels.
//
// The learning rate decays by a factor per epoch, lr * decay^(e - 1) in epoch e (finer steps as it
// converges); the epoch is counted from Adam's steps, so a resumed run takes the same rates.
// All randomness comes from Rngs held here — init (weights), dropout, data (the loop's shuffles) —
// so a checkpoint of the trainer's state continues bit-identically.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../losses/softmax_cross_entropy.hpp"
#include "../models/sequential.hpp"
#include "../optim/adam.hpp"
#include "../rng.hpp"

namespace ganlite {

struct ClassifierConfig {
  std::uint64_t seed = 0;
  int batch = 128;
  double learning_rate = 1e-3;
  double decay_per_epoch = 0.75;  // 1: a constant rate
  int steps_per_epoch = 0;        // of the data it trains on (the decay's epochs); 0: no decay
};

struct ClassifierStepStats {
  float loss = 0;      // softmax cross-entropy, mean over the batch
  float accuracy = 0;  // share of the batch given its label, before the step
  static constexpr std::array<const char*, 2> names = {"loss", "accuracy"};
  std::array<float, 2> values() const { return {loss, accuracy}; }
};

template <class T = float>
class ClassifierTrainer {
 public:
  using MakeNet = std::function<Sequential<T>(Rng& init, Rng& dropout)>;

  ClassifierTrainer(const ClassifierConfig& cfg, const MakeNet& make)
      : cfg_(cfg), init_rng_(cfg.seed), dropout_rng_(cfg.seed ^ 0xd509ULL), data_rng_(cfg.seed ^ 0xda7aULL), net_(make(init_rng_, dropout_rng_)),
        opt_(net_.params(), net_.grads(), AdamConfig{cfg.learning_rate}) {
    if (net_.output_shape().size() != 1) throw std::invalid_argument("ClassifierTrainer: the network gives " + shape_str(net_.output_shape()) + ", not logits (K,)");
    if (cfg.batch < 1 || cfg.steps_per_epoch < 0 || !(cfg.decay_per_epoch > 0))
      throw std::invalid_argument("ClassifierTrainer: batch must be at least 1, steps_per_epoch not negative, decay_per_epoch positive");
    net_.set_needs_input_grad(false);
  }
  ClassifierTrainer(const ClassifierTrainer&) = delete;
  ClassifierTrainer& operator=(const ClassifierTrainer&) = delete;

  // The training loop's view.
  using Scalar = T;
  using Figures = ClassifierStepStats;
  int batch_size() const { return cfg_.batch; }
  bool takes_labels() const { return true; }
  ClassifierStepStats step(const Tensor<T>& images, const std::vector<int>& labels) { return train_step(images, labels); }

  ClassifierStepStats train_step(const Tensor<T>& images, const std::vector<int>& labels) {
    opt_.set_learning_rate(learning_rate(opt_.state().step + 1));
    net_.zero_grad();
    const Tensor<T>& logits = net_.forward(images, Mode::Train);
    ClassifierStepStats s;
    s.loss = static_cast<float>(softmax_cross_entropy(logits, labels, &dlogits_));
    const int B = logits.dim(0), K = logits.dim(1);
    int right = 0;
    for (int b = 0; b < B; ++b) {
      const T* row = logits.data() + static_cast<std::size_t>(b) * K;
      right += static_cast<int>(std::max_element(row, row + K) - row) == labels[b];
    }
    s.accuracy = static_cast<float>(right) / static_cast<float>(B);
    net_.backward(dlogits_);
    opt_.step();
    return s;
  }

  // The rate of the n-th step (1-based).
  double learning_rate(std::int64_t n) const {
    if (cfg_.steps_per_epoch <= 0) return cfg_.learning_rate;
    return cfg_.learning_rate * std::pow(cfg_.decay_per_epoch, static_cast<double>((n - 1) / cfg_.steps_per_epoch));
  }

  bool weights_finite() {
    for (auto* t : net_.state_tensors())
      for (T v : *t)
        if (!std::isfinite(v)) return false;
    return true;
  }

  Sequential<T>& network() { return net_; }
  Adam<T>& optimizer() { return opt_; }
  Rng& data_rng() { return data_rng_; }
  Rng& dropout_rng() { return dropout_rng_; }
  const ClassifierConfig& config() const { return cfg_; }

 private:
  ClassifierConfig cfg_;
  Rng init_rng_, dropout_rng_, data_rng_;
  Sequential<T> net_;
  Adam<T> opt_;
  Tensor<T> dlogits_;
};

}  // namespace ganlite
