// ganlite/layers/batchnorm.hpp — batch normalisation over the last axis (Keras BatchNormalization).
//
// x: (B, F) or (B, H, W, C), viewed as (M, C) with M = all leading elements, C = last axis.
// Train: mu, var = batch mean and biased variance per channel; xhat = (x - mu) / sqrt(var + eps);
//        y = gamma * xhat + beta; running = momentum * running + (1 - momentum) * batch.
// Eval:  the same with the running mean and variance (no update).
// backward (Train), per channel with g = dy * gamma, s = 1/sqrt(var+eps):
//   dgamma += sum(dy * xhat), dbeta += sum(dy),
//   dx = s * (g - mean(g) - xhat * mean(g * xhat))
// backward (Eval): dx = dy * gamma * s (the statistics are constants).
// Defaults are Keras': momentum 0.99, epsilon 1e-3, gamma = 1, beta = 0, running var = 1.
#pragma once
#include <cmath>
#include <vector>

#include "../kernels/reduce.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T>
class BatchNorm : public Layer<T> {
 public:
  explicit BatchNorm(int channels, double momentum = 0.99, double epsilon = 1e-3)
      : c_(channels), momentum_(momentum), eps_(epsilon), gamma_({channels}, T(1)), beta_({channels}),
        dgamma_({channels}), dbeta_({channels}), mean_({channels}), var_({channels}, T(1)),
        shift_(channels), inv_std_(channels), sum_(channels), sum2_(channels), k_(channels), mg_(channels),
        mgx_(channels) {}
  std::string type() const override { return "BatchNormalization"; }
  Shape output_shape(const Shape& in) const override {
    if (in.empty() || in.back() != c_)
      throw std::invalid_argument("BatchNorm: expects last axis " + std::to_string(c_) + ", got " + shape_str(in));
    return in;
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode mode) override {
    this->output_shape(this->without_batch(x.shape()));
    mode_ = mode;
    const long M = static_cast<long>(x.size() / c_);
    const T* xp = x.data();
    if (mode == Mode::Train) {
      column_sums(M, c_, [&](long r, int c) { return xp[r * c_ + c]; }, sum_.data());
      for (int c = 0; c < c_; ++c) sum_[c] /= M;  // batch mean
      column_sums(M, c_, [&](long r, int c) { double d = xp[r * c_ + c] - sum_[c]; return d * d; }, sum2_.data());
      for (int c = 0; c < c_; ++c) {
        const double mu = sum_[c], var = sum2_[c] / M;
        inv_std_[c] = static_cast<T>(1.0 / std::sqrt(var + eps_));
        mean_[c] = static_cast<T>(momentum_ * mean_[c] + (1 - momentum_) * mu);
        var_[c] = static_cast<T>(momentum_ * var_[c] + (1 - momentum_) * var);
        shift_[c] = static_cast<T>(mu);
      }
    } else {
      for (int c = 0; c < c_; ++c) {
        inv_std_[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(var_[c]) + eps_));
        shift_[c] = mean_[c];
      }
    }
    // y = xhat * gamma + beta, with xhat = (x - shift) * inv_std; xhat is kept for backward.
    xhat_.resize(x.shape());
    y_.resize(x.shape());
    normalize(xp, shift_.data(), inv_std_.data(), gamma_.data(), beta_.data(), xhat_.data(), y_.data(), M, c_);
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    const long M = static_cast<long>(dy.size() / c_);
    const T* g = dy.data();
    const T* xh = xhat_.data();
    column_sums(M, c_, [&](long r, int c) { return g[r * c_ + c]; }, sum_.data());
    column_sums(M, c_, [&](long r, int c) { return g[r * c_ + c] * xh[r * c_ + c]; }, sum2_.data());
    if (this->trainable_)
      for (int c = 0; c < c_; ++c) {
        dgamma_[c] += static_cast<T>(sum2_[c]);
        dbeta_[c] += static_cast<T>(sum_[c]);
      }
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    T* dx = dx_.data();
    const bool train = mode_ == Mode::Train;
    for (int c = 0; c < c_; ++c) {
      k_[c] = gamma_[c] * inv_std_[c];
      mg_[c] = train ? static_cast<T>(sum_[c] / M) : T(0);
      mgx_[c] = train ? static_cast<T>(sum2_[c] / M) : T(0);
    }
    input_grad(g, xh, k_.data(), mg_.data(), mgx_.data(), dx, M, c_);
    return dx_;
  }

  std::vector<Tensor<T>*> params() override { return {&gamma_, &beta_}; }
  std::vector<Tensor<T>*> grads() override { return {&dgamma_, &dbeta_}; }
  std::vector<Tensor<T>*> buffers() override { return {&mean_, &var_}; }
  const Tensor<T>& moving_mean() const { return mean_; }
  const Tensor<T>& moving_variance() const { return var_; }

 private:
  // Row loops over (M, C) with restrict pointers so the compiler vectorises across channels.
  static void normalize(const T* __restrict x, const T* __restrict shift, const T* __restrict inv_std, const T* __restrict gamma,
                        const T* __restrict beta, T* __restrict xhat, T* __restrict y, long M, int C) {
#pragma omp parallel for schedule(static) if (M * C > 32768)
    for (long r = 0; r < M; ++r) {
#pragma omp simd
      for (int c = 0; c < C; ++c) {
        const long i = r * C + c;
        const T h = (x[i] - shift[c]) * inv_std[c];
        xhat[i] = h;
        y[i] = h * gamma[c] + beta[c];
      }
    }
  }
  static void input_grad(const T* __restrict g, const T* __restrict xhat, const T* __restrict k, const T* __restrict mg,
                         const T* __restrict mgx, T* __restrict dx, long M, int C) {
#pragma omp parallel for schedule(static) if (M * C > 32768)
    for (long r = 0; r < M; ++r) {
#pragma omp simd
      for (int c = 0; c < C; ++c) {
        const long i = r * C + c;
        dx[i] = k[c] * (g[i] - mg[c] - xhat[i] * mgx[c]);
      }
    }
  }

  int c_;
  double momentum_, eps_;
  Mode mode_ = Mode::Train;
  Tensor<T> gamma_, beta_, dgamma_, dbeta_, mean_, var_, xhat_, y_, dx_;
  std::vector<T> shift_, inv_std_;   // per channel: what is subtracted, 1/sqrt(var + eps)
  std::vector<double> sum_, sum2_;   // per-channel reductions
  std::vector<T> k_, mg_, mgx_;      // backward coefficients
};

}  // namespace ganlite
