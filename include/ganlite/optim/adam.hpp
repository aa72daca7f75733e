// ganlite/optim/adam.hpp — Adam with Keras' defaults and update rule.
//
//   t += 1;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
// (Keras folds the bias corrections into the step size and adds eps to sqrt(v), not to v-hat.)
// The state (m, v, t) is public through state()/set_state() for checkpoints.
#pragma once
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

struct AdamConfig {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
};

template <class T = float>
struct AdamState {
  std::vector<Tensor<T>> m, v;
  std::int64_t step = 0;
};

template <class T = float>
class Adam {
 public:
  Adam(std::vector<Tensor<T>*> params, std::vector<Tensor<T>*> grads, AdamConfig cfg = {})
      : params_(std::move(params)), grads_(std::move(grads)), cfg_(cfg) {
    if (params_.size() != grads_.size()) throw std::invalid_argument("Adam: params and grads differ in count");
    for (auto* p : params_) {
      st_.m.emplace_back(p->shape());
      st_.v.emplace_back(p->shape());
    }
  }

  void step() {
    ++st_.step;
    const double t = static_cast<double>(st_.step);
    const T alpha = static_cast<T>(cfg_.learning_rate * std::sqrt(1 - std::pow(cfg_.beta2, t)) / (1 - std::pow(cfg_.beta1, t)));
    const T b1 = static_cast<T>(cfg_.beta1), b2 = static_cast<T>(cfg_.beta2), eps = static_cast<T>(cfg_.epsilon);
    for (std::size_t k = 0; k < params_.size(); ++k) {
      T* p = params_[k]->data();
      const T* g = grads_[k]->data();
      T* m = st_.m[k].data();
      T* v = st_.v[k].data();
      const long n = static_cast<long>(params_[k]->size());
#pragma omp parallel for simd schedule(static) if (n > 65536)
      for (long i = 0; i < n; ++i) {
        m[i] = b1 * m[i] + (T(1) - b1) * g[i];
        v[i] = b2 * v[i] + (T(1) - b2) * g[i] * g[i];
        p[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
      }
    }
  }

  const AdamConfig& config() const { return cfg_; }
  void set_learning_rate(double lr) { cfg_.learning_rate = lr; }
  const AdamState<T>& state() const { return st_; }
  void set_state(const AdamState<T>& s) {
    if (s.m.size() != st_.m.size() || s.v.size() != st_.v.size())
      throw std::invalid_argument("Adam::set_state: state holds " + std::to_string(s.m.size()) + " tensors, optimizer has " +
                                  std::to_string(st_.m.size()));
    for (std::size_t k = 0; k < s.m.size(); ++k)
      if (s.m[k].shape() != st_.m[k].shape() || s.v[k].shape() != st_.v[k].shape())
        throw std::invalid_argument("Adam::set_state: shape mismatch in tensor " + std::to_string(k));
    st_ = s;
  }

 private:
  std::vector<Tensor<T>*> params_, grads_;
  AdamConfig cfg_;
  AdamState<T> st_;
};

}  // namespace ganlite
