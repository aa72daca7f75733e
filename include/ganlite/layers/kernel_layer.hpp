// ganlite/layers/kernel_layer.hpp — what Dense, Conv2D and Conv2DTranspose share: a kernel,
// Glorot-uniform from the Rng as Keras initialises it, and an optional bias, zero; their
// gradients; Keras' names for them ("kernel", "bias"); and the bias gradient, db += the column
// sums of dy, each summed in double in one fixed order (kernels/reduce.hpp), so it is the same
// bits on any thread count.
#pragma once
#include <string>
#include <vector>

#include "../kernels/reduce.hpp"
#include "init.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T>
class KernelLayer : public Layer<T> {
 public:
  std::vector<Tensor<T>*> params() override { return has_bias_ ? std::vector<Tensor<T>*>{&w_, &b_} : std::vector<Tensor<T>*>{&w_}; }
  std::vector<Tensor<T>*> grads() override { return has_bias_ ? std::vector<Tensor<T>*>{&dw_, &db_} : std::vector<Tensor<T>*>{&dw_}; }
  std::vector<std::string> param_names() override { return has_bias_ ? std::vector<std::string>{"kernel", "bias"} : std::vector<std::string>{"kernel"}; }
  // The kernel the layer computes with and its gradient (a wrapper such as SpectralNormalization
  // writes the one and reads the other).
  Tensor<T>& kernel() { return w_; }
  Tensor<T>& kernel_gradient() { return dw_; }
  bool has_bias() const { return has_bias_; }

 protected:
  KernelLayer(const Shape& kernel, int bias_size, bool has_bias, Rng& rng) : has_bias_(has_bias), w_(kernel), dw_(kernel) {
    glorot_uniform(w_, rng);
    if (has_bias_) b_ = db_ = Tensor<T>({bias_size});
  }
  // db += the sums over rows of dy, seen as (rows, cols).
  void add_bias_gradient(long rows, int cols, const Tensor<T>& dy) {
    bias_sum_.resize(static_cast<std::size_t>(cols));  // a member: no allocation after the first step
    column_sums(rows, cols, [&](long r, int c) { return dy[r * cols + c]; }, bias_sum_.data());
    for (int j = 0; j < cols; ++j) db_[j] += static_cast<T>(bias_sum_[static_cast<std::size_t>(j)]);
  }

  bool has_bias_;
  Tensor<T> w_, dw_, b_, db_;

 private:
  std::vector<double> bias_sum_;
};

}  // namespace ganlite
