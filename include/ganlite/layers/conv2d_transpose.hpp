// ganlite/layers/conv2d_transpose.hpp — transposed ("fractionally strided") convolution, NHWC
// (Keras Conv2DTranspose): the adjoint of a Conv2D that maps the output size back to the input.
//
// x: (B, H, W, C)  W: (KH, KW, F, C) as in Keras  b: (F) optional  ->  y: (B, OH, OW, F)
//   OH = H*s ('same') or H*s + max(KH - s, 0) ('valid'); padding is that conv's TF padding.
// forward:  cols = x W^T (B*H*W, KH*KW*F), W viewed as (KH*KW*F, C);  y = col2im(cols) + b
//           At stride 1: y = conv_adjoint(x) + b, one implicit GEMM with the flipped kernel
//           (kernels/conv_adjoint.hpp), no column matrix.
// backward: dcols = im2col(dy);  dW += dcols^T x;  db += sum dy;  dx = dcols W
// dcols is never built (conv_gemm reads dy directly); the forward's cols lives in the per-thread
// scratch buffer only until col2im has summed it into y.
#pragma once
#include <memory>
#include <vector>

#include "../kernels/conv_adjoint.hpp"
#include "../kernels/reduce.hpp"
#include "conv2d.hpp"

namespace ganlite {

template <class T = float>
class Conv2DTranspose : public KernelLayer<T> {
  using KernelLayer<T>::has_bias_;
  using KernelLayer<T>::w_;
  using KernelLayer<T>::dw_;
  using KernelLayer<T>::b_;
  using KernelLayer<T>::db_;
 public:
  Conv2DTranspose(const Conv2dOptions& o, Rng& rng)
      : KernelLayer<T>({o.kernel_h, o.kernel_w, o.filters, o.in_channels}, o.filters, o.use_bias, rng), c_(o.in_channels), s_(o) {}
  std::string type() const override { return "Conv2DTranspose"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Conv2DTranspose>(*this); }

  // Geometry of the forward convolution this layer is the adjoint of: from y (OH, OW, F) to x (H, W).
  ConvGeometry geometry(int batch, int h, int w) const {
    const int oh = conv_transpose_out(h, s_.kernel_h, s_.stride_h, s_.pad);
    const int ow = conv_transpose_out(w, s_.kernel_w, s_.stride_w, s_.pad);
    ConvGeometry g{batch, s_.filters, conv_axis(oh, s_.kernel_h, s_.stride_h, s_.pad),
                   conv_axis(ow, s_.kernel_w, s_.stride_w, s_.pad)};
    if (g.y.out != h || g.x.out != w) throw std::logic_error("Conv2DTranspose: inconsistent geometry");
    return g;
  }
  Shape output_shape(const Shape& in) const override {
    if (in.size() != 3 || in[2] != c_)
      throw std::invalid_argument("Conv2DTranspose: expects (H, W, " + std::to_string(c_) + "), got " + shape_str(in));
    const ConvGeometry g = geometry(1, in[0], in[1]);
    return {g.y.in, g.x.in, s_.filters};
  }

  // forward: the adjoint with u = x (C channels); weights: conv_gemm_t; input gradient: conv_gemm (N = C).
  std::string methods(const Shape& in, int batch) const override {
    const ConvGeometry g = geometry(batch, in.at(0), in.at(1));
    return conv_methods_text(adjoint_method<T>(g, c_), weights_method<T>(g), product_method<T>(g, c_));
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    this->output_shape(this->without_batch(x.shape()));
    x_ = &x;
    g_ = geometry(x.dim(0), x.dim(1), x.dim(2));
    const int C = c_, F = s_.filters;
    y_.resize({g_.batch, g_.y.in, g_.x.in, F});
    transposed_convolution(g_, C, F, x.data(), w_.data(), y_.data());
    if (has_bias_) add_to_rows(y_.data(), static_cast<long>(y_.size() / F), F, b_.data());
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    const int C = c_, F = s_.filters;
    if (this->trainable_) {
      conv_gemm_t(g_, dy.data(), C, x_->data(), C, T(1), dw_.data(), C);
      if (has_bias_) this->add_bias_gradient(static_cast<long>(dy.size() / F), F, dy);
    }
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(x_->shape());
    conv_gemm(g_, dy.data(), Trans::N, C, w_.data(), C, T(0), dx_.data(), C);
    return dx_;
  }


  const Conv2dOptions& options() const { return s_; }

 private:
  int c_;
  Conv2dOptions s_;
  ConvGeometry g_;
  Tensor<T> y_, dx_;
  const Tensor<T>* x_ = nullptr;
};

}  // namespace ganlite
