// ganlite/layers/maxpool2d.hpp — max pooling over NHWC images (Keras MaxPooling2D).
//
// x: (B, H, W, C) -> y: (B, OH, OW, C), y = max over the window; positions in 'same' padding are
// ignored (TensorFlow pads with -inf), so a partial edge window keeps the max of what it covers.
// forward caches the argmax of each output; backward: dx[argmax] += dy (dx zero elsewhere).
#pragma once
#include <memory>
#include <limits>
#include <vector>

#include "../kernels/im2col.hpp"
#include "layer.hpp"

namespace ganlite {

template <class T = float>
class MaxPool2D : public Layer<T> {
 public:
  MaxPool2D(int pool, int stride, Padding padding = Padding::Valid) : pool_(pool), stride_(stride), pad_(padding) {}
  int pool() const { return pool_; }
  int stride() const { return stride_; }
  Padding padding() const { return pad_; }
  std::string type() const override { return "MaxPooling2D"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<MaxPool2D>(*this); }
  ConvGeometry geometry(int batch, int h, int w, int c) const {
    return {batch, c, conv_axis(h, pool_, stride_, pad_), conv_axis(w, pool_, stride_, pad_)};
  }
  Shape output_shape(const Shape& in) const override {
    if (in.size() != 3) throw std::invalid_argument("MaxPool2D: expects (H, W, C), got " + shape_str(in));
    const ConvGeometry g = geometry(1, in[0], in[1], in[2]);
    return {g.y.out, g.x.out, in[2]};
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    this->output_shape(this->without_batch(x.shape()));
    in_shape_ = x.shape();
    g_ = geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3));
    const int H = g_.y.in, W = g_.x.in, C = g_.channels, OH = g_.y.out, OW = g_.x.out;
    y_.resize({g_.batch, OH, OW, C});
    argmax_.resize(y_.size());
#pragma omp parallel for schedule(static)
    for (int n = 0; n < g_.batch; ++n)
      for (int oy = 0; oy < OH; ++oy)
        for (int ox = 0; ox < OW; ++ox)
          for (int c = 0; c < C; ++c) {
            T best = -std::numeric_limits<T>::infinity();
            long best_i = -1;
            for (int ky = 0; ky < pool_; ++ky) {
              const int iy = oy * stride_ - g_.y.pad_before + ky;
              if (iy < 0 || iy >= H) continue;
              for (int kx = 0; kx < pool_; ++kx) {
                const int ix = ox * stride_ - g_.x.pad_before + kx;
                if (ix < 0 || ix >= W) continue;
                const long i = ((static_cast<long>(n) * H + iy) * W + ix) * C + c;
                if (best_i < 0 || x[i] > best) best = x[i], best_i = i;
              }
            }
            const long o = ((static_cast<long>(n) * OH + oy) * OW + ox) * C + c;
            y_[o] = best;
            argmax_[o] = best_i;
          }
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(in_shape_);
    dx_.zero();
    for (std::size_t o = 0; o < dy.size(); ++o) dx_[argmax_[o]] += dy[o];
    return dx_;
  }

 private:
  int pool_, stride_;
  Padding pad_;
  ConvGeometry g_;
  Shape in_shape_;
  Tensor<T> y_, dx_;
  std::vector<long> argmax_;
};

}  // namespace ganlite
