// ganlite/layers/dropout.hpp — inverted dropout (Keras Dropout).
//
// Train: each unit is kept with probability 1 - rate and scaled by 1 / (1 - rate), so the
//        expected output equals the input; mask drawn from the caller's Rng.
// Eval:  identity (returns x itself).
// backward: dx = dy * mask (Train), dx = dy (Eval).
// The Rng is owned by the caller (the training loop saves it in checkpoints) and must outlive
// the layer.
#pragma once
#include <memory>
#include <algorithm>
#include <stdexcept>

#include "../rng.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T = float>
class Dropout : public Layer<T> {
 public:
  Dropout(double rate, Rng& rng) : rate_(rate), rng_(&rng) {
    if (!(rate >= 0.0 && rate < 1.0)) throw std::invalid_argument("Dropout: rate must be in [0, 1)");
  }
  std::string type() const override { return "Dropout"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Dropout>(*this); }  // draws from the same Rng
  void draw_from(Rng& rng) override { rng_ = &rng; }
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
    const long n = static_cast<long>(x.size());
    T* __restrict m = mask_.data();
    // One draw from the caller's Rng keys this call; unit pair j then takes its two 32-bit coins
    // from splitmix64(key + j). A counter-based stream has no loop-carried state, so the loop
    // vectorises and splits across threads, and the mask depends only on the Rng state.
    // Unit g of the whole batch (g = the shard's first unit + i, layer.hpp) takes half g % 2 of
    // mix(key + g / 2): a shard of a batch draws exactly the units it would in one process.
    const std::uint64_t key = rng_->next();
    const std::uint64_t first = x.dim(0) > 0 ? static_cast<std::uint64_t>(this->shard_.first_row) * (x.size() / static_cast<std::size_t>(x.dim(0))) : 0;
    long i0 = 0;
    if (first % 2 && n > 0) {  // an odd start: its first unit is the high half of a pair
      m[0] = keep_scale * static_cast<T>((mix(key + first / 2) >> 32) >= threshold);
      i0 = 1;
    }
    const std::uint64_t base = key + (first + static_cast<std::uint64_t>(i0)) / 2;
    T* __restrict mp = m + i0;
    const long pairs = (n - i0) / 2;
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (long j = 0; j < pairs; ++j) {
      const std::uint64_t r = mix(base + static_cast<std::uint64_t>(j));
      mp[2 * j] = keep_scale * static_cast<T>((r & 0xffffffffu) >= threshold);
      mp[2 * j + 1] = keep_scale * static_cast<T>((r >> 32) >= threshold);
    }
    if ((n - i0) % 2) mp[n - i0 - 1] = keep_scale * static_cast<T>((mix(base + static_cast<std::uint64_t>(pairs)) & 0xffffffffu) >= threshold);
    multiply(x.data(), m, y_.data(), n);
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (mode_ == Mode::Eval) return dy;
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(dy.shape());
    multiply(dy.data(), mask_.data(), dx_.data(), static_cast<long>(dy.size()));
    return dx_;
  }

 private:
  static void multiply(const T* __restrict a, const T* __restrict b, T* __restrict out, long n) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (long i = 0; i < n; ++i) out[i] = a[i] * b[i];
  }

  static std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double rate_;
  Rng* rng_;
  Mode mode_ = Mode::Train;
  Tensor<T> mask_, y_, dx_;
};

}  // namespace ganlite
