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
// (Yazıcı et al. 2019). a = 0.999 averages over about the last thousand steps. Since the average
// starts as G's first weights, early on it is mostly them (after 1000 steps still 37 %); with
// generator_ema_warmup the n-th update uses min(a, n / (n + 9)) instead, as TensorFlow's
// ExponentialMovingAverage with num_updates does, so the average follows G from the start.
// The loss pair is a part (gan_objective.hpp): GanConfig::objective, the seed's BCE by default.
// With GanConfig::augment (augment.hpp, DiffAugment) every image D sees, real or fake, is first
// moved and cut by draws from the data Rng (the real batch's, then the fakes', after the noise);
// G's gradient comes back through the same augmentation of its images.
//
// Data parallelism is a way to run this same step (shard(), dist/shards.hpp): the batch is cut
// into S shards over the processes of a Communicator, each run by a copy of G and D (the
// trainer's own for the first, copies made by the same factories for the others). Every
// process draws the whole batch's noise and fake classes, as one process would, and takes its
// shards' rows; the copies run layer by layer in lockstep (models/sharded_pass.hpp), so
// BatchNorm normalises with the whole batch's statistics and Dropout draws the whole batch's
// masks; each shard's loss gradient is scaled by its share of the batch; the gradients are
// summed over all shards in a fixed tree order, Adam steps once, and the copies take the new
// weights. The numbers depend on S and not on the process count. One shard (the default) runs
// each network whole, as above.
#pragma once
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../dist/shards.hpp"
#include "../models/model_source.hpp"
#include "../models/sequential.hpp"
#include "../models/shard_copies.hpp"
#include "../models/sharded_pass.hpp"
#include "../optim/adam.hpp"
#include "../rng.hpp"
#include "augment.hpp"
#include "conditioning.hpp"
#include "gan_objective.hpp"

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
  bool generator_ema_warmup = false;  // the n-th update's decay min(a, n / (n + 9))
  GanObjective objective = bce_objective();  // the loss pair (gan_objective.hpp)
  Augmentation augment;  // of what D sees (augment.hpp); none by default
};

struct StepStats {
  float d_loss = 0, g_loss = 0, d_real = 0, d_fake = 0;  // D(x), D(G(z)): mean sigmoid outputs
  static constexpr std::array<const char*, 4> names = {"d_loss", "g_loss", "d_real", "d_fake"};
  std::array<float, 4> values() const { return {d_loss, g_loss, d_real, d_fake}; }
};

template <class T = float>
class GanTrainer {
 public:
  // The models are built here, from the trainer's own Rngs, so that they are part of its state:
  // make_generator(init) and make_discriminator(init, dropout) — the discriminator's Dropout
  // layers keep the dropout Rng by reference.
  using MakeGenerator = std::function<Sequential<T>(Rng& init)>;
  using MakeDiscriminator = std::function<Sequential<T>(Rng& init, Rng& dropout)>;

  GanTrainer(const GanConfig& cfg, const MakeGenerator& make_g, const MakeDiscriminator& make_d)
      : cfg_(cfg),
        make_g_(make_g),
        make_d_(make_d),
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
    if (!cfg.objective.loss || !cfg.objective.derivative) throw std::invalid_argument("GanTrainer: the objective '" + cfg.objective.name + "' has no loss");
    if (cfg.generator_ema > 0) {
      Rng unused(cfg.seed);  // the average starts as a copy of G, whatever this Rng draws
      gen_avg_ = std::make_unique<Sequential<T>>(make_g(unused));
      averaged_ = gen_.state_tensors();  // the layers own their tensors: these pointers stay valid
      average_ = gen_avg_->state_tensors();
      for (std::size_t i = 0; i < averaged_.size(); ++i) *average_[i] = *averaged_[i];
    }
    gen_.set_needs_input_grad(false);
    disc_.set_needs_input_grad(false);
    g_copies_ = {&gen_};
    d_copies_ = {&disc_};
    Rng noise_rng(cfg.seed ^ 0xf17edULL);
    for (auto& v : fixed_noise_) v = static_cast<T>(noise_rng.normal());
  }
  // Models you built: the trainer keeps them, and its own Rngs then draw everything that follows
  // (D's Dropout layers are handed the trainer's dropout Rng; their weights are yours, so
  // GanConfig::seed seeds the data and dropout draws only). The data-parallel copies and G's
  // moving average are clones of them (Layer::clone).
  GanTrainer(const GanConfig& cfg, Sequential<T> generator, Sequential<T> discriminator)
      : GanTrainer(cfg, generator_source(std::move(generator)), discriminator_source(std::move(discriminator))) {}

  // The Dropout layers of D hold this trainer's dropout Rng, and the optimizers its networks'
  // tensors: a copy or a move would leave them pointing into another object.
  GanTrainer(const GanTrainer&) = delete;
  GanTrainer& operator=(const GanTrainer&) = delete;

  // Runs the step data-parallel from now on: S shards over comm's processes (comm must outlive
  // the trainer). Builds this process's further copies of G and D and gives every process and
  // copy rank 0's weights, BatchNorm statistics and Adam moments (call it after a resume's load).
  void shard(Communicator& comm, int shards) {
    shards_ = Shards(comm, shards);
    g_copies_.resize(1);
    d_copies_.resize(1);
    copies_.clear();
    copy_dropout_.clear();
    for (int j = 1; j < shards_.local(); ++j) {
      Rng scratch(0);  // their weights are replaced by the trainer's at once
      copy_dropout_.push_back(std::make_unique<Rng>());
      copies_.push_back(std::make_unique<Sequential<T>>(make_g_(scratch)));
      g_copies_.push_back(copies_.back().get());
      copies_.push_back(std::make_unique<Sequential<T>>(make_d_(scratch, *copy_dropout_.back())));
      d_copies_.push_back(copies_.back().get());
      g_copies_.back()->set_needs_input_grad(false);
      d_copies_.back()->set_needs_input_grad(false);
    }
    for (auto* net : {&gen_, &disc_})
      for (auto* t : net->state_tensors()) shards_.broadcast(t->data(), t->size());
    for (auto* opt : {&gen_opt_, &disc_opt_}) {
      AdamState<T> st = opt->state();
      for (auto* moments : {&st.m, &st.v})
        for (auto& t : *moments) shards_.broadcast(t.data(), t.size());
      opt->set_state(st);
    }
    copy_to_copies();
  }
  const Shards& shards() const { return shards_; }
  // Where the steps' time went (dist/shards.hpp).
  const Shards::Timing& timing() const { return shards_.timing(); }

  // real: (B, H, W, C) images as G draws them; labels: their classes (B of them) when the
  // trainer is conditional, else empty. With shards, every process passes the whole batch and
  // uses its shards' rows; the losses and D outputs returned are the whole batch's.
  // The training loop's view (training_loop.hpp): batch, labels or not, one step.
  using Scalar = T;
  using Figures = StepStats;
  int batch_size() const { return cfg_.batch; }
  bool takes_labels() const { return cfg_.classes > 0; }
  StepStats step(const Tensor<T>& real, const std::vector<int>& labels) { return train_step(real, labels); }

  StepStats train_step(const Tensor<T>& real, const std::vector<int>& labels = {}) {
    const auto start = std::chrono::steady_clock::now();
    const int B = real.dim(0), K = cfg_.classes, L = shards_.local();
    if (B < shards_.count())
      throw std::invalid_argument("a batch of " + std::to_string(B) + " images can't be cut into " + std::to_string(shards_.count()) + " shards");
    if (K > 0) check_labels(labels, B, K);
    noise_.resize({B, cfg_.noise_dim});
    for (auto& v : noise_) v = static_cast<T>(data_rng_.normal());
    if (K > 0) {
      fake_labels_.resize(B);
      for (auto& y : fake_labels_) y = static_cast<int>(data_rng_.below(static_cast<std::uint64_t>(K)));
    }
    if (cfg_.augment.any())
      for (auto* draws : {&real_draws_, &fake_draws_}) draw_augmentations(cfg_.augment, B, image_shape_[0], image_shape_[1], data_rng_, *draws);
    batch_ = B;
    shard_inputs(real, labels);
    for (auto* nets : {&g_copies_, &d_copies_})
      for (auto* net : *nets) net->zero_grad();
    StepStats s;

    const std::vector<const Tensor<T>*> fakes = forward(g_copies_, g_in_, Mode::Train);
    for (int j = 0; j < L; ++j) fake_in_[j] = &discriminator_input(augmented(fakes[j], fake_draws_, j, fake_aug_[j]), fake_y_[j], fake_join_[j]);
    // D on real images, then on fakes: both gradients into D's parameters.
    const std::vector<const Tensor<T>*> real_logits = forward(d_copies_, real_in_, Mode::Train);
    double d_loss = losses(real_logits, GanTerm::RealForD, &s.d_real);
    backward(d_copies_, pointers(dlogits_));
    const std::vector<const Tensor<T>*> fake_logits = forward(d_copies_, fake_in_, Mode::Train);
    d_loss += losses(fake_logits, GanTerm::FakeForD, &s.d_fake);
    backward(d_copies_, pointers(dlogits_));
    s.d_loss = static_cast<float>(d_loss);
    // G's loss through D frozen: only the image channels of D's input gradient reach G.
    s.g_loss = static_cast<float>(losses(fake_logits, GanTerm::FakeForG, nullptr));
    {
      const FrozenForInputGradient frozen(d_copies_);  // restored however this block is left
      std::vector<const Tensor<T>*> d_input = backward(d_copies_, pointers(dlogits_));
      if (K > 0)
        for (int j = 0; j < L; ++j) image_channels(*d_input[j], image_channels_, d_image_[j]), d_input[j] = &d_image_[j];
      if (cfg_.augment.any())
        for (int j = 0; j < L; ++j)
          augment_backward(cfg_.augment, fake_draws_.data() + shards_.rows(j, batch_).first, *d_input[j], d_unaugmented_[j]), d_input[j] = &d_unaugmented_[j];
      backward(g_copies_, d_input);
    }
    if (!shards_.whole()) {
      sum_gradients_(shards_, g_copies_);
      sum_gradients_(shards_, d_copies_);
    }
    gen_opt_.step();
    disc_opt_.step();
    update_generator_average();
    copy_to_copies();
    shards_.timing().step_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++shards_.timing().steps;
    return s;
  }

  // avg := a * avg + (1 - a) * G (a = generator_ema), computed as avg + (1 - a) * (G - avg) in
  // one fused multiply-add, so that no compiler's contraction choice changes its bits; nothing
  // without an average. train_step calls it.
  void update_generator_average() {
    if (!gen_avg_) return;
    double a = cfg_.generator_ema;
    if (cfg_.generator_ema_warmup) {
      const double n = static_cast<double>(gen_opt_.state().step);  // this step's update is the n-th
      a = std::min(a, n / (n + 9));
    }
    const T b = T(1) - static_cast<T>(a);
    for (std::size_t i = 0; i < averaged_.size(); ++i) {
      const T* g = averaged_[i]->data();
      T* avg = average_[i]->data();
      for (std::size_t e = 0; e < averaged_[i]->size(); ++e) avg[e] = std::fma(b, g[e] - avg[e], avg[e]);
    }
  }

  // G's images for noise z (B, noise) and, when conditional, the classes asked for.
  const Tensor<T>& generate(const Tensor<T>& z, const std::vector<int>& labels = {}, Mode mode = Mode::Eval) {
    if (cfg_.classes > 0) check_labels(labels, z.dim(0), cfg_.classes);
    return sampling_generator().forward(generator_input(z, labels, sample_in_), mode);
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


 private:
  // Factories for models a user built (models/model_source.hpp); D's draw from the dropout Rng given.
  static MakeGenerator generator_source(Sequential<T> model) {
    auto src = std::make_shared<ModelSource<T>>(std::move(model));
    return [src](Rng& /*init*/) { return src->next(); };
  }
  static MakeDiscriminator discriminator_source(Sequential<T> model) {
    auto src = std::make_shared<ModelSource<T>>(std::move(model));
    return [src](Rng& /*init*/, Rng& dropout) {
      Sequential<T> m = src->next();
      m.draw_from(dropout);
      return m;
    };
  }

  // D (every copy) with its parameters frozen and its input gradient on, for G's backward pass;
  // as it was again when the scope ends, by return or by exception.
  struct FrozenForInputGradient {
    explicit FrozenForInputGradient(std::vector<Sequential<T>*>& d) : d_(d) {
      for (auto* n : d_) n->set_trainable(false), n->set_needs_input_grad(true);
    }
    ~FrozenForInputGradient() {
      for (auto* n : d_) n->set_trainable(true), n->set_needs_input_grad(false);
    }
    std::vector<Sequential<T>*>& d_;
  };

  // Each local shard's inputs: G's (noise, one-hot), D's real images (and label planes), the
  // classes asked of G; where each copy's rows sit in the batch. One shard: the whole tensors.
  void shard_inputs(const Tensor<T>& real, const std::vector<int>& labels) {
    const int L = shards_.local(), K = cfg_.classes;
    for (auto* v : {&g_rows_, &real_rows_, &g_join_, &real_join_, &fake_join_, &d_image_, &dlogits_, &real_aug_, &fake_aug_, &d_unaugmented_})
      v->resize(static_cast<std::size_t>(L));
    g_in_.resize(static_cast<std::size_t>(L));
    real_in_.resize(static_cast<std::size_t>(L));
    fake_in_.resize(static_cast<std::size_t>(L));
    real_y_.resize(static_cast<std::size_t>(L));
    fake_y_.resize(static_cast<std::size_t>(L));
    for (int j = 0; j < L; ++j) {
      const auto [r0, r1] = shards_.rows(j, batch_);
      const ShardRows where{r0, shards_.whole() ? 0 : batch_};
      g_copies_[j]->set_shard(where);
      d_copies_[j]->set_shard(where);
      const Tensor<T>* z = &noise_;
      const Tensor<T>* x = &real;
      if (!shards_.whole()) {
        batch_rows(noise_, r0, r1, g_rows_[j]), z = &g_rows_[j];
        batch_rows(real, r0, r1, real_rows_[j]), x = &real_rows_[j];
      }
      if (K > 0) {
        real_y_[j].assign(labels.begin() + r0, labels.begin() + r1);
        fake_y_[j].assign(fake_labels_.begin() + r0, fake_labels_.begin() + r1);
      }
      g_in_[j] = &generator_input(*z, fake_y_[j], g_join_[j]);
      real_in_[j] = &discriminator_input(augmented(x, real_draws_, j, real_aug_[j]), real_y_[j], real_join_[j]);
    }
  }

  // Shard j's images as D sees them: augmented by their rows' draws (into buffer), or as they are.
  const Tensor<T>& augmented(const Tensor<T>* images, const std::vector<AugmentDraw>& draws, int j, Tensor<T>& buffer) {
    if (!cfg_.augment.any()) return *images;
    augment(cfg_.augment, draws.data() + shards_.rows(j, batch_).first, *images, buffer);
    return buffer;
  }

  static std::vector<const Tensor<T>*> pointers(const std::vector<Tensor<T>>& ts) {
    std::vector<const Tensor<T>*> p;
    for (const auto& t : ts) p.push_back(&t);
    return p;
  }

  // A pass of one network's copies: whole when there is one shard, else in lockstep over the
  // shards, every copy's dropout Rng starting each layer where the trainer's stands.
  std::vector<const Tensor<T>*> forward(std::vector<Sequential<T>*>& nets, const std::vector<const Tensor<T>*>& x, Mode mode) {
    if (shards_.whole()) return {&nets[0]->forward(*x[0], mode)};
    return sharded_pass().forward(nets, x, mode);
  }
  std::vector<const Tensor<T>*> backward(std::vector<Sequential<T>*>& nets, const std::vector<const Tensor<T>*>& dy) {
    if (shards_.whole()) return {&nets[0]->backward(*dy[0])};
    return sharded_pass().backward(nets, dy);
  }
  ShardedPass<T>& sharded_pass() {
    if (!pass_)
      pass_ = std::make_unique<ShardedPass<T>>([this](const double* parts, std::size_t n, double* totals) { shards_.sum(parts, n, totals); },
                                               [this] {
                                                 for (auto& r : copy_dropout_) *r = dropout_rng_;
                                               });
    return *pass_;
  }

  // The objective's term on every shard's logits, each shard's gradient (into dlogits_) scaled to
  // its part of the whole batch; returns the whole batch's mean, and its mean sigmoid in
  // *mean_sigmoid (unless null).
  double losses(const std::vector<const Tensor<T>*>& logits, GanTerm term, float* mean_sigmoid) {
    const int L = shards_.local();
    loss_parts_.assign(2 * static_cast<std::size_t>(L), 0.0);
    for (int j = 0; j < L; ++j) {
      const int n = logits[j]->dim(0);
      const T scale = static_cast<T>(n) / static_cast<T>(batch_);
      loss_parts_[2 * j] = static_cast<double>(objective_term(cfg_.objective, *logits[j], term, &dlogits_[j], scale)) * n;
      if (mean_sigmoid)
        for (T v : *logits[j]) loss_parts_[2 * j + 1] += sigmoid(static_cast<double>(v));
    }
    double total[2];
    shards_.sum(loss_parts_.data(), 2, total);
    if (mean_sigmoid) *mean_sigmoid = static_cast<float>(total[1] / batch_);
    return total[0] / batch_;
  }

  // The trainer's weights and statistics to its other copies (after a step, a load, a broadcast).
  void copy_to_copies() {
    for (std::size_t j = 1; j < g_copies_.size(); ++j) {
      copy_state(*g_copies_[0], *g_copies_[j]);
      copy_state(*d_copies_[0], *d_copies_[j]);
    }
  }

  // G's output (H, W, C) and D's input (H, W, C + K) must fit, and G's input must be noise + K.
  void check_shapes() {
    image_shape_ = gen_.output_shape();
    const Shape& g_in = gen_.input_shape();
    const Shape& d_in = disc_.input_shape();
    const int K = cfg_.classes;
    if (g_in.size() != 1 || g_in[0] != cfg_.noise_dim + K)
      throw std::invalid_argument("GanTrainer: the generator takes " + shape_str(g_in) + " per sample; noise " + std::to_string(cfg_.noise_dim) +
                                  " + classes " + std::to_string(K) + " needs (" + std::to_string(cfg_.noise_dim + K) + ")");
    // Unconditional, G's samples may have any shape D takes (images, points, vectors); a
    // conditional D sees (H, W, C) images with K label planes beside their channels.
    const bool fits = K == 0 ? d_in == image_shape_
                             : image_shape_.size() == 3 && d_in.size() == 3 && d_in[0] == image_shape_[0] && d_in[1] == image_shape_[1] &&
                                   d_in[2] == image_shape_[2] + K;
    if (!fits)
      throw std::invalid_argument("GanTrainer: the generator draws " + shape_str(image_shape_) + " samples; the discriminator takes " + shape_str(d_in) +
                                  (K ? " (a conditional discriminator takes (H, W, C + " + std::to_string(K) + "): the images and " +
                                           std::to_string(K) + " label planes)"
                                     : std::string()));
    image_channels_ = K ? image_shape_[2] : 0;
    if (cfg_.augment.any() && image_shape_.size() != 3)
      throw std::invalid_argument("GanTrainer: augmentation (" + cfg_.augment.name() + ") moves and cuts (H, W, C) images; the generator draws " +
                                  shape_str(image_shape_));
  }

  const Tensor<T>& generator_input(const Tensor<T>& z, const std::vector<int>& labels, Tensor<T>& buffer) {
    if (cfg_.classes == 0) return z;
    join_one_hot(z, labels, cfg_.classes, buffer);
    return buffer;
  }
  const Tensor<T>& discriminator_input(const Tensor<T>& x, const std::vector<int>& labels, Tensor<T>& buffer) {
    if (cfg_.classes == 0) return x;
    join_label_planes(x, labels, cfg_.classes, buffer);
    return buffer;
  }
  GanConfig cfg_;
  MakeGenerator make_g_;
  MakeDiscriminator make_d_;
  Rng init_rng_, data_rng_, dropout_rng_;
  Sequential<T> gen_, disc_;
  std::unique_ptr<Sequential<T>> gen_avg_;  // G's moving average (generator_ema > 0)
  std::vector<Tensor<T>*> averaged_, average_;  // G's state tensors and the average's, pair by pair
  bool draw_average_ = true;
  Adam<T> gen_opt_, disc_opt_;
  Tensor<T> fixed_noise_, noise_, sample_in_;
  std::vector<int> fake_labels_;
  Shape image_shape_;
  int image_channels_ = 0;
  // The step over shards: this process's copies of G and D (the trainer's own first), their
  // dropout Rngs, each shard's inputs and gradients, and the buffers of the sums.
  Shards shards_;
  std::vector<Sequential<T>*> g_copies_, d_copies_;
  std::vector<std::unique_ptr<Sequential<T>>> copies_;
  std::vector<std::unique_ptr<Rng>> copy_dropout_;
  std::unique_ptr<ShardedPass<T>> pass_;
  long batch_ = 0;
  std::vector<Tensor<T>> g_rows_, real_rows_, g_join_, real_join_, fake_join_, d_image_, dlogits_, real_aug_, fake_aug_, d_unaugmented_;
  std::vector<AugmentDraw> real_draws_, fake_draws_;  // the whole batch's (augment.hpp)
  std::vector<const Tensor<T>*> g_in_, real_in_, fake_in_;
  std::vector<std::vector<int>> real_y_, fake_y_;
  std::vector<double> loss_parts_;
  GradientSum<T> sum_gradients_;  // over the shards, into the first copy
};

}  // namespace ganlite
