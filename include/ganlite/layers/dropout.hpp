// ganlite/layers/dropout.hpp — inverted dropout (Keras Dropout).
//
// Train: each unit is kept with probability 1 - rate and scaled by 1 / (1 - rate), so the
//        expected output equals the input; mask drawn from the caller's Rng.
// Eval:  identity (returns x itself).
// backward: dx = dy * mask (Train), dx = dy (Eval).
// The Rng is owned by the caller (the training loop saves it in checkpoints) and must outlive
// the layer.
#pragma once
#include <stdexcept>

#include "../rng.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T>
class Dropout : public Layer<T> {
 public:
  Dropout(double rate, Rng& rng) : rate_(rate), rng_(&rng) {
    if (!(rate >= 0.0 && rate < 1.0)) throw std::invalid_argument("Dropout: rate must be in [0, 1)");
  }
  std::string type() const override { return "Dropout"; }
  Shape output_shape(const Shape& in) const override { return in; }
  double rate() const { return rate_; }

  const Tensor<T>& forward(const Tensor<T>& x, Mode mode) override {
    mode_ = mode;
    if (mode == Mode::Eval) return x;
    mask_.resize(x.shape());
    y_.resize(x.shape());
    const T keep_scale = static_cast<T>(1.0 / (1.0 - rate_));
    // One 64-bit draw gives two 32-bit uniforms; the mask is drawn serially so it depends only
    // on the Rng state, never on the thread count.
    const std::uint64_t threshold = static_cast<std::uint64_t>(rate_ * 4294967296.0);
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; i += 2) {
      const std::uint64_t r = rng_->next();
      mask_[i] = (r & 0xffffffffu) >= threshold ? keep_scale : T(0);
      if (i + 1 < n) mask_[i + 1] = (r >> 32) >= threshold ? keep_scale : T(0);
    }
    for (std::size_t i = 0; i < n; ++i) y_[i] = x[i] * mask_[i];
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (mode_ == Mode::Eval) return dy;
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    for (std::size_t i = 0; i < dy.size(); ++i) dx_[i] = dy[i] * mask_[i];
    return dx_;
  }

 private:
  double rate_;
  Rng* rng_;
  Mode mode_ = Mode::Train;
  Tensor<T> mask_, y_, dx_;
};

}  // namespace ganlite
