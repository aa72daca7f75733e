// ganlite/layers/layer.hpp — the layer contract, written once.
//
// forward(x, mode) -> y
//   x: (B, ...) the layer's input, batch first (NHWC for images). The layer may keep a pointer
//      to x for backward, so x must stay alive and unchanged until backward has run (Sequential
//      guarantees this: each input is the previous layer's own output buffer).
//   Returns a reference to the layer's own output buffer, valid until the next forward.
//   mode: Train uses batch statistics (BatchNorm) and drops units (Dropout); Eval uses running
//   statistics and is deterministic.
// backward(dy) -> dx
//   dy: same shape as the last forward's output. Reads the caches of the last forward and never
//   changes them, so backward may run several times after one forward.
//   ADDS (+=) the parameter gradients into grads() — callers zero them with zero_grad() — unless
//   the layer is frozen (set_trainable(false), like Keras' `trainable`), in which case parameter
//   gradients are skipped entirely. Returns dL/dx unless set_needs_input_grad(false), in which
//   case it may skip that work and return an empty tensor (the first layer of a network).
// params()/grads(): trainable tensors and their gradients, same order and shapes.
// buffers(): non-trainable state saved with the weights (BatchNorm running mean and variance).
#pragma once
#include <string>
#include <vector>

#include "../tensor.hpp"

namespace ganlite {

enum class Mode { Train, Eval };

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string type() const = 0;                         // Keras class name, e.g. "Conv2D"
  virtual Shape output_shape(const Shape& input) const = 0;     // shapes without the batch axis
  virtual const Tensor<T>& forward(const Tensor<T>& x, Mode mode) = 0;
  virtual const Tensor<T>& backward(const Tensor<T>& dy) = 0;
  virtual std::vector<Tensor<T>*> params() { return {}; }
  virtual std::vector<Tensor<T>*> grads() { return {}; }
  virtual std::vector<Tensor<T>*> buffers() { return {}; }
  // How the layer computes at this batch and input shape, where it has a choice (convolutions:
  // kernels/conv_method.hpp); "" if it has none. Shown by Sequential::summary().
  virtual std::string methods(const Shape& /*input*/, int /*batch*/) const { return ""; }

  void set_trainable(bool t) { trainable_ = t; }
  bool trainable() const { return trainable_; }
  void set_needs_input_grad(bool n) { needs_input_grad_ = n; }
  bool needs_input_grad() const { return needs_input_grad_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

 protected:
  static Shape with_batch(int batch, const Shape& s) {
    Shape r{batch};
    r.insert(r.end(), s.begin(), s.end());
    return r;
  }
  static Shape without_batch(const Shape& s) { return Shape(s.begin() + 1, s.end()); }

  bool trainable_ = true;
  bool needs_input_grad_ = true;
  std::string name_;
};

}  // namespace ganlite
