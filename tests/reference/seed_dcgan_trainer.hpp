// tests/reference/seed_dcgan_trainer.hpp — the seed DCGAN trainer as it was before the general
// GanTrainer (commit b17688e), kept unchanged as the reference the GanTrainer must equal bit for
// bit (tests/test_gan_trainer.cpp). Only the class name and these lines differ.
//
// One step, as the TensorFlow tutorial's train_step (both gradients from the same forward pass,
// then both Adam updates):
//   z ~ N(0, 1) (B, 100);  fake = G(z)
//   D loss = BCE(D(real), 1) + BCE(D(fake), 0);   G loss = BCE(D(fake), 1)
// D runs twice (real, fake) with independent dropout masks. The fake pass is differentiated
// twice from one forward: once for D's parameters (D loss), once with D frozen for dL_G/dfake,
// which flows back through G.
// All randomness comes from two Rngs held here (data: shuffling and noise; dropout), so the
// trainer's whole state — weights, BatchNorm statistics, Adam moments, Rngs, epoch — is what a
// checkpoint holds, and a resumed run continues bit-identically.
#pragma once
#include <cmath>
#include <cstdint>

#include <ganlite/train/dcgan_trainer.hpp>  // DcganConfig, StepStats

namespace ganlite::reference {

using namespace ganlite;

class SeedDcganTrainer {
 public:
  explicit SeedDcganTrainer(const DcganConfig& cfg)
      : cfg_(cfg),
        init_rng_(cfg.seed),
        data_rng_(cfg.seed ^ 0x5eed0da7aULL),
        dropout_rng_(cfg.seed ^ 0xd50d0d50ULL),
        gen_(make_generator<float>(init_rng_)),
        disc_(make_discriminator<float>(init_rng_, dropout_rng_, cfg.dropout)),
        gen_opt_(gen_.params(), gen_.grads(), adam_config()),
        disc_opt_(disc_.params(), disc_.grads(), adam_config()),
        fixed_noise_({16, kNoiseDim}) {
    gen_.set_needs_input_grad(false);
    disc_.set_needs_input_grad(false);
    Rng noise_rng(cfg.seed ^ 0xf17edULL);
    for (auto& v : fixed_noise_) v = static_cast<float>(noise_rng.normal());
  }

  // real: (B, 28, 28, 1) in [-1, 1].
  StepStats train_step(const Tensor<float>& real) {
    const int B = real.dim(0);
    noise_.resize({B, kNoiseDim});
    for (auto& v : noise_) v = static_cast<float>(data_rng_.normal());
    gen_.zero_grad();
    disc_.zero_grad();
    StepStats s;

    const Tensor<float>& fake = gen_.forward(noise_, Mode::Train);
    const Tensor<float>& real_logits = disc_.forward(real, Mode::Train);
    s.d_real = mean_sigmoid(real_logits);
    s.d_loss = bce_with_logits(real_logits, 1.0f, &dlogits_);
    disc_.backward(dlogits_);

    const Tensor<float>& fake_logits = disc_.forward(fake, Mode::Train);
    s.d_fake = mean_sigmoid(fake_logits);
    s.d_loss += bce_with_logits(fake_logits, 0.0f, &dlogits_);
    disc_.backward(dlogits_);

    s.g_loss = bce_with_logits(fake_logits, 1.0f, &dlogits_);
    disc_.set_trainable(false);
    disc_.set_needs_input_grad(true);
    gen_.backward(disc_.backward(dlogits_));
    disc_.set_trainable(true);
    disc_.set_needs_input_grad(false);

    gen_opt_.step();
    disc_opt_.step();
    return s;
  }

  // The generator's images for the fixed 16 noise vectors, in Eval mode (running BatchNorm
  // statistics), as the seed's generate_and_save_images.
  const Tensor<float>& sample_fixed() { return gen_.forward(fixed_noise_, Mode::Eval); }

  Sequential<float>& generator() { return gen_; }
  Sequential<float>& discriminator() { return disc_; }
  Adam<float>& generator_optimizer() { return gen_opt_; }
  Adam<float>& discriminator_optimizer() { return disc_opt_; }
  Rng& data_rng() { return data_rng_; }
  Rng& dropout_rng() { return dropout_rng_; }
  Tensor<float>& fixed_noise() { return fixed_noise_; }
  const Tensor<float>& last_noise() const { return noise_; }  // the z of the latest train_step
  const DcganConfig& config() const { return cfg_; }

  // True if every parameter and BatchNorm statistic of both networks is finite.
  bool weights_finite() {
    for (auto* net : {&gen_, &disc_})
      for (auto* t : net->state_tensors())
        for (float v : *t)
          if (!std::isfinite(v)) return false;
    return true;
  }

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
  AdamConfig adam_config() const { return AdamConfig{cfg_.learning_rate, cfg_.beta1, 0.999, 1e-7}; }
  static float mean_sigmoid(const Tensor<float>& z) {
    double s = 0;
    for (float v : z) s += sigmoid(static_cast<double>(v));
    return static_cast<float>(s / z.size());
  }

  DcganConfig cfg_;
  Rng init_rng_, data_rng_, dropout_rng_;
  Sequential<float> gen_, disc_;
  Adam<float> gen_opt_, disc_opt_;
  Tensor<float> fixed_noise_, noise_, dlogits_;
};

}  // namespace ganlite::reference
