// ganlite/layers/conv2d.hpp — 2-D convolution over NHWC images (Keras Conv2D).
//
// x: (B, H, W, C)  W: (KH, KW, C, F)  b: (F) optional  ->  y: (B, OH, OW, F)
// forward:  cols = im2col(x) (B*OH*OW, KH*KW*C);  y = cols W + b
// backward: dW += cols^T dy;  db += sum dy;  dx = col2im(dy W^T), the transposed convolution of dy
// cols is never stored: conv_gemm / conv_gemm_t read x directly (kernels/conv_gemm.hpp). dy W^T
// lives in the per-thread scratch buffer until col2im has summed it into dx; at stride 1, dx is
// one implicit GEMM instead (kernels/conv_adjoint.hpp).
// Output size and padding follow TensorFlow's 'same'/'valid' rules (kernels/im2col.hpp).
//   Conv2D(Conv2dOptions(1, 64, 5).stride(2).padding(Padding::Same), rng)
// Conv2dOptions(in_channels, filters, kernel): stride 1, 'valid' padding and a bias unless set
// (Keras' defaults); Conv2DTranspose takes the same options.
#pragma once
#include <memory>
#include <vector>

#include "../kernels/conv_adjoint.hpp"
#include "kernel_layer.hpp"

namespace ganlite {

struct Conv2dOptions {
  Conv2dOptions(int in_channels_, int filters_, int kernel) : in_channels(in_channels_), filters(filters_), kernel_h(kernel), kernel_w(kernel) {}
  Conv2dOptions& kernel_size(int h, int w) { kernel_h = h, kernel_w = w; return *this; }
  Conv2dOptions& stride(int s) { stride_h = stride_w = s; return *this; }
  Conv2dOptions& stride(int h, int w) { stride_h = h, stride_w = w; return *this; }
  Conv2dOptions& padding(Padding p) { pad = p; return *this; }
  Conv2dOptions& bias(bool b) { use_bias = b; return *this; }
  int in_channels, filters, kernel_h, kernel_w;
  int stride_h = 1, stride_w = 1;
  Padding pad = Padding::Valid;
  bool use_bias = true;
};

template <class T = float>
class Conv2D : public KernelLayer<T> {
  using KernelLayer<T>::has_bias_;
  using KernelLayer<T>::w_;
  using KernelLayer<T>::dw_;
  using KernelLayer<T>::b_;
  using KernelLayer<T>::db_;
 public:
  Conv2D(const Conv2dOptions& o, Rng& rng)
      : KernelLayer<T>({o.kernel_h, o.kernel_w, o.in_channels, o.filters}, o.filters, o.use_bias, rng), c_(o.in_channels), s_(o) {}
  std::string type() const override { return "Conv2D"; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Conv2D>(*this); }

  ConvGeometry geometry(int batch, int h, int w) const {
    return {batch, c_, conv_axis(h, s_.kernel_h, s_.stride_h, s_.pad), conv_axis(w, s_.kernel_w, s_.stride_w, s_.pad)};
  }
  Shape output_shape(const Shape& in) const override {
    if (in.size() != 3 || in[2] != c_)
      throw std::invalid_argument("Conv2D: expects (H, W, " + std::to_string(c_) + "), got " + shape_str(in));
    const ConvGeometry g = geometry(1, in[0], in[1]);
    return {g.y.out, g.x.out, s_.filters};
  }

  // forward: conv_gemm (N = F); weights: conv_gemm_t; input gradient: the adjoint with u = dy (F channels).
  std::string methods(const Shape& in, int batch) const override {
    const ConvGeometry g = geometry(batch, in.at(0), in.at(1));
    return conv_methods_text(product_method<T>(g, s_.filters), weights_method<T>(g), adjoint_method<T>(g, s_.filters));
  }

  const Tensor<T>& forward(const Tensor<T>& x, Mode) override {
    this->output_shape(this->without_batch(x.shape()));
    x_ = &x;
    g_ = geometry(x.dim(0), x.dim(1), x.dim(2));
    const int rows = g_.rows(), F = s_.filters;
    y_.resize({g_.batch, g_.y.out, g_.x.out, F});
    conv_gemm(g_, x.data(), Trans::N, F, w_.data(), F, T(0), y_.data(), F);
    if (has_bias_) add_to_rows(y_.data(), rows, F, b_.data());
    return y_;
  }

  const Tensor<T>& backward(const Tensor<T>& dy) override {
    const int rows = g_.rows(), F = s_.filters;
    if (this->trainable_) {
      conv_gemm_t(g_, x_->data(), F, dy.data(), F, T(1), dw_.data(), F);
      if (has_bias_) this->add_bias_gradient(rows, F, dy);
    }
    if (!this->needs_input_grad_) return dx_;
    dx_.resize(x_->shape());
    transposed_convolution(g_, F, c_, dy.data(), w_.data(), dx_.data());
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
