// ganlite/train/gan_trainer.hpp — trains any generator/discriminator pair of Sequential models,
// optionally conditioned on a class.
//
// The step is the seed's (the TensorFlow DCGAN tutorial's train_step): both gradients from one
// forward pass, then both Adam updates.
//   z ~ N(0, 1) (B, noise);  fake = G(z)                       [unconditional]
//   y ~ U{0..K-1} (B);  fake = G([z, onehot(y)])               [K classes]
//   D loss = BCE(D(real), 1) + BCE(D(fake), 0);  G loss = BCE(D(fake), 1)
// With K classes D sees [image, K label planes] (conditioning.hpp): real images with their own
// labels, fakes with the labels they were asked for. The fake pass is differentiated twice from
// one forward: for D's parameters (D loss), and with D frozen for dL_G/d(input), whose image
// channels flow back through G.
// All randomness comes from Rngs held here — init (weights), data (noise, fake labels, and the
// training loop's shuffles), dropout — so the trainer's whole state is what a checkpoint holds,
// and a resumed run continues bit-identically. With no classes, the draws and the arithmetic are
// exactly the seed trainer's (tests/test_gan_trainer.cpp compares them bit for bit).
// With generator_ema = a (0 < a < 1) the trainer also keeps an exponential moving average of G,
// updated after every step: avg := a * avg + (1 - a) * G, for every parameter and BatchNorm
// statistic. It takes no part in training (G, D and every Rng are as without it); generate()
// and sample_fixed() draw from it. Why: a GAN's generator circles about a point from step to
// step and any one snapshot is a draw from that circle; the average sits nearer its middle
// (Yazıcı et al. 2019). a = 0.999 averages over about the last thousand steps.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../losses/bce_with_logits.hpp"
#include "../models/sequential.hpp"
#include "../optim/adam.hpp"
#include "../rng.hpp"
#include "conditioning.hpp"

namespace ganlite {

struct GanConfig {
  std::uint64_t seed = 0;
  int noise_dim = 100;
  int classes = 0;  // 0: unconditional; K: G and D see the class (conditioning.hpp)
  int batch = 256;
  AdamConfig generator_adam{1e-4, 0.9, 0.999, 1e-7};  // the seed's Adam(1e-4), Keras' epsilon
  AdamConfig discriminator_adam{1e-4, 0.9, 0.999, 1e-7};
  int fixed_noise_count = 16;  // the noise vectors of the per-epoch samples
  double generator_ema = 0;    // 0: none; a in (0, 1): keep G's moving average with decay a
};

struct StepStats {
  float d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;  // D(x), D(G(z)): mean sigmoid outputs
};

template <class T>
class GanTrainer {
 public:
  // The models are built here, from the trainer's own Rngs, so that they are part of its state:
  // make_generator(init) and make_discriminator(init, dropout) — the discriminator's Dropout
  // layers keep the dropout Rng by reference.
  using MakeGenerator = std::function<Sequential<T>(Rng& init)>;
  using MakeDiscriminator = std::function<Sequential<T>(Rng& init, Rng& dropout)>;

  GanTrainer(const GanConfig& cfg, const MakeGenerator& make_g, const MakeDiscriminator& make_d)
      : cfg_(cfg),
        init_rng_(cfg.seed),
        data_rng_(cfg.seed ^ 0x5eed0da7aULL),
        dropout_rng_(cfg.seed ^ 0xd50d0d50ULL),
        gen_(make_g(init_rng_)),
        disc_(make_d(init_rng_, dropout_rng_)),
        gen_opt_(gen_.params(), gen_.grads(), cfg.generator_adam),
        disc_opt_(disc_.params(), disc_.grads(), cfg.discriminator_adam),
        fixed_noise_({cfg.fixed_noise_count, cfg.noise_dim}) {
    check_shapes();
    if (!(cfg.generator_ema >= 0 && cfg.generator_ema < 1))
      throw std::invalid_argument("GanTrainer: generator_ema " + std::to_string(cfg.generator_ema) + " is not a decay in [0, 1)");
    if (cfg.generator_ema > 0) {
      Rng unused(cfg.seed);  // the average starts as a copy of G, whatever this Rng draws
      gen_avg_ = std::make_unique<Sequential<T>>(make_g(unused));
      averaged_ = gen_.state_tensors();  // the layers own their tensors: these pointers stay valid
      average_ = gen_avg_->state_tensors();
      for (std::size_t i = 0; i < averaged_.size(); ++i) *average_[i] = *averaged_[i];
    }
    gen_.set_needs_input_grad(false);
    disc_.set_needs_input_grad(false);
    Rng noise_rng(cfg.seed ^ 0xf17edULL);
    for (auto& v : fixed_noise_) v = static_cast<T>(noise_rng.normal());
  }

  // real: (B, H, W, C) images as G draws them; labels: their classes (B of them) when the
  // trainer is conditional, else empty.
  StepStats train_step(const Tensor<T>& real, const std::vector<int>& labels = {}) {
    const int B = real.dim(0), K = cfg_.classes;
    if (K > 0) check_labels(labels, B, K);
    noise_.resize({B, cfg_.noise_dim});
    for (auto& v : noise_) v = static_cast<T>(data_rng_.normal());
    if (K > 0) {
      fake_labels_.resize(B);
      for (auto& y : fake_labels_) y = static_cast<int>(data_rng_.below(static_cast<std::uint64_t>(K)));
    }
    gen_.zero_grad();
    disc_.zero_grad();
    StepStats s;

    const Tensor<T>& fake = gen_.forward(generator_input(noise_, fake_labels_), Mode::Train);
    const Tensor<T>& real_logits = disc_.forward(discriminator_input(real, labels, real_in_), Mode::Train);
    s.d_real = mean_sigmoid(real_logits);
    s.d_loss = static_cast<float>(bce_with_logits(real_logits, T(1), &dlogits_));
    disc_.backward(dlogits_);

    const Tensor<T>& fake_logits = disc_.forward(discriminator_input(fake, fake_labels_, fake_in_), Mode::Train);
    s.d_fake = mean_sigmoid(fake_logits);
    s.d_loss += static_cast<float>(bce_with_logits(fake_logits, T(0), &dlogits_));
    disc_.backward(dlogits_);

    s.g_loss = static_cast<float>(bce_with_logits(fake_logits, T(1), &dlogits_));
    {
      const FrozenForInputGradient frozen(disc_);  // restored however this block is left
      const Tensor<T>& d_input = disc_.backward(dlogits_);
      if (K > 0) {
        image_channels(d_input, image_channels_, d_image_);
        gen_.backward(d_image_);
      } else {
        gen_.backward(d_input);
      }
    }
    gen_opt_.step();
    disc_opt_.step();
    update_generator_average();
    return s;
  }

  // avg := a * avg + (1 - a) * G (a = generator_ema), computed as avg + (1 - a) * (G - avg) in
  // one fused multiply-add, so that no compiler's contraction choice changes its bits; nothing
  // without an average. train_step calls it; a trainer that makes its own steps
  // (dist/data_parallel.hpp) calls it after them.
  void update_generator_average() {
    if (!gen_avg_) return;
    const T b = T(1) - static_cast<T>(cfg_.generator_ema);
    for (std::size_t i = 0; i < averaged_.size(); ++i) {
      const T* g = averaged_[i]->data();
      T* avg = average_[i]->data();
      for (std::size_t e = 0; e < averaged_[i]->size(); ++e) avg[e] = std::fma(b, g[e] - avg[e], avg[e]);
    }
  }

  // G's images for noise z (B, noise) and, when conditional, the classes asked for.
  const Tensor<T>& generate(const Tensor<T>& z, const std::vector<int>& labels = {}, Mode mode = Mode::Eval) {
    if (cfg_.classes > 0) check_labels(labels, z.dim(0), cfg_.classes);
    return sampling_generator().forward(generator_input(z, labels), mode);
  }

  // The per-epoch samples, in Eval mode (running BatchNorm statistics), as the seed's
  // generate_and_save_images: G(fixed noise); when conditional, every class with every fixed
  // noise vector, class by class (row r of a K x n grid is class r).
  const Tensor<T>& sample_fixed() {
    if (cfg_.classes == 0) return sampling_generator().forward(fixed_noise_, Mode::Eval);
    const int n = fixed_noise_.dim(0), N = cfg_.noise_dim, K = cfg_.classes;
    Tensor<T> z({K * n, N});
    std::vector<int> y(static_cast<std::size_t>(K) * n);
    for (int r = 0; r < K; ++r)
      for (int c = 0; c < n; ++c) {
        std::copy(fixed_noise_.data() + static_cast<std::size_t>(c) * N, fixed_noise_.data() + static_cast<std::size_t>(c + 1) * N,
                  z.data() + (static_cast<std::size_t>(r) * n + c) * N);
        y[static_cast<std::size_t>(r) * n + c] = r;
      }
    return generate(z, y, Mode::Eval);
  }

  // True if every parameter and BatchNorm statistic of both networks (and G's average) is finite.
  bool weights_finite() {
    for (auto* net : {&gen_, &disc_, gen_avg_.get()}) {
      if (!net) continue;
      for (auto* t : net->state_tensors())
        for (T v : *t)
          if (!std::isfinite(v)) return false;
    }
    return true;
  }

  Sequential<T>& generator() { return gen_; }
  Sequential<T>& discriminator() { return disc_; }
  Sequential<T>* generator_average() { return gen_avg_.get(); }  // nullptr without generator_ema
  // The generator that generate() and sample_fixed() draw from: the average when there is one,
  // unless draw_from_average(false) asked for G itself.
  Sequential<T>& sampling_generator() { return gen_avg_ && draw_average_ ? *gen_avg_ : gen_; }
  void draw_from_average(bool yes) { draw_average_ = yes; }
  Adam<T>& generator_optimizer() { return gen_opt_; }
  Adam<T>& discriminator_optimizer() { return disc_opt_; }
  Rng& data_rng() { return data_rng_; }
  Rng& dropout_rng() { return dropout_rng_; }
  Tensor<T>& fixed_noise() { return fixed_noise_; }
  const Tensor<T>& last_noise() const { return noise_; }  // the z of the latest train_step
  const std::vector<int>& last_fake_labels() const { return fake_labels_; }
  const GanConfig& gan_config() const { return cfg_; }
  const Shape& image_shape() const { return image_shape_; }

  // Where training stands: completed epochs, completed steps of the epoch in progress, and the
  // data Rng's state when that epoch began (its shuffle is redrawn from it after a resume).
  int epoch = 0;
  int step_in_epoch = 0;
  Rng::State epoch_start_state{};
  // What the run trains on, kept in checkpoints so a resume can check it is the same data: the
  // number of training images used and a fingerprint of the training files (0: not recorded).
  std::uint32_t data_images = 0;
  std::uint64_t data_fingerprint = 0;

 private:
  // D with its parameters frozen and its input gradient on, for G's backward pass; as it was
  // again when the scope ends, by return or by exception.
  struct FrozenForInputGradient {
    explicit FrozenForInputGradient(Sequential<T>& d) : d_(d) {
      d_.set_trainable(false);
      d_.set_needs_input_grad(true);
    }
    ~FrozenForInputGradient() {
      d_.set_trainable(true);
      d_.set_needs_input_grad(false);
    }
    Sequential<T>& d_;
  };

  // G's output (H, W, C) and D's input (H, W, C + K) must fit, and G's input must be noise + K.
  void check_shapes() {
    image_shape_ = gen_.output_shape();
    const Shape& g_in = gen_.input_shape();
    const Shape& d_in = disc_.input_shape();
    const int K = cfg_.classes;
    if (g_in.size() != 1 || g_in[0] != cfg_.noise_dim + K)
      throw std::invalid_argument("GanTrainer: the generator takes " + shape_str(g_in) + " per sample; noise " + std::to_string(cfg_.noise_dim) +
                                  " + classes " + std::to_string(K) + " needs (" + std::to_string(cfg_.noise_dim + K) + ")");
    if (image_shape_.size() != 3 || d_in.size() != 3 || d_in[0] != image_shape_[0] || d_in[1] != image_shape_[1] ||
        d_in[2] != image_shape_[2] + K)
      throw std::invalid_argument("GanTrainer: the generator draws " + shape_str(image_shape_) + " images; the discriminator takes " +
                                  shape_str(d_in) + (K ? " (images and " + std::to_string(K) + " label planes)" : std::string()));
    image_channels_ = image_shape_[2];
  }

  const Tensor<T>& generator_input(const Tensor<T>& z, const std::vector<int>& labels) {
    if (cfg_.classes == 0) return z;
    join_one_hot(z, labels, cfg_.classes, g_in_);
    return g_in_;
  }
  const Tensor<T>& discriminator_input(const Tensor<T>& x, const std::vector<int>& labels, Tensor<T>& buffer) {
    if (cfg_.classes == 0) return x;
    join_label_planes(x, labels, cfg_.classes, buffer);
    return buffer;
  }
  static float mean_sigmoid(const Tensor<T>& z) {
    double s = 0;
    for (T v : z) s += sigmoid(static_cast<double>(v));
    return static_cast<float>(s / z.size());
  }

  GanConfig cfg_;
  Rng init_rng_, data_rng_, dropout_rng_;
  Sequential<T> gen_, disc_;
  std::unique_ptr<Sequential<T>> gen_avg_;  // G's moving average (generator_ema > 0)
  std::vector<Tensor<T>*> averaged_, average_;  // G's state tensors and the average's, pair by pair
  bool draw_average_ = true;
  Adam<T> gen_opt_, disc_opt_;
  Tensor<T> fixed_noise_, noise_, dlogits_, g_in_, real_in_, fake_in_, d_image_;
  std::vector<int> fake_labels_;
  Shape image_shape_;
  int image_channels_ = 0;
};

}  // namespace ganlite
