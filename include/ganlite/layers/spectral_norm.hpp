// ganlite/layers/spectral_norm.hpp — spectral normalization of a layer's kernel (Miyato et al.
// 2018; Keras' SpectralNormalization wrapper).
//
// The wrapped layer (Dense, Conv2D or Conv2DTranspose) computes with W̄ = W / σ(W), σ being the
// largest singular value of W seen as a matrix M (R, F), F its last axis (Dense (in, out): out;
// Conv2D (KH, KW, C, F): F). So every such layer of D is at most 1-Lipschitz, whatever Adam does
// to W. σ is estimated by power iteration with a vector u (F), a buffer saved with the weights
// ("vector_u"):
//   the first Train pass after W or u changed (so once per training step; n = power_iterations):
//     n times  u := normalize(Mᵀ normalize(M u))
//   then, in either mode:  σ = ‖M u‖,  v = M u / σ,  W̄ = M / σ
// Eval uses u as it is and never moves it, so sampling or scoring changes nothing.
// backward: the wrapped layer's kernel gradient G = dL/dW̄, then through σ with u held fixed
// (dσ/dM = v uᵀ, the paper's gradient; σ is not treated as a constant):
//   dW += (G − ⟨G, W̄⟩ v uᵀ) / σ
// A bias stays the wrapped layer's own, not normalized. Parameters are named as the wrapped
// layer's ("kernel" is W itself), under this layer's name.
//   d.add(SpectralNormalization<float>(Conv2D<float>(Conv2dOptions(1, 64, 5).stride(2), rng), rng));
#pragma once
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "kernel_layer.hpp"

namespace ganlite {

template <class T = float>
class SpectralNormalization : public Layer<T> {
 public:
  // u starts as a normal draw from rng (then normalized); power_iterations per training step.
  template <class L, std::enable_if_t<std::is_base_of_v<KernelLayer<T>, L>, int> = 0>
  SpectralNormalization(L layer, Rng& rng, int power_iterations = 1)
      : inner_{std::make_unique<L>(std::move(layer))}, iterations_(power_iterations) {
    if (power_iterations < 1) throw std::invalid_argument("SpectralNormalization: power_iterations must be at least 1");
    kernel_ = inner_.layer->kernel();
    dkernel_ = Tensor<T>(kernel_.shape());
    u_ = Tensor<T>({kernel_.shape().back()});
    std::vector<double> u(u_.size());
    for (auto& x : u) x = rng.normal();
    normalize(u);
    std::copy(u.begin(), u.end(), u_.begin());
  }

  std::string type() const override { return "SpectralNormalization"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<SpectralNormalization>(*this); }
  void draw_from(Rng& rng) override { inner_.layer->draw_from(rng); }
  Shape output_shape(const Shape& in) const override { return inner_.layer->output_shape(in); }
  std::string methods(const Shape& in, int batch) const override { return inner_.layer->methods(in, batch); }

  std::vector<Tensor<T>*> params() override { return with_bias(&kernel_, inner_.layer->params()); }
  std::vector<Tensor<T>*> grads() override { return with_bias(&dkernel_, inner_.layer->grads()); }
  std::vector<std::string> param_names() override { return inner_.layer->param_names(); }
  std::vector<Tensor<T>*> buffers() override { return {&u_}; }
  std::vector<std::string> buffer_names() override { return {"vector_u"}; }

  const Tensor<T>& forward(const Tensor<T>& x, Mode mode) override {
    normalize_kernel(mode);
    KernelLayer<T>& l = *inner_.layer;
    l.set_shard(this->shard());
    l.set_trainable(this->trainable_);
    l.set_needs_input_grad(this->needs_input_grad_);
    return l.forward(x, mode);
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    KernelLayer<T>& l = *inner_.layer;
    l.set_trainable(this->trainable_);
    l.set_needs_input_grad(this->needs_input_grad_);
    if (!this->trainable_) return l.backward(dy);
    Tensor<T>& g = l.kernel_gradient();  // dL/dW̄ of this pass alone
    g.zero();
    const Tensor<T>& dx = l.backward(dy);
    const Tensor<T>& wbar = l.kernel();
    double g_dot_wbar = 0;
    for (std::size_t i = 0; i < g.size(); ++i) g_dot_wbar += static_cast<double>(g[i]) * static_cast<double>(wbar[i]);
    const std::size_t F = u_.size(), R = g.size() / F;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t f = 0; f < F; ++f) {
        const std::size_t i = r * F + f;
        dkernel_[i] += static_cast<T>((static_cast<double>(g[i]) - g_dot_wbar * v_[r] * u_used_[f]) / sigma_);
      }
    return dx;
  }

  // The kernel the wrapped layer computes with in Eval mode, W / σ (for an export, say).
  const Tensor<T>& normalized_kernel() {
    normalize_kernel(Mode::Eval);
    return inner_.layer->kernel();
  }
  // σ of the latest pass (0 before the first).
  double sigma() const { return sigma_; }
  KernelLayer<T>& wrapped() { return *inner_.layer; }

 private:
  // The wrapped layer, copied with the wrapper (Layer::clone).
  struct Owned {
    std::unique_ptr<KernelLayer<T>> layer;
    Owned(std::unique_ptr<KernelLayer<T>> l) : layer(std::move(l)) {}
    Owned(const Owned& o) : layer(static_cast<KernelLayer<T>*>(o.layer->clone().release())) {}
    Owned(Owned&&) noexcept = default;
    Owned& operator=(Owned o) noexcept {
      layer = std::move(o.layer);
      return *this;
    }
  };

  std::vector<Tensor<T>*> with_bias(Tensor<T>* kernel, std::vector<Tensor<T>*> inner) const {
    inner[0] = kernel;
    return inner;
  }
  static void normalize(std::vector<double>& x) {
    double n = 0;
    for (double e : x) n += e * e;
    n = std::max(std::sqrt(n), 1e-12);  // a zero vector stays zero rather than NaN
    for (double& e : x) e /= n;
  }
  static bool same(const Tensor<T>& a, const Tensor<T>& b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

  // W̄ into the wrapped layer's kernel, for the W and u of now (see the top of the file).
  void normalize_kernel(Mode mode) {
    const bool unchanged = same(kernel_, seen_kernel_) && same(u_, seen_u_);
    if (unchanged && (mode == Mode::Eval || iterated_)) return;
    const std::size_t F = u_.size(), R = kernel_.size() / F;
    auto times_u = [&](const std::vector<double>& u, std::vector<double>& out) {  // out = M u
      out.assign(R, 0.0);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t f = 0; f < F; ++f) out[r] += static_cast<double>(kernel_[r * F + f]) * u[f];
    };
    std::vector<double> u(u_.begin(), u_.end());
    normalize(u);
    if (mode == Mode::Train) {
      for (int it = 0; it < iterations_; ++it) {
        times_u(u, v_);
        normalize(v_);
        std::fill(u.begin(), u.end(), 0.0);  // u = Mᵀ v
        for (std::size_t r = 0; r < R; ++r)
          for (std::size_t f = 0; f < F; ++f) u[f] += static_cast<double>(kernel_[r * F + f]) * v_[r];
        normalize(u);
      }
      std::copy(u.begin(), u.end(), u_.begin());
    }
    times_u(u, v_);
    double s = 0;
    for (double e : v_) s += e * e;
    sigma_ = std::sqrt(s);
    if (!(sigma_ > 0) || !std::isfinite(sigma_))
      throw std::runtime_error("SpectralNormalization " + this->name() + ": the kernel's spectral norm is " + std::to_string(sigma_) +
                               " (a zero or non-finite kernel can't be normalized)");
    for (double& e : v_) e /= sigma_;
    u_used_ = u;
    Tensor<T>& wbar = inner_.layer->kernel();
    for (std::size_t i = 0; i < kernel_.size(); ++i) wbar[i] = static_cast<T>(static_cast<double>(kernel_[i]) / sigma_);
    seen_kernel_ = kernel_;
    seen_u_ = u_;
    iterated_ = mode == Mode::Train;
  }

  Owned inner_;
  int iterations_;
  Tensor<T> kernel_, dkernel_, u_;     // W (the parameter), its gradient, the power iteration's u
  Tensor<T> seen_kernel_, seen_u_;     // the W and u that W̄ was made from
  bool iterated_ = false;              // ... after moving u (a Train pass)
  double sigma_ = 0;
  std::vector<double> v_, u_used_;     // the v and u of σ = vᵀ M u, for backward
};

}  // namespace ganlite
