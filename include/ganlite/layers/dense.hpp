// ganlite/layers/dense.hpp — fully connected layer (Keras Dense).
//
// x: (B, in)  W: (in, out)  b: (out) optional  ->  y: (B, out) = x W + b
// backward: dW += x^T dy,  db += sum_B dy,  dx = dy W^T
//   Dense(DenseOptions(100, 256).bias(false), rng)   — W Glorot-uniform from rng, b zero
#pragma once
#include <memory>
#include <vector>

#include "../kernels/gemm.hpp"
#include "kernel_layer.hpp"

namespace ganlite {

struct DenseOptions {
  DenseOptions(int in_features, int out_features) : in(in_features), out(out_features) {}
  DenseOptions& bias(bool b) { use_bias = b; return *this; }
  int in, out;
  bool use_bias = true;  // Keras' and PyTorch's default
};

template <class T = float>
class Dense : public KernelLayer<T> {
  using KernelLayer<T>::has_bias_;
  using KernelLayer<T>::w_;
  using KernelLayer<T>::dw_;
  using KernelLayer<T>::b_;
  using KernelLayer<T>::db_;
 public:
  Dense(const DenseOptions& o, Rng& rng) : KernelLayer<T>({o.in, o.out}, o.out, o.use_bias, rng), in_(o.in), out_(o.out) {}
  std::string type() const override { return "Dense"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Dense>(*this); }
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
    if (has_bias_) add_to_rows(y_.data(), B, out_, b_.data());
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    const int B = dy.dim(0);
    if (this->trainable_) {
      gemm(Trans::T, Trans::N, in_, out_, B, x_->data(), in_, dy.data(), out_, T(1), dw_.data(), out_);
      if (has_bias_) this->add_bias_gradient(B, out_, dy);
    }
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(x_->shape());
    gemm(Trans::N, Trans::T, B, in_, out_, dy.data(), out_, w_.data(), out_, T(0), dx_.data(), in_);
    return dx_;
  }


 private:
  int in_, out_;
  Tensor<T> y_, dx_;
  const Tensor<T>* x_ = nullptr;
};

}  // namespace ganlite
