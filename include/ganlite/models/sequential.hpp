// ganlite/models/sequential.hpp — a stack of layers run in order (Keras Sequential).
//
// forward(x, mode): x: (B, input_shape...) -> the last layer's output buffer.
// backward(dy): runs the layers in reverse, accumulating parameter gradients; returns dL/dx of
//   the network input (empty if set_needs_input_grad(false), which skips the first layer's dx).
// set_trainable(false) freezes every layer (no parameter gradients), like Keras' `trainable`:
//   a GAN uses it to send the generator's gradient through a discriminator.
#pragma once
#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../layers/layer.hpp"

namespace ganlite {

template <class T = float>
class Sequential {
 public:
  Sequential(std::string name, Shape input_shape) : name_(std::move(name)), input_shape_(std::move(input_shape)) {}

  // The one way to add a layer, Keras' model.add: net.add(Dense(DenseOptions(2, 16), rng)), or a
  // layer made elsewhere as a unique_ptr. Returns the layer as it now sits in the network.
  template <class L, std::enable_if_t<std::is_base_of_v<Layer<T>, L>, int> = 0>
  L& add(L layer) {
    return add(std::make_unique<L>(std::move(layer)));
  }
  template <class L>
  L& add(std::unique_ptr<L> layer) {
    L& ref = *layer;
    const Shape in = output_shape();
    layer->output_shape(in);  // throws now, at build time, if the layer does not fit
    if (layer->name().empty()) layer->set_name(default_name(*layer));
    layers_.push_back(std::move(layer));
    if (layers_.size() == 1) layers_[0]->set_needs_input_grad(needs_input_grad_);
    return ref;
  }
  // Networks nest: a Sequential added to a Sequential brings its layers, in order, each named
  // "block/layer" (the block's name, then the layer's). Its input must be this one's output.
  Sequential& add(Sequential block) {
    if (block.input_shape() != output_shape())
      throw std::invalid_argument(name_ + ": the block " + block.name() + " takes " + shape_str(block.input_shape()) + ", but the network so far gives " +
                                  shape_str(output_shape()));
    for (auto& l : block.layers_) {
      l->set_name(block.name() + "/" + l->name());
      add(std::move(l));
    }
    return *this;
  }

  // Sequential owns its layers: it moves, and copies only on request. clone() is a new network of
  // the same layers (Layer::clone) holding copies of this one's parameters and statistics.
  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;
  Sequential clone() const {
    Sequential c(name_, input_shape_);
    for (const auto& l : layers_) c.layers_.push_back(l->clone());
    c.needs_input_grad_ = needs_input_grad_;
    return c;
  }
  // Every layer that draws random numbers (Dropout) draws from `rng` from now on.
  void draw_from(Rng& rng) {
    for (auto& l : layers_) l->draw_from(rng);
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode mode) {
    if (x.rank() != static_cast<int>(input_shape_.size()) + 1 ||
        !std::equal(input_shape_.begin(), input_shape_.end(), x.shape().begin() + 1))  // compared in place: no allocation
      throw std::invalid_argument(name_ + ": expects input (None, ...) = " + shape_str(input_shape_) + " per sample, got " +
                                  shape_str(x.shape()));
    last_batch_ = x.dim(0);
    const Tensor<T>* h = &x;
    for (auto& l : layers_) h = &l->forward(*h, mode);
    return *h;
  }

  // The output of the first n layers (e.g. a classifier's penultimate features).
  const Tensor<T>& forward_prefix(const Tensor<T>& x, Mode mode, std::size_t n) {
    const Tensor<T>* h = &x;
    for (std::size_t i = 0; i < n && i < layers_.size(); ++i) h = &layers_[i]->forward(*h, mode);
    return *h;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) {
    const Tensor<T>* g = &dy;
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) g = &(*it)->backward(*g);
    return *g;
  }

  void zero_grad() {
    for (auto* g : grads()) g->zero();
  }
  void set_trainable(bool t) {
    for (auto& l : layers_) l->set_trainable(t);
  }
  // Where this network's inputs sit in the whole batch (layer.hpp), for every layer.
  void set_shard(ShardRows rows) {
    for (auto& l : layers_) l->set_shard(rows);
  }
  void set_needs_input_grad(bool n) {
    needs_input_grad_ = n;
    if (!layers_.empty()) layers_[0]->set_needs_input_grad(n);
  }

  std::vector<Tensor<T>*> params() { return collect(&Layer<T>::params); }
  std::vector<Tensor<T>*> grads() { return collect(&Layer<T>::grads); }
  std::vector<Tensor<T>*> buffers() { return collect(&Layer<T>::buffers); }
  // Everything a weights file holds: trainable parameters, then non-trainable buffers, per layer.
  std::vector<Tensor<T>*> state_tensors() {
    std::vector<Tensor<T>*> r;
    for (auto& l : layers_) {
      for (auto* p : l->params()) r.push_back(p);
      for (auto* b : l->buffers()) r.push_back(b);
    }
    return r;
  }

  // The same tensors with their names, "layer/tensor" (Layer::param_names), as archives key them.
  using NamedTensors = std::vector<std::pair<std::string, Tensor<T>*>>;
  NamedTensors named_params() { return named(false); }
  NamedTensors named_state() { return named(true); }

  std::size_t trainable_count() { return count(params()); }
  std::size_t non_trainable_count() { return count(buffers()); }
  std::size_t param_count() { return trainable_count() + non_trainable_count(); }

  Shape output_shape() const {
    Shape s = input_shape_;
    for (auto& l : layers_) s = l->output_shape(s);
    return s;
  }
  const Shape& input_shape() const { return input_shape_; }
  const std::string& name() const { return name_; }
  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t i) { return *layers_.at(i); }

  // Keras-style table (layer (type), output shape, parameter count; totals and trainable split),
  // then the methods of the layers that have a choice (convolutions) at `batch` (0: the batch of
  // the latest forward pass, or the seed's 256 before any).
  std::string summary(int batch = 0) {
    std::ostringstream os;
    int w = 28;  // first column fits the longest "name (Type)"
    for (auto& l : layers_) w = std::max(w, static_cast<int>(l->name().size() + l->type().size()) + 5);
    const std::string rule(static_cast<std::size_t>(w) + 37, '_'), dbl(rule.size(), '=');
    char line[256];
    os << "Model: \"" << name_ << "\"\n" << rule << "\n";
    std::snprintf(line, sizeof line, " %-*s%-26s%-10s\n", w, "Layer (type)", "Output Shape", "Param #");
    os << line << dbl << "\n";
    Shape s = input_shape_;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      auto& l = *layers_[i];
      s = l.output_shape(s);
      Shape with_batch{-1};
      with_batch.insert(with_batch.end(), s.begin(), s.end());
      const std::size_t n = count(l.params()) + count(l.buffers());
      std::snprintf(line, sizeof line, " %-*s%-26s%-10zu\n", w, (l.name() + " (" + l.type() + ")").c_str(),
                    shape_str(with_batch).c_str(), n);
      os << line << (i + 1 < layers_.size() ? "\n" : "");
    }
    os << dbl << "\n";
    os << "Total params: " << with_commas(param_count()) << "\n";
    os << "Trainable params: " << with_commas(trainable_count()) << "\n";
    os << "Non-trainable params: " << with_commas(non_trainable_count()) << "\n" << rule << "\n";
    const int at = batch > 0 ? batch : last_batch_ > 0 ? last_batch_ : 256;
    std::string methods;
    s = input_shape_;
    for (auto& l : layers_) {
      const std::string m = l->methods(s, at);
      if (!m.empty()) {
        std::snprintf(line, sizeof line, " %-*s%s\n", w, (l->name() + " (" + l->type() + ")").c_str(), m.c_str());
        methods += line;
      }
      s = l->output_shape(s);
    }
    if (!methods.empty()) os << "Methods at batch " << at << " (kernels/conv_method.hpp):\n" << methods << rule << "\n";
    return os.str();
  }

  static std::string with_commas(std::size_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
  }

 private:
  std::vector<Tensor<T>*> collect(std::vector<Tensor<T>*> (Layer<T>::*get)()) {
    std::vector<Tensor<T>*> r;
    for (auto& l : layers_)
      for (auto* t : ((*l).*get)()) r.push_back(t);
    return r;
  }
  static std::size_t count(const std::vector<Tensor<T>*>& ts) {
    std::size_t n = 0;
    for (auto* t : ts) n += t->size();
    return n;
  }
  NamedTensors named(bool with_buffers) {
    NamedTensors r;
    auto add = [&](Layer<T>& l, const std::vector<Tensor<T>*>& ts, const std::vector<std::string>& names) {
      if (names.size() != ts.size()) throw std::logic_error(name_ + ": layer " + l.name() + " names " + std::to_string(names.size()) + " of its " + std::to_string(ts.size()) + " tensors");
      for (std::size_t i = 0; i < ts.size(); ++i) r.emplace_back(l.name() + "/" + names[i], ts[i]);
    };
    for (auto& l : layers_) {
      add(*l, l->params(), l->param_names());
      if (with_buffers) add(*l, l->buffers(), l->buffer_names());
    }
    return r;
  }

  // Keras names: the type in snake_case (Conv2DTranspose -> conv2d_transpose, LeakyReLU ->
  // leaky_re_lu), numbered from the second of a kind (conv2d, conv2d_1, ...).
  std::string default_name(const Layer<T>& layer) const {
    const std::string t = layer.type();
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    std::string base;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const bool starts_word = i > 0 && upper(t[i]) && i + 1 < t.size() && lower(t[i + 1]);
      const bool after_lower = i > 0 && upper(t[i]) && lower(t[i - 1]);
      if (starts_word || after_lower) base += '_';
      base += upper(t[i]) ? static_cast<char>(t[i] - 'A' + 'a') : t[i];
    }
    int same = 0;
    for (auto& l : layers_) same += l->type() == t;
    return same ? base + "_" + std::to_string(same) : base;
  }

  std::string name_;
  Shape input_shape_;
  int last_batch_ = 0;  // of the latest forward pass, for summary()
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  bool needs_input_grad_ = true;
};

}  // namespace ganlite
