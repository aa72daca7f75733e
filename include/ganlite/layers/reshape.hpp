// ganlite/layers/reshape.hpp — Reshape and Flatten: same elements in the same (row-major) order,
// new shape. x: (B, ...) -> y: (B, target...);  backward: dx = dy with x's shape.
#pragma once
#include <memory>
#include "layer.hpp"

namespace ganlite {

template <class T = float>
class Reshape : public Layer<T> {
 public:
  explicit Reshape(Shape target) : target_(std::move(target)) {}
  std::string type() const override { return "Reshape"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Reshape>(*this); }
  Shape output_shape(const Shape& in) const override {
    if (shape_size(in) != shape_size(target_))
      throw std::invalid_argument("Reshape: cannot reshape " + shape_str(in) + " to " + shape_str(target_));
    return target_;
  }
  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    in_shape_ = x.shape();
    y_.resize(this->with_batch(x.dim(0), output_shape(this->without_batch(x.shape()))));
    std::copy(x.begin(), x.end(), y_.begin());
    return y_;
  }
  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(in_shape_);
    std::copy(dy.begin(), dy.end(), dx_.begin());
    return dx_;
  }

 protected:
  Shape target_, in_shape_;
  Tensor<T> y_, dx_;
};

template <class T = float>
class Flatten : public Reshape<T> {
 public:
  Flatten() : Reshape<T>({}) {}
  std::string type() const override { return "Flatten"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Flatten>(*this); }
  Shape output_shape(const Shape& in) const override { return {static_cast<int>(shape_size(in))}; }
  const Tensor<T>& forward(const Tensor<T>& x, Mode m) override {
    this->target_ = output_shape(this->without_batch(x.shape()));
    return Reshape<T>::forward(x, m);
  }
};

}  // namespace ganlite
