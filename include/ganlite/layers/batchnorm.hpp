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
#include <memory>
#include <cmath>
#include <vector>

#include "../kernels/reduce.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T = float>
class BatchNorm : public Layer<T> {
 public:
  explicit BatchNorm(int channels, double momentum = 0.99, double epsilon = 1e-3)
      : c_(channels), momentum_(momentum), eps_(epsilon), gamma_({channels}, T(1)), beta_({channels}),
        dgamma_({channels}), dbeta_({channels}), mean_({channels}), var_({channels}, T(1)),
        shift_(channels), inv_std_(channels), sum_(channels), sum2_(channels), k_(channels), mg_(channels),
        mgx_(channels) {}
  std::string type() const override { return "BatchNormalization"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<BatchNorm>(*this); }
  Shape output_shape(const Shape& in) const override {
    if (in.empty() || in.back() != c_)
      throw std::invalid_argument("BatchNorm: expects last axis " + std::to_string(c_) + ", got " + shape_str(in));
    return in;
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode mode) override {
    this->output_shape(this->without_batch(x.shape()));
    const long M = static_cast<long>(x.size() / c_);
    if (mode == Mode::Train) {
      batch_sums(x, sum_.data());
      for (int c = 0; c < c_; ++c) sum_[c] /= M;  // batch mean
      centred_square_sums(x, sum_.data(), sum2_.data());
      for (int c = 0; c < c_; ++c) sum2_[c] /= M;  // biased variance
      return forward_with_statistics(x, sum_.data(), sum2_.data());
    }
    mode_ = mode;
    for (int c = 0; c < c_; ++c) {
      inv_std_[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(var_[c]) + eps_));
      shift_[c] = mean_[c];
    }
    return normalized(x);
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    gradient_sums(dy, sum_.data(), sum2_.data());
    add_parameter_gradients(sum_.data(), sum2_.data());
    return input_gradient(dy, sum_.data(), sum2_.data(), static_cast<long>(dy.size() / c_));
  }

  // Whole-batch sums (layer.hpp): forward takes two rounds (the sums of x, then of its squared
  // deviations from the whole batch's mean), backward one (sum(dy) and sum(dy * xhat)); the
  // gradients of gamma and beta come from each shard's own part.
  int forward_sum_rounds(Mode mode) const override { return mode == Mode::Train ? 2 : 0; }
  int backward_sum_rounds() const override { return mode_ == Mode::Train ? 1 : 0; }
  std::size_t sums_per_round(Pass pass) const override { return static_cast<std::size_t>(pass == Pass::Forward ? c_ : 2 * c_); }
  void partial_sums(Pass pass, int round, const Tensor<T>& in, const double* totals, double* part) override {
    if (pass == Pass::Backward) {
      gradient_sums(in, part, part + c_);
      add_parameter_gradients(part, part + c_);
    } else if (round == 0) {
      batch_sums(in, part);
    } else {
      const long M = whole_batch_rows(in);
      for (int c = 0; c < c_; ++c) sum_[c] = totals[c] / M;
      centred_square_sums(in, sum_.data(), part);
    }
  }
  const Tensor<T>& finish_forward(const Tensor<T>& x, const double* totals) override {
    const long M = whole_batch_rows(x);
    for (int c = 0; c < c_; ++c) sum_[c] = totals[c] / M, sum2_[c] = totals[c_ + c] / M;
    return forward_with_statistics(x, sum_.data(), sum2_.data());
  }
  const Tensor<T>& finish_backward(const Tensor<T>& dy, const double* totals) override {
    return input_gradient(dy, totals, totals + c_, whole_batch_rows(dy));
  }

  int channels() const { return c_; }

  std::vector<Tensor<T>*> params() override { return {&gamma_, &beta_}; }
  std::vector<Tensor<T>*> grads() override { return {&dgamma_, &dbeta_}; }
  std::vector<Tensor<T>*> buffers() override { return {&mean_, &var_}; }
  std::vector<std::string> param_names() override { return {"gamma", "beta"}; }
  std::vector<std::string> buffer_names() override { return {"moving_mean", "moving_variance"}; }
  double epsilon() const { return eps_; }
  const Tensor<T>& moving_mean() const { return mean_; }
  const Tensor<T>& moving_variance() const { return var_; }

 private:
  // The phases of a Train-mode pass; forward and backward are these with one shard's sums, the
  // whole-batch-sum rounds above the same with the sums of all shards. Per channel, in double.
  //   forward:  batch_sums -> mean = sum / M -> centred_square_sums -> var = sum / M
  //             -> forward_with_statistics(mean, var)
  //   backward: gradient_sums -> add_parameter_gradients (the shard's own sums)
  //             -> input_gradient (the sums and M of the whole batch)
  void batch_sums(const Tensor<T>& x, double* sum) const {
    const T* xp = x.data();
    column_sums(static_cast<long>(x.size() / c_), c_, [&](long r, int c) { return xp[r * c_ + c]; }, sum);
  }
  void centred_square_sums(const Tensor<T>& x, const double* mean, double* sum) const {
    const T* xp = x.data();
    column_sums(static_cast<long>(x.size() / c_), c_, [&](long r, int c) { double d = xp[r * c_ + c] - mean[c]; return d * d; }, sum);
  }
  const Tensor<T>& forward_with_statistics(const Tensor<T>& x, const double* mean, const double* var) {
    mode_ = Mode::Train;
    for (int c = 0; c < c_; ++c) {
      inv_std_[c] = static_cast<T>(1.0 / std::sqrt(var[c] + eps_));
      mean_[c] = static_cast<T>(momentum_ * mean_[c] + (1 - momentum_) * mean[c]);
      var_[c] = static_cast<T>(momentum_ * var_[c] + (1 - momentum_) * var[c]);
      shift_[c] = static_cast<T>(mean[c]);
    }
    return normalized(x);
  }
  // sum_dy = sum(dy), sum_dy_xhat = sum(dy * xhat) per channel.
  void gradient_sums(const Tensor<T>& dy, double* sum_dy, double* sum_dy_xhat) const {
    const long M = static_cast<long>(dy.size() / c_);
    const T* g = dy.data();
    const T* xh = xhat_.data();
    column_sums(M, c_, [&](long r, int c) { return g[r * c_ + c]; }, sum_dy);
    column_sums(M, c_, [&](long r, int c) { return g[r * c_ + c] * xh[r * c_ + c]; }, sum_dy_xhat);
  }
  void add_parameter_gradients(const double* sum_dy, const double* sum_dy_xhat) {
    if (!this->trainable_) return;
    for (int c = 0; c < c_; ++c) {
      dgamma_[c] += static_cast<T>(sum_dy_xhat[c]);
      dbeta_[c] += static_cast<T>(sum_dy[c]);
    }
  }
  // dx from the sums over the M rows of the whole batch (Train) or the running statistics (Eval).
  const Tensor<T>& input_gradient(const Tensor<T>& dy, const double* sum_dy, const double* sum_dy_xhat, long M) {
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    const bool train = mode_ == Mode::Train;
    for (int c = 0; c < c_; ++c) {
      k_[c] = gamma_[c] * inv_std_[c];
      mg_[c] = train ? static_cast<T>(sum_dy[c] / M) : T(0);
      mgx_[c] = train ? static_cast<T>(sum_dy_xhat[c] / M) : T(0);
    }
    input_grad(dy.data(), xhat_.data(), k_.data(), mg_.data(), mgx_.data(), dx_.data(), static_cast<long>(dy.size() / c_), c_);
    return dx_;
  }
  // M of the whole batch: the (M, C) rows per image of this input times the batch's images.
  long whole_batch_rows(const Tensor<T>& t) const {
    const long rows = t.dim(0), per_image = static_cast<long>(t.size() / c_) / rows;
    return per_image * this->batch_rows(rows);
  }
  // y = xhat * gamma + beta, with xhat = (x - shift) * inv_std; xhat is kept for backward.
  const Tensor<T>& normalized(const Tensor<T>& x) {
    xhat_.resize(x.shape());
    y_.resize(x.shape());
    normalize(x.data(), shift_.data(), inv_std_.data(), gamma_.data(), beta_.data(), xhat_.data(), y_.data(), static_cast<long>(x.size() / c_), c_);
    return y_;
  }
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
