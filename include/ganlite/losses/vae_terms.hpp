// ganlite/losses/vae_terms.hpp — the pieces of a variational autoencoder's loss (Kingma & Welling
// 2014), each with its gradient; a VAE trainer puts them together.
//
// The encoder's output h: (B, 2L) holds, per image, mu (its first L values) and log sigma^2 (its
// last L values, "logvar").
//   reparameterize:  z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) given as (B, L). Back:
//                    dmu = dz, dlogvar = dz * eps * exp(logvar / 2) / 2 (reparameterize_backward
//                    SETS dh).
//   gaussian_kl:     KL(N(mu, sigma^2) || N(0, I)) per image, -1/2 sum_j (1 + logvar_j - mu_j^2 -
//                    exp(logvar_j)), mean over the batch. Gradient (ADDED to *dh, times scale):
//                    dmu = mu / B, dlogvar = (exp(logvar) - 1) / (2 B).
//   bernoulli_nll_with_logits: -log p(x | logits) per image, the sum over its pixels of
//                    BCE(logit, x) for x in [0, 1], mean over the batch. Gradient (SET, times
//                    scale): (sigmoid(logit) - x) / B.
// A batch's negative ELBO, in nats per image, is bernoulli_nll_with_logits + gaussian_kl.
#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../tensor.hpp"
#include "bce_with_logits.hpp"

namespace ganlite {

namespace detail {
inline void check_latent(const Shape& h, const char* what) {
  if (h.size() != 2 || h[1] % 2 != 0 || h[0] < 1)
    throw std::invalid_argument(std::string(what) + ": expects (B, 2L): mu and logvar side by side, got " + shape_str(h));
}
}  // namespace detail

template <class T>
void reparameterize(const Tensor<T>& h, const Tensor<T>& eps, Tensor<T>& z) {
  detail::check_latent(h.shape(), "reparameterize");
  const int B = h.dim(0), L = h.dim(1) / 2;
  if (eps.shape() != Shape{B, L}) throw std::invalid_argument("reparameterize: eps must be " + shape_str({B, L}) + ", got " + shape_str(eps.shape()));
  z.resize({B, L});
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < L; ++j) {
      const T mu = h[b * 2 * L + j], logvar = h[b * 2 * L + L + j];
      z[b * L + j] = mu + std::exp(logvar / 2) * eps[b * L + j];
    }
}

template <class T>
void reparameterize_backward(const Tensor<T>& h, const Tensor<T>& eps, const Tensor<T>& dz, Tensor<T>& dh) {
  const int B = h.dim(0), L = h.dim(1) / 2;
  dh.resize(h.shape());
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < L; ++j) {
      const T g = dz[b * L + j], logvar = h[b * 2 * L + L + j];
      dh[b * 2 * L + j] = g;
      dh[b * 2 * L + L + j] = g * eps[b * L + j] * std::exp(logvar / 2) / 2;
    }
}

template <class T>
double gaussian_kl(const Tensor<T>& h, Tensor<T>* dh = nullptr, double scale = 1) {
  detail::check_latent(h.shape(), "gaussian_kl");
  const int B = h.dim(0), L = h.dim(1) / 2;
  if (dh && dh->shape() != h.shape()) throw std::invalid_argument("gaussian_kl: dh must have h's shape " + shape_str(h.shape()));
  double sum = 0;
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < L; ++j) {
      const double mu = h[b * 2 * L + j], logvar = h[b * 2 * L + L + j], var = std::exp(logvar);
      sum += -0.5 * (1 + logvar - mu * mu - var);
      if (dh) {
        (*dh)[b * 2 * L + j] += static_cast<T>(scale * mu / B);
        (*dh)[b * 2 * L + L + j] += static_cast<T>(scale * (var - 1) / (2.0 * B));
      }
    }
  return sum / B;
}

template <class T>
double bernoulli_nll_with_logits(const Tensor<T>& logits, const Tensor<T>& x, Tensor<T>* dlogits = nullptr, double scale = 1) {
  if (logits.size() != x.size() || logits.rank() < 1 || logits.dim(0) < 1)
    throw std::invalid_argument("bernoulli_nll_with_logits: logits " + shape_str(logits.shape()) + " and images " + shape_str(x.shape()) + " differ");
  const int B = logits.dim(0);
  if (dlogits) dlogits->resize(logits.shape());
  double sum = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const double z = logits[i], t = x[i];
    sum += std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::abs(z)));
    if (dlogits) (*dlogits)[i] = static_cast<T>(scale * (sigmoid(z) - t) / B);
  }
  return sum / B;
}

}  // namespace ganlite
