// ganlite/layers/activations.hpp — elementwise activations: LeakyReLU, ReLU, Tanh, Sigmoid.
//
// x: any shape -> y: same shape, y = f(x).  backward: dx = dy * f'(.)
// Each activation is a small policy (value and derivative); Elementwise<T, Policy> is the layer.
// The derivative is taken from whichever of x or y is cheaper (tanh and sigmoid use y).
#pragma once
#include <cmath>
#include <memory>

#include "layer.hpp"

namespace ganlite {

template <class T, class F>
class Elementwise : public Layer<T> {
 public:
  explicit Elementwise(F f = F{}) : f_(f) {}
  std::string type() const override { return F::kType; }
  Shape output_shape(const Shape& in) const override { return in; }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    x_ = &x;
    y_.resize(x.shape());
    const T* xp = x.data();
    T* yp = y_.data();
    const long n = static_cast<long>(x.size());
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (long i = 0; i < n; ++i) yp[i] = f_.value(xp[i]);
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    const T *g = dy.data(), *xp = x_->data(), *yp = y_.data();
    T* dx = dx_.data();
    const long n = static_cast<long>(dy.size());
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (long i = 0; i < n; ++i) dx[i] = g[i] * f_.derivative(xp[i], yp[i]);
    return dx_;
  }

  const F& policy() const { return f_; }

 private:
  F f_;
  Tensor<T> y_, dx_;
  const Tensor<T>* x_ = nullptr;
};

struct LeakyReluFn {
  static constexpr const char* kType = "LeakyReLU";
  double alpha = 0.3;  // Keras' default slope
  template <class T> T value(T x) const { return x > T(0) ? x : static_cast<T>(alpha) * x; }
  template <class T> T derivative(T x, T) const { return x > T(0) ? T(1) : static_cast<T>(alpha); }
};
struct ReluFn {
  static constexpr const char* kType = "ReLU";
  template <class T> T value(T x) const { return x > T(0) ? x : T(0); }
  template <class T> T derivative(T x, T) const { return x > T(0) ? T(1) : T(0); }
};
struct TanhFn {
  static constexpr const char* kType = "Tanh";
  template <class T> T value(T x) const { return std::tanh(x); }
  template <class T> T derivative(T, T y) const { return T(1) - y * y; }
};
struct SigmoidFn {
  static constexpr const char* kType = "Sigmoid";
  template <class T> T value(T x) const {  // stable for large |x|
    return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
  }
  template <class T> T derivative(T, T y) const { return y * (T(1) - y); }
};

template <class T> using LeakyReLU = Elementwise<T, LeakyReluFn>;
template <class T> using ReLU = Elementwise<T, ReluFn>;
template <class T> using Tanh = Elementwise<T, TanhFn>;
template <class T> using Sigmoid = Elementwise<T, SigmoidFn>;

template <class T>
std::unique_ptr<Layer<T>> make_leaky_relu(double alpha = 0.3) {
  return std::make_unique<LeakyReLU<T>>(LeakyReluFn{alpha});
}

}  // namespace ganlite
