// ganlite/layers/dense.hpp — fully connected layer (Keras Dense).
//
// x: (B, in)  W: (in, out)  b: (out) optional  ->  y: (B, out) = x W + b
// backward: dW += x^T dy,  db += sum_B dy,  dx = dy W^T
//   Dense(DenseOptions(100, 256).bias(false), rng)   — W Glorot-uniform from rng, b zero
#pragma once
#include <vector>

#include "../kernels/gemm.hpp"
#include "../kernels/reduce.hpp"
#include "init.hpp"
#include "layer.hpp"

namespace ganlite {

struct DenseOptions {
  DenseOptions(int in_features, int out_features) : in(in_features), out(out_features) {}
  DenseOptions& bias(bool b) { use_bias = b; return *this; }
  int in, out;
  bool use_bias = true;  // Keras' and PyTorch's default
};

template <class T = float>
class Dense : public Layer<T> {
 public:
  Dense(const DenseOptions& o, Rng& rng) : in_(o.in), out_(o.out), use_bias_(o.use_bias), w_({o.in, o.out}), dw_({o.in, o.out}) {
    const int out = o.out;
    glorot_uniform(w_, rng);
    if (use_bias_) b_ = db_ = Tensor<T>({out});
  }
  std::string type() const override { return "Dense"; }
  Shape output_shape(const Shape& in) const override {
    if (in.size() != 1 || in[0] != in_)
      throw std::invalid_argument("Dense: expects input (" + std::to_string(in_) + ",), got " + shape_str(in));
    return {out_};
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    this->output_shape(this->without_batch(x.shape()));
    x_ = &x;
    const int B = x.dim(0);
    y_.resize({B, out_});
    gemm(Trans::N, Trans::N, B, out_, in_, x.data(), in_, w_.data(), out_, T(0), y_.data(), out_);
    if (use_bias_) add_to_rows(y_.data(), B, out_, b_.data());
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    const int B = dy.dim(0);
    if (this->trainable_) {
      gemm(Trans::T, Trans::N, in_, out_, B, x_->data(), in_, dy.data(), out_, T(1), dw_.data(), out_);
      if (use_bias_) {
        bias_sum_.resize(out_);  // a member: no allocation after the first step
        column_sums(B, out_, [&](long r, int c) { return dy[r * out_ + c]; }, bias_sum_.data());
        for (int j = 0; j < out_; ++j) db_[j] += static_cast<T>(bias_sum_[j]);
      }
    }
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(x_->shape());
    gemm(Trans::N, Trans::T, B, in_, out_, dy.data(), out_, w_.data(), out_, T(0), dx_.data(), in_);
    return dx_;
  }

  std::vector<Tensor<T>*> params() override { return use_bias_ ? std::vector<Tensor<T>*>{&w_, &b_} : std::vector<Tensor<T>*>{&w_}; }
  std::vector<std::string> param_names() override { return use_bias_ ? std::vector<std::string>{"kernel", "bias"} : std::vector<std::string>{"kernel"}; }
  std::vector<Tensor<T>*> grads() override { return use_bias_ ? std::vector<Tensor<T>*>{&dw_, &db_} : std::vector<Tensor<T>*>{&dw_}; }

 private:
  int in_, out_;
  bool use_bias_;
  Tensor<T> w_, dw_, b_, db_, y_, dx_;
  std::vector<double> bias_sum_;
  const Tensor<T>* x_ = nullptr;
};

}  // namespace ganlite
