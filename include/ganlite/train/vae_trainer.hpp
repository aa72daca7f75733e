// ganlite/train/vae_trainer.hpp — trains a variational autoencoder (Kingma & Welling 2014),
// optionally conditioned on a class, from the same batches as a GAN: images (B, H, W, C) with
// pixels in [-1, 1], which the VAE reads as Bernoulli probabilities p = (x + 1) / 2.
//
// The step (losses/vae_terms.hpp for each term and its gradient):
//   h = E([x, label planes])  (B, 2L): mu and logvar;  eps ~ N(0, I) (B, L) from the data Rng
//   z = mu + exp(logvar / 2) * eps;  logits = Dec([z, one-hot])
//   loss = reconstruction + w * KL,  reconstruction = sum over pixels of BCE(logits, p),
//   KL = KL(N(mu, sigma^2) || N(0, I)), both per image, means over the batch
//   w = beta, or beta * n / kl_warmup_steps at the n-th step until then (a linear KL warm-up)
// then one Adam step over both networks. negative ELBO = reconstruction + KL (w = 1), in nats
// per image, whatever w is.
// All randomness comes from Rngs held here — init (weights) and data (eps and the training
// loop's shuffles) — so a checkpoint of the trainer's state continues bit-identically.
#pragma once
#include <array>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../losses/vae_terms.hpp"
#include "../models/sequential.hpp"
#include "../optim/adam.hpp"
#include "../rng.hpp"
#include "conditioning.hpp"

namespace ganlite {

struct VaeConfig {
  std::uint64_t seed = 0;
  int latent = 16;   // L
  int classes = 0;   // 0: unconditional; K: the encoder and decoder see the class
  int batch = 128;
  AdamConfig adam{1e-3, 0.9, 0.999, 1e-7};
  double beta = 1;            // the KL term's weight (beta-VAE; 1: the ELBO)
  long kl_warmup_steps = 0;   // 0: none; else the weight rises linearly to beta over these steps
};

struct VaeStepStats {
  float negative_elbo = 0, reconstruction = 0, kl = 0;  // nats per image
  float kl_weight = 1;                                  // w of this step
  static constexpr std::array<const char*, 4> names = {"negative_elbo", "reconstruction", "kl", "kl_weight"};
  std::array<float, 4> values() const { return {negative_elbo, reconstruction, kl, kl_weight}; }
};

template <class T = float>
class VaeTrainer {
 public:
  using MakeNet = std::function<Sequential<T>(Rng& init)>;

  // make_encoder(init): (H, W, C + K) -> (2L); make_decoder(init): (L + K) -> (H, W, C) logits.
  VaeTrainer(const VaeConfig& cfg, const MakeNet& make_encoder, const MakeNet& make_decoder)
      : cfg_(cfg), init_rng_(cfg.seed), data_rng_(cfg.seed ^ 0x5eed0da7aULL), enc_(make_encoder(init_rng_)), dec_(make_decoder(init_rng_)),
        opt_(joined(enc_.params(), dec_.params()), joined(enc_.grads(), dec_.grads()), cfg.adam) {
    const int K = cfg.classes, L = cfg.latent;
    if (L < 1) throw std::invalid_argument("VaeTrainer: latent size " + std::to_string(L) + " is not at least 1");
    if (!(cfg.beta >= 0) || cfg.kl_warmup_steps < 0) throw std::invalid_argument("VaeTrainer: beta and kl_warmup_steps must not be negative");
    image_shape_ = dec_.output_shape();
    const Shape& e_in = enc_.input_shape();
    Shape want = image_shape_;
    if (want.size() == 3) want[2] += K;
    if (e_in != want || enc_.output_shape() != Shape{2 * L})
      throw std::invalid_argument("VaeTrainer: the encoder takes " + shape_str(e_in) + " and gives " + shape_str(enc_.output_shape()) +
                                  "; the decoder's images " + shape_str(image_shape_) + " need it to take " + shape_str(want) + " and give (" +
                                  std::to_string(2 * L) + ",)");
    if (dec_.input_shape() != Shape{L + K})
      throw std::invalid_argument("VaeTrainer: the decoder takes " + shape_str(dec_.input_shape()) + "; latent " + std::to_string(L) + " + classes " +
                                  std::to_string(K) + " needs (" + std::to_string(L + K) + ",)");
    enc_.set_needs_input_grad(false);
  }
  VaeTrainer(const VaeTrainer&) = delete;
  VaeTrainer& operator=(const VaeTrainer&) = delete;

  // The training loop's view (training_loop.hpp): batch, labels or not, one step.
  using Scalar = T;
  using Figures = VaeStepStats;
  int batch_size() const { return cfg_.batch; }
  bool takes_labels() const { return cfg_.classes > 0; }
  VaeStepStats step(const Tensor<T>& images, const std::vector<int>& labels) { return train_step(images, labels); }

  VaeStepStats train_step(const Tensor<T>& images, const std::vector<int>& labels = {}) {
    const int B = images.dim(0), K = cfg_.classes, L = cfg_.latent;
    if (K > 0) check_labels(labels, B, K);
    enc_.zero_grad();
    dec_.zero_grad();
    eps_.resize({B, L});
    for (auto& v : eps_) v = static_cast<T>(data_rng_.normal());
    const Tensor<T>& h = enc_.forward(encoder_input(images, labels, enc_in_), Mode::Train);
    reparameterize(h, eps_, z_);
    const Tensor<T>& logits = dec_.forward(decoder_input(z_, labels, dec_in_), Mode::Train);
    probabilities(images, p_);
    VaeStepStats s;
    s.reconstruction = static_cast<float>(bernoulli_nll_with_logits(logits, p_, &dlogits_));
    s.kl_weight = static_cast<float>(kl_weight(opt_.state().step + 1));
    const Tensor<T>& d_in = dec_.backward(dlogits_);
    latent_part(d_in, dz_);
    reparameterize_backward(h, eps_, dz_, dh_);
    s.kl = static_cast<float>(gaussian_kl(h, &dh_, s.kl_weight));
    enc_.backward(dh_);
    opt_.step();
    s.negative_elbo = s.reconstruction + s.kl;
    return s;
  }

  // The KL term's weight at the n-th step (1-based).
  double kl_weight(std::int64_t n) const {
    if (cfg_.kl_warmup_steps <= 0 || n >= cfg_.kl_warmup_steps) return cfg_.beta;
    return cfg_.beta * static_cast<double>(n) / static_cast<double>(cfg_.kl_warmup_steps);
  }

  // Images (pixels in [-1, 1]) the decoder draws for latent points z (B, L), in Eval mode.
  const Tensor<T>& generate(const Tensor<T>& z, const std::vector<int>& labels = {}) {
    if (cfg_.classes > 0) check_labels(labels, z.dim(0), cfg_.classes);
    return to_pixels(dec_.forward(decoder_input(z, labels, sample_in_), Mode::Eval));
  }
  // The encoder's mean mu (B, L) of each image, in Eval mode: where the image sits in latent space.
  const Tensor<T>& encode_mean(const Tensor<T>& images, const std::vector<int>& labels = {}) {
    if (cfg_.classes > 0) check_labels(labels, images.dim(0), cfg_.classes);
    const Tensor<T>& h = enc_.forward(encoder_input(images, labels, enc_in_), Mode::Eval);
    const int B = h.dim(0), L = cfg_.latent;
    mu_.resize({B, L});
    for (int b = 0; b < B; ++b) std::copy(h.data() + b * 2 * L, h.data() + b * 2 * L + L, mu_.data() + b * L);
    return mu_;
  }
  // Each image through the encoder's mean and back, in Eval mode.
  const Tensor<T>& reconstruct(const Tensor<T>& images, const std::vector<int>& labels = {}) { return generate(encode_mean(images, labels), labels); }
  // The negative ELBO of images, nats per image, in Eval mode with one draw of eps from `rng`.
  double negative_elbo(const Tensor<T>& images, const std::vector<int>& labels, Rng& rng) {
    const int B = images.dim(0), L = cfg_.latent;
    if (cfg_.classes > 0) check_labels(labels, B, cfg_.classes);
    const Tensor<T>& h = enc_.forward(encoder_input(images, labels, enc_in_), Mode::Eval);
    Tensor<T> eps({B, L}), z;
    for (auto& v : eps) v = static_cast<T>(rng.normal());
    reparameterize(h, eps, z);
    const double kl = gaussian_kl(h);
    probabilities(images, p_);
    return bernoulli_nll_with_logits(dec_.forward(decoder_input(z, labels, dec_in_), Mode::Eval), p_) + kl;
  }

  bool weights_finite() {
    for (auto* net : {&enc_, &dec_})
      for (auto* t : net->state_tensors())
        for (T v : *t)
          if (!std::isfinite(v)) return false;
    return true;
  }

  Sequential<T>& encoder() { return enc_; }
  Sequential<T>& decoder() { return dec_; }
  Adam<T>& optimizer() { return opt_; }
  Rng& data_rng() { return data_rng_; }
  const VaeConfig& config() const { return cfg_; }
  const Shape& image_shape() const { return image_shape_; }
  const Tensor<T>& last_eps() const { return eps_; }  // the eps of the latest train_step

 private:
  static std::vector<Tensor<T>*> joined(std::vector<Tensor<T>*> a, const std::vector<Tensor<T>*>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  const Tensor<T>& encoder_input(const Tensor<T>& x, const std::vector<int>& labels, Tensor<T>& buffer) {
    if (cfg_.classes == 0) return x;
    join_label_planes(x, labels, cfg_.classes, buffer);
    return buffer;
  }
  const Tensor<T>& decoder_input(const Tensor<T>& z, const std::vector<int>& labels, Tensor<T>& buffer) {
    if (cfg_.classes == 0) return z;
    join_one_hot(z, labels, cfg_.classes, buffer);
    return buffer;
  }
  static void probabilities(const Tensor<T>& x, Tensor<T>& p) {
    p.resize(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) p[i] = (x[i] + T(1)) / T(2);
  }
  // dz: the first L columns of the decoder's input gradient (the rest is the one-hot's).
  void latent_part(const Tensor<T>& d_in, Tensor<T>& dz) const {
    const int B = d_in.dim(0), L = cfg_.latent, W = d_in.dim(1);
    dz.resize({B, L});
    for (int b = 0; b < B; ++b) std::copy(d_in.data() + b * W, d_in.data() + b * W + L, dz.data() + b * L);
  }
  const Tensor<T>& to_pixels(const Tensor<T>& logits) {
    pixels_.resize(logits.shape());
    for (std::size_t i = 0; i < logits.size(); ++i) pixels_[i] = static_cast<T>(2 * sigmoid(static_cast<double>(logits[i])) - 1);
    return pixels_;
  }

  VaeConfig cfg_;
  Rng init_rng_, data_rng_;
  Sequential<T> enc_, dec_;
  Adam<T> opt_;
  Shape image_shape_;
  Tensor<T> eps_, z_, dz_, dh_, dlogits_, p_, enc_in_, dec_in_, sample_in_, mu_, pixels_;
};

}  // namespace ganlite
