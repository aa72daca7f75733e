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
//
// Shards (data parallelism, train/gan_trainer.hpp with dist/). A batch may be cut into shards,
// each run by its own copy of the network. set_shard tells a layer where its input sits in the
// whole batch (rows [first_row, first_row + its rows) of batch_rows), so that a layer that draws
// random numbers draws the whole batch's (Dropout). A layer whose Train-mode pass needs sums over
// the whole batch (BatchNorm: mean and variance forward, sum(dy) and sum(dy * xhat) backward)
// says how many rounds of how many sums each pass takes; the copies then run that layer in
// lockstep (models/sharded_pass.hpp):
//   for round r: each copy writes its part of the round's sums (partial_sums, from its input and
//   the totals of the rounds before); the parts are added over all shards in a fixed order;
//   then each copy ends the pass with every round's totals (finish_forward / finish_backward).
// A layer may take its own parameters' gradients from its part (they are summed over shards
// later, with every other gradient). Layers that need no sums (the default) run forward and
// backward as usual, and so does every layer when there is one shard.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../rng.hpp"
#include "../tensor.hpp"

namespace ganlite {

enum class Mode { Train, Eval };
enum class Pass { Forward, Backward };

// Where a layer's input sits in the whole batch: rows [first_row, first_row + rows) of
// batch_rows. batch_rows 0: the input is the whole batch (no shards).
struct ShardRows {
  long first_row = 0, batch_rows = 0;
};

template <class T = float>
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
  // The names of params() and buffers(), in their order, as archives key them under the layer's
  // name ("dense/kernel"); Keras' names where Keras has them. A layer that doesn't say gets
  // "param_K" and "buffer_K".
  virtual std::vector<std::string> param_names() { return numbered("param_", params().size()); }
  virtual std::vector<std::string> buffer_names() { return numbered("buffer_", buffers().size()); }
  // How the layer computes at this batch and input shape, where it has a choice (convolutions:
  // kernels/conv_method.hpp); "" if it has none. Shown by Sequential::summary().
  virtual std::string methods(const Shape& /*input*/, int /*batch*/) const { return ""; }
  // A new layer of the same kind and settings holding a copy of this one's parameters and
  // statistics (Sequential::clone; a trainer given your models makes its copies this way). A
  // layer of your own overrides it to be copied: return std::make_unique<MyLayer>(*this);
  virtual std::unique_ptr<Layer<T>> clone() const {
    throw std::logic_error(type() + " layer " + name_ + ": can't be copied (it does not override Layer::clone)");
  }
  // A layer that draws random numbers (Dropout) draws them from `rng` from now on (which must
  // outlive it): a trainer given your models hands them its own generator.
  virtual void draw_from(Rng& /*rng*/) {}

  // Whole-batch sums (see above). forward_sum_rounds(mode): rounds the coming forward pass needs;
  // backward_sum_rounds(): rounds the backward pass of the latest forward needs.
  virtual int forward_sum_rounds(Mode /*mode*/) const { return 0; }
  virtual int backward_sum_rounds() const { return 0; }
  virtual std::size_t sums_per_round(Pass /*pass*/) const { return 0; }
  // part: sums_per_round(pass) values; totals: the totals of rounds 0..round-1, one after another.
  virtual void partial_sums(Pass /*pass*/, int /*round*/, const Tensor<T>& /*x_or_dy*/, const double* /*totals*/, double* /*part*/) {}
  virtual const Tensor<T>& finish_forward(const Tensor<T>& x, const double* /*totals*/) { return forward(x, Mode::Train); }
  virtual const Tensor<T>& finish_backward(const Tensor<T>& dy, const double* /*totals*/) { return backward(dy); }

  void set_shard(ShardRows rows) { shard_ = rows; }
  const ShardRows& shard() const { return shard_; }

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
  static std::vector<std::string> numbered(const std::string& stem, std::size_t n) {
    std::vector<std::string> r;
    for (std::size_t i = 0; i < n; ++i) r.push_back(stem + std::to_string(i));
    return r;
  }

  // The rows of the whole batch that an input of `rows` rows stands for (its own without shards).
  long batch_rows(long rows) const { return shard_.batch_rows > 0 ? shard_.batch_rows : rows; }

  bool trainable_ = true;
  bool needs_input_grad_ = true;
  ShardRows shard_;
  std::string name_;
};

}  // namespace ganlite
