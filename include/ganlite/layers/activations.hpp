// ganlite/layers/activations.hpp — elementwise activations: LeakyReLU, ReLU, Tanh, Sigmoid.
//
// x: any shape -> y: same shape, y = f(x).  backward: dx = dy * f'(.)
// Each activation is a small policy (value and derivative); Elementwise<T, Policy> is the layer.
// The derivative is taken from whichever of x or y is cheaper (tanh and sigmoid use y).
#pragma once
#include <cmath>
#include <memory>

#include <type_traits>

#include "../kernels/fast_math.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T, class F>
class Elementwise : public Layer<T> {
 public:
  explicit Elementwise(F f = F{}) : f_(f) {}
  std::string type() const override { return F::kType; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Elementwise>(*this); }
  Shape output_shape(const Shape& in) const override { return in; }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    x_ = &x;
    y_.resize(x.shape());
    const T* xp = x.data();
    T* yp = y_.data();
    const long n = static_cast<long>(x.size());
    const F f = f_;  // firstprivate copy: the compiler can then prove stores never change it
#pragma omp parallel for simd schedule(static) firstprivate(f) if (n > 65536)
    for (long i = 0; i < n; ++i) yp[i] = f.value(xp[i]);
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    const T *g = dy.data(), *xp = x_->data(), *yp = y_.data();
    T* dx = dx_.data();
    const long n = static_cast<long>(dy.size());
    const F f = f_;
#pragma omp parallel for simd schedule(static) firstprivate(f) if (n > 65536)
    for (long i = 0; i < n; ++i) dx[i] = g[i] * f.derivative(xp[i], yp[i]);
    return dx_;
  }

  const F& policy() const { return f_; }

 private:
  F f_;
  Tensor<T> y_, dx_;
  const Tensor<T>* x_ = nullptr;
};

// Policies are templated on the scalar so every constant is already of the loop's type (a
// double slope converted inside the loop stopped GCC from vectorising it: 8x slower).
template <class T>
struct LeakyReluFn {
  static constexpr const char* kType = "LeakyReLU";
  T alpha = T(0.3);  // Keras' default slope
  T value(T x) const { return x > T(0) ? x : alpha * x; }
  T derivative(T x, T) const { return x > T(0) ? T(1) : alpha; }
};
template <class T>
struct ReluFn {
  static constexpr const char* kType = "ReLU";
  T value(T x) const { return x > T(0) ? x : T(0); }
  T derivative(T x, T) const { return x > T(0) ? T(1) : T(0); }
};
template <class T>
struct TanhFn {
  static constexpr const char* kType = "Tanh";
  T value(T x) const {  // float: the vectorisable tanh (kernels/fast_math.hpp); double: libm
    if constexpr (std::is_same_v<T, float>) return kernels::tanh_float(x);
    else return std::tanh(x);
  }
  T derivative(T, T y) const { return T(1) - y * y; }
};
template <class T>
struct SigmoidFn {
  static constexpr const char* kType = "Sigmoid";
  T value(T x) const {  // stable for large |x|
    return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
  }
  T derivative(T, T y) const { return y * (T(1) - y); }
};

// The layers: LeakyReLU(0.2), ReLU(), Tanh(), Sigmoid() (float unless a scalar is named).
template <class T = float>
class LeakyReLU : public Elementwise<T, LeakyReluFn<T>> {
 public:
  explicit LeakyReLU(double alpha = 0.3) : Elementwise<T, LeakyReluFn<T>>(LeakyReluFn<T>{static_cast<T>(alpha)}) {}
};
template <class T = float>
class ReLU : public Elementwise<T, ReluFn<T>> {};
template <class T = float>
class Tanh : public Elementwise<T, TanhFn<T>> {};
template <class T = float>
class Sigmoid : public Elementwise<T, SigmoidFn<T>> {};

}  // namespace ganlite
