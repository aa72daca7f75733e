// ganlite/io/onnx_export.hpp — a Sequential<float> as an ONNX model (opset 13), made with the ONNX
// library's own protobuf classes and checked by onnx::checker before it is written. Optional:
// the ganlite::onnx target exists where CMake finds ONNX (Debian: libonnx-dev).
//
// ganlite computes NHWC; ONNX's Conv, ConvTranspose and MaxPool take NCHW. The model keeps
// ganlite's layout at its inputs and output; inside, each run of image layers is wrapped in a
// Transpose (0, 3, 1, 2) before its first layer and (0, 2, 3, 1) after its last (before a
// Flatten, so that the flattened order stays ganlite's, or at the output).
//   Dense -> Gemm                    BatchNorm (Eval: moving statistics) -> BatchNormalization
//   LeakyReLU, ReLU, Tanh, Sigmoid   Reshape -> Reshape (batch free: -1)   Flatten -> Flatten
//   Conv2D -> Conv, Conv2DTranspose -> ConvTranspose, MaxPool2D -> MaxPool, each with TensorFlow's
//   padding as explicit pads;  Dropout -> nothing (Eval);  SpectralNormalization -> its layer,
//   with the kernel it computes with (W / sigma).
// A layer of another kind is refused, naming it. Conditioning: each of `joined_inputs` (name,
// width) is a further input (N, width) joined after the first along axis 1 (Concat), as a
// conditional generator takes [noise, one-hot].
#pragma once
// <sys/mman.h> (from ganlite's or the caller's includes) defines MAP_TYPE, which ONNX's headers
// use as an enumerator: hidden while they are read, restored after.
#pragma push_macro("MAP_TYPE")
#undef MAP_TYPE
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#pragma pop_macro("MAP_TYPE")

#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../layers/activations.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/conv2d_transpose.hpp"
#include "../layers/dense.hpp"
#include "../layers/dropout.hpp"
#include "../layers/maxpool2d.hpp"
#include "../layers/reshape.hpp"
#include "../layers/spectral_norm.hpp"
#include "../models/sequential.hpp"
#include "binary_file.hpp"

namespace ganlite {

struct OnnxExportOptions {
  std::string input_name = "input", output_name = "output";
  std::vector<std::pair<std::string, int>> joined_inputs;  // further (N, width) inputs, joined after the first
  std::string doc;                                         // the model's doc_string
  std::vector<std::pair<std::string, std::string>> metadata;  // the model's metadata_props (key, value)
};

namespace detail {

class OnnxGraphWriter {
 public:
  explicit OnnxGraphWriter(onnx::GraphProto& g) : g_(g) {}

  std::string fresh(const std::string& stem) { return stem + "_" + std::to_string(++count_); }

  // A node: op(inputs) -> a new value, returned.
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs, const std::string& out) {
    onnx::NodeProto& n = *g_.add_node();
    n.set_op_type(op);
    n.set_name(out);
    for (const auto& i : inputs) n.add_input(i);
    n.add_output(out);
    return n;
  }
  static void ints(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a.add_ints(x);
  }
  static void real(onnx::NodeProto& n, const std::string& name, float v) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(v);
  }
  static void integer(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(v);
  }
  // A constant: float values of `dims`, or int64 ones.
  std::string constant(const std::string& stem, const std::vector<std::int64_t>& dims, const float* v) {
    onnx::TensorProto& t = *g_.add_initializer();
    t.set_name(fresh(stem));
    t.set_data_type(onnx::TensorProto::FLOAT);
    std::size_t n = 1;
    for (auto d : dims) t.add_dims(d), n *= static_cast<std::size_t>(d);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(v), n * sizeof(float)));
    return t.name();
  }
  std::string int64s(const std::string& stem, const std::vector<std::int64_t>& v) {
    onnx::TensorProto& t = *g_.add_initializer();
    t.set_name(fresh(stem));
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(static_cast<std::int64_t>(v.size()));
    for (auto x : v) t.add_int64_data(x);
    return t.name();
  }
  void value(onnx::ValueInfoProto& vi, const std::string& name, const Shape& without_batch) {
    vi.set_name(name);
    auto* tt = vi.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* s = tt->mutable_shape();
    s->add_dim()->set_dim_param("N");
    for (int d : without_batch) s->add_dim()->set_dim_value(d);
  }
  onnx::GraphProto& graph() { return g_; }

 private:
  onnx::GraphProto& g_;
  int count_ = 0;
};

// A kernel (KH, KW, A, B) as (B, A, KH, KW) — Keras' layout as ONNX's (Conv: (F, C, KH, KW) from
// (KH, KW, C, F); ConvTranspose: (C_in, C_out, KH, KW) from Keras' (KH, KW, C_out, C_in)).
inline std::vector<float> onnx_kernel(const Tensor<float>& w) {
  const int KH = w.dim(0), KW = w.dim(1), A = w.dim(2), B = w.dim(3);
  std::vector<float> out(w.size());
  for (int ky = 0; ky < KH; ++ky)
    for (int kx = 0; kx < KW; ++kx)
      for (int a = 0; a < A; ++a)
        for (int b = 0; b < B; ++b) out[((static_cast<std::size_t>(b) * A + a) * KH + ky) * KW + kx] = w[((ky * KW + kx) * A + a) * B + b];
  return out;
}

// TensorFlow's padding of a window of `kernel` over `in` at `stride` as ONNX pads (begin, end).
inline std::pair<std::int64_t, std::int64_t> tf_pads(int in, int kernel, int stride, Padding p) {
  const AxisGeometry g = conv_axis(in, kernel, stride, p);
  const int total = std::max((g.out - 1) * stride + kernel - in, 0);
  return {g.pad_before, p == Padding::Same ? total - g.pad_before : 0};
}

}  // namespace detail

// The model of `net` (weights and statistics as they are now; Eval mode).
inline onnx::ModelProto sequential_to_onnx(Sequential<float>& net, const OnnxExportOptions& o = {}) {
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("ganlite");
  model.set_doc_string(o.doc);
  for (const auto& [key, value] : o.metadata) {
    onnx::StringStringEntryProto& p = *model.add_metadata_props();
    p.set_key(key);
    p.set_value(value);
  }
  onnx::OperatorSetIdProto& opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(13);
  onnx::GraphProto& g = *model.mutable_graph();
  g.set_name(net.name());
  detail::OnnxGraphWriter w(g);

  Shape shape = net.input_shape();  // without the batch axis, as ganlite has it (NHWC)
  std::string x = o.input_name;
  if (o.joined_inputs.empty()) {
    w.value(*g.add_input(), o.input_name, shape);
  } else {
    if (shape.size() != 1) throw std::invalid_argument("ONNX export: inputs are joined along axis 1 of a (N, width) input; " + net.name() + " takes " + shape_str(shape));
    int first = shape[0];
    for (const auto& [name, width] : o.joined_inputs) first -= width;
    if (first < 1) throw std::invalid_argument("ONNX export: the joined inputs are wider than " + net.name() + "'s input " + shape_str(shape));
    w.value(*g.add_input(), o.input_name, {first});
    std::vector<std::string> parts{o.input_name};
    for (const auto& [name, width] : o.joined_inputs) {
      w.value(*g.add_input(), name, {width});
      parts.push_back(name);
    }
    x = w.fresh("joined");
    detail::OnnxGraphWriter::integer(w.node("Concat", parts, x), "axis", 1);
  }
  bool nchw = false;  // is x in ONNX's image layout now?
  auto to_nchw = [&] {
    if (nchw) return;
    const std::string y = w.fresh("nchw");
    detail::OnnxGraphWriter::ints(w.node("Transpose", {x}, y), "perm", {0, 3, 1, 2});
    x = y, nchw = true;
  };
  auto to_nhwc = [&] {
    if (!nchw) return;
    const std::string y = w.fresh("nhwc");
    detail::OnnxGraphWriter::ints(w.node("Transpose", {x}, y), "perm", {0, 2, 3, 1});
    x = y, nchw = false;
  };

  for (std::size_t i = 0; i < net.size(); ++i) {
    Layer<float>* l = &net.layer(i);
    const Shape in = shape;
    shape = l->output_shape(in);
    const std::string y = w.fresh(l->name());
    Tensor<float> normalized;  // a SpectralNormalization's kernel as it computes with it
    if (auto* sn = dynamic_cast<SpectralNormalization<float>*>(l)) {
      normalized = sn->normalized_kernel();
      l = &sn->wrapped();
    }
    auto kernel = [&](KernelLayer<float>& k) -> const Tensor<float>& { return normalized.size() ? normalized : k.kernel(); };
    if (auto* d = dynamic_cast<Dense<float>*>(l)) {
      to_nhwc();
      const Tensor<float>& k = kernel(*d);
      std::vector<std::string> inputs{x, w.constant(l->name() + "_kernel", {k.dim(0), k.dim(1)}, k.data())};
      if (d->has_bias()) inputs.push_back(w.constant(l->name() + "_bias", {k.dim(1)}, d->params()[1]->data()));
      w.node("Gemm", inputs, y);
    } else if (auto* c = dynamic_cast<Conv2D<float>*>(l)) {
      to_nchw();
      const Conv2dOptions& s = c->options();
      const std::vector<float> k = detail::onnx_kernel(kernel(*c));
      std::vector<std::string> inputs{x, w.constant(l->name() + "_kernel", {s.filters, s.in_channels, s.kernel_h, s.kernel_w}, k.data())};
      if (c->has_bias()) inputs.push_back(w.constant(l->name() + "_bias", {s.filters}, c->params()[1]->data()));
      onnx::NodeProto& n = w.node("Conv", inputs, y);
      const auto py = detail::tf_pads(in[0], s.kernel_h, s.stride_h, s.pad), px = detail::tf_pads(in[1], s.kernel_w, s.stride_w, s.pad);
      detail::OnnxGraphWriter::ints(n, "kernel_shape", {s.kernel_h, s.kernel_w});
      detail::OnnxGraphWriter::ints(n, "strides", {s.stride_h, s.stride_w});
      detail::OnnxGraphWriter::ints(n, "pads", {py.first, px.first, py.second, px.second});
    } else if (auto* t = dynamic_cast<Conv2DTranspose<float>*>(l)) {
      to_nchw();
      const Conv2dOptions& s = t->options();
      const std::vector<float> k = detail::onnx_kernel(kernel(*t));
      std::vector<std::string> inputs{x, w.constant(l->name() + "_kernel", {s.in_channels, s.filters, s.kernel_h, s.kernel_w}, k.data())};
      if (t->has_bias()) inputs.push_back(w.constant(l->name() + "_bias", {s.filters}, t->params()[1]->data()));
      onnx::NodeProto& n = w.node("ConvTranspose", inputs, y);
      // The adjoint of the Conv2D from the output size back to this input: that conv's padding.
      const auto py = detail::tf_pads(shape[0], s.kernel_h, s.stride_h, s.pad), px = detail::tf_pads(shape[1], s.kernel_w, s.stride_w, s.pad);
      detail::OnnxGraphWriter::ints(n, "kernel_shape", {s.kernel_h, s.kernel_w});
      detail::OnnxGraphWriter::ints(n, "strides", {s.stride_h, s.stride_w});
      detail::OnnxGraphWriter::ints(n, "pads", {py.first, px.first, py.second, px.second});
      // Where the kernel is smaller than the stride, the last rows and columns ONNX leaves out.
      const std::int64_t oy = shape[0] - (static_cast<std::int64_t>(s.stride_h) * (in[0] - 1) + s.kernel_h - py.first - py.second);
      const std::int64_t ox = shape[1] - (static_cast<std::int64_t>(s.stride_w) * (in[1] - 1) + s.kernel_w - px.first - px.second);
      if (oy || ox) detail::OnnxGraphWriter::ints(n, "output_padding", {oy, ox});
    } else if (auto* b = dynamic_cast<BatchNorm<float>*>(l)) {
      if (in.size() == 3) to_nchw();
      const int C = in.back();
      const auto p = b->params();
      onnx::NodeProto& n = w.node("BatchNormalization",
                                  {x, w.constant(l->name() + "_gamma", {C}, p[0]->data()), w.constant(l->name() + "_beta", {C}, p[1]->data()),
                                   w.constant(l->name() + "_mean", {C}, b->moving_mean().data()), w.constant(l->name() + "_var", {C}, b->moving_variance().data())},
                                  y);
      detail::OnnxGraphWriter::real(n, "epsilon", static_cast<float>(b->epsilon()));
    } else if (auto* m = dynamic_cast<MaxPool2D<float>*>(l)) {
      to_nchw();
      onnx::NodeProto& n = w.node("MaxPool", {x}, y);
      const auto py = detail::tf_pads(in[0], m->pool(), m->stride(), m->padding()), px = detail::tf_pads(in[1], m->pool(), m->stride(), m->padding());
      detail::OnnxGraphWriter::ints(n, "kernel_shape", {m->pool(), m->pool()});
      detail::OnnxGraphWriter::ints(n, "strides", {m->stride(), m->stride()});
      detail::OnnxGraphWriter::ints(n, "pads", {py.first, px.first, py.second, px.second});
    } else if (auto* a = dynamic_cast<LeakyReLU<float>*>(l)) {
      detail::OnnxGraphWriter::real(w.node("LeakyRelu", {x}, y), "alpha", a->policy().alpha);
    } else if (dynamic_cast<ReLU<float>*>(l)) {
      w.node("Relu", {x}, y);
    } else if (dynamic_cast<Tanh<float>*>(l)) {
      w.node("Tanh", {x}, y);
    } else if (dynamic_cast<Sigmoid<float>*>(l)) {
      w.node("Sigmoid", {x}, y);
    } else if (dynamic_cast<Dropout<float>*>(l)) {
      continue;  // the identity in Eval mode
    } else if (dynamic_cast<Flatten<float>*>(l)) {
      to_nhwc();
      detail::OnnxGraphWriter::integer(w.node("Flatten", {x}, y), "axis", 1);
    } else if (dynamic_cast<Reshape<float>*>(l)) {
      to_nhwc();
      std::vector<std::int64_t> to{-1};
      for (int d : shape) to.push_back(d);
      w.node("Reshape", {x, w.int64s(l->name() + "_shape", to)}, y);
    } else {
      throw std::invalid_argument("ONNX export: layer " + l->name() + " (" + l->type() + ") of " + net.name() + " has no ONNX form in ganlite");
    }
    x = y;
  }
  to_nhwc();
  const std::string out = o.output_name;
  w.node("Identity", {x}, out);
  w.value(*g.add_output(), out, shape);
  onnx::checker::check_model(model);  // throws onnx::checker::ValidationError
  return model;
}

// The model as the bytes of a .onnx file; `what` names it in the error.
inline std::string onnx_bytes(const onnx::ModelProto& model, const std::string& what) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw IoError(what + ": the ONNX model could not be serialized");
  return bytes;
}

// Writes `model` to `path` (atomically: the file is whole or not there).
inline void write_onnx(const onnx::ModelProto& model, const std::string& path) { write_file_atomic(path, onnx_bytes(model, path)); }

}  // namespace ganlite
