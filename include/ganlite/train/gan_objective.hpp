// ganlite/train/gan_objective.hpp — the loss pair a GAN trains with, as a part the trainer takes.
//
// A step's losses are means over the batch of per-sample terms of D's logits z:
//   D's loss = mean term(z_real, RealForD) + mean term(z_fake, FakeForD)
//   G's loss = mean term(z_fake, FakeForG)
// An objective gives each term and its derivative in z; objective_term() makes a batch's mean
// and its gradient. The name identifies the objective in checkpoints.
//   bce (the seed's, the default): BCE with logits against 1 for real and 0 for fake, and
//   against 1 for G's term (the "non-saturating" generator loss, as the seed's tutorial);
//   the same arithmetic as bce_with_logits, bit for bit.
//   hinge (Lim & Ye 2017; Miyato et al. 2018): D: relu(1 - z) for real, relu(1 + z) for fake;
//   G: -z. At a hinge's kink the derivative taken is 0.
//   least-squares (LSGAN, Mao et al. 2017, targets 1 for real and G, 0 for fake): D:
//   (z - 1)^2 / 2 for real, z^2 / 2 for fake; G: (z - 1)^2 / 2.
// With hinge and least-squares z is a score, not a logit; the trainer's D(x) and D(G(z)) figures
// are still mean sigmoid(z).
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "../losses/bce_with_logits.hpp"

namespace ganlite {

enum class GanTerm { RealForD, FakeForD, FakeForG };

struct GanObjective {
  std::string name;
  std::function<double(double z, GanTerm term)> loss, derivative;
};

inline GanObjective bce_objective() {
  auto target = [](GanTerm t) { return t == GanTerm::FakeForD ? 0.0 : 1.0; };
  return {"bce", [=](double z, GanTerm t) { return std::max(z, 0.0) - z * target(t) + std::log1p(std::exp(-std::abs(z))); },
          [=](double z, GanTerm t) { return sigmoid(z) - target(t); }};
}

inline GanObjective hinge_objective() {
  return {"hinge",
          [](double z, GanTerm t) {
            return t == GanTerm::RealForD ? std::max(0.0, 1 - z) : t == GanTerm::FakeForD ? std::max(0.0, 1 + z) : -z;
          },
          [](double z, GanTerm t) {
            return t == GanTerm::RealForD ? (z < 1 ? -1.0 : 0.0) : t == GanTerm::FakeForD ? (z > -1 ? 1.0 : 0.0) : -1.0;
          }};
}

inline GanObjective least_squares_objective() {
  auto target = [](GanTerm t) { return t == GanTerm::FakeForD ? 0.0 : 1.0; };
  return {"least-squares", [=](double z, GanTerm t) { return 0.5 * (z - target(t)) * (z - target(t)); },
          [=](double z, GanTerm t) { return z - target(t); }};
}

// The objectives this build knows by name, as checkpoints record them.
inline std::string known_objectives() { return "bce, hinge, least-squares"; }
inline bool known_objective(const std::string& name) { return name == "bce" || name == "hinge" || name == "least-squares"; }
inline GanObjective objective_named(const std::string& name) {
  if (name == "bce") return bce_objective();
  if (name == "hinge") return hinge_objective();
  if (name == "least-squares") return least_squares_objective();
  throw std::invalid_argument("no GAN objective is named \"" + name + "\" (known: " + known_objectives() + ")");
}

// The mean of a term over z's rows; if dz is non-null it is resized to z's shape and SET to
// scale * d(mean)/dz (a shard's gradient scaled by its share of the batch).
template <class T>
T objective_term(const GanObjective& objective, const Tensor<T>& z, GanTerm term, Tensor<T>* dz, T scale = T(1)) {
  const std::size_t n = z.size();
  if (n == 0) throw std::invalid_argument(objective.name + " objective: empty batch");
  if (dz) dz->resize(z.shape());
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double zi = z[i];
    sum += objective.loss(zi, term);
    if (dz) (*dz)[i] = static_cast<T>(scale * objective.derivative(zi, term) / static_cast<double>(n));
  }
  return static_cast<T>(sum / n);
}

}  // namespace ganlite
