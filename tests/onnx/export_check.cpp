// Writes, into the folder given, ONNX exports of ganlite models with their weights as trained
// for a few steps (so BatchNorm's statistics are not the initial ones), and for each model a
// probe: the input it was given and the output ganlite computed (raw little-endian float32,
// NAME.input.bin / NAME.joined.bin / NAME.output.bin, shapes in NAME.json). run_onnx.js then
// runs each model in ONNX Runtime and compares. Models: the seed generator; the conditional
// generator (noise and one-hot as two inputs); the discriminator with spectral normalization;
// the digit classifier (MaxPool2D, ReLU); a Conv2DTranspose with 'valid' padding and a kernel
// smaller than its stride. A layer without an ONNX form is refused by name. Exit 1 naming the
// model whose export failed.
#include <cstdio>
#include <fstream>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/onnx_export.hpp>
#include <string>
#include <vector>

using namespace ganlite;

namespace {

// A layer of a user's own, which the export can't know.
class Square : public Layer<float> {
 public:
  std::string type() const override { return "Square"; }
  Shape output_shape(const Shape& in) const override { return in; }
  const Tensor<float>& forward(const Tensor<float>& x, Mode) override {
    y_.resize(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) y_[i] = x[i] * x[i];
    return y_;
  }
  const Tensor<float>& backward(const Tensor<float>& dy) override { return dy; }

 private:
  Tensor<float> y_;
};

void write_floats(const std::string& path, const Tensor<float>& t) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(t.data()), static_cast<std::streamsize>(t.size() * sizeof(float)));
  if (!f) throw std::runtime_error("could not write " + path);
}
std::string dims(const Shape& s) {
  std::string r = "[";
  for (std::size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

// Exports `net` and its probe on input x (and a joined one-hot, when `classes`).
void probe(const std::string& dir, const std::string& name, Sequential<float>& net, const Tensor<float>& x, int classes = 0) {
  OnnxExportOptions o;
  o.input_name = classes ? "noise" : "input";
  o.output_name = "output";
  Tensor<float> joined, in = x, onehot;
  if (classes) {
    o.joined_inputs = {{"class_one_hot", classes}};
    std::vector<int> labels;
    for (int i = 0; i < x.dim(0); ++i) labels.push_back(i % classes);
    join_one_hot(x, labels, classes, joined);
    in = joined;
    onehot = Tensor<float>({x.dim(0), classes});
    for (int i = 0; i < x.dim(0); ++i) onehot[static_cast<std::size_t>(i * classes + i % classes)] = 1;
  }
  const Tensor<float> y = net.forward(in, Mode::Eval);
  write_onnx(sequential_to_onnx(net, o), dir + "/" + name + ".onnx");
  write_floats(dir + "/" + name + ".input.bin", x);
  if (classes) write_floats(dir + "/" + name + ".joined.bin", onehot);
  write_floats(dir + "/" + name + ".output.bin", y);
  std::ofstream meta(dir + "/" + name + ".json");
  meta << "{\"input\": \"" << o.input_name << "\", \"input_shape\": " << dims(x.shape()) << ", \"joined\": " << (classes ? "\"class_one_hot\"" : "null")
       << ", \"joined_shape\": " << (classes ? dims(onehot.shape()) : "null") << ", \"output_shape\": " << dims(y.shape()) << "}\n";
}

// A few Train-mode passes so that BatchNorm's moving statistics move away from (0, 1).
void warm(Sequential<float>& net, const Shape& in, Rng& r) {
  Shape s{8};
  s.insert(s.end(), in.begin(), in.end());
  Tensor<float> x(s);
  for (int k = 0; k < 5; ++k) {
    for (auto& v : x) v = static_cast<float>(r.normal());
    net.forward(x, Mode::Train);
  }
}

Tensor<float> normal(const Shape& s, Rng& r) {
  Tensor<float> t(s);
  for (auto& v : t) v = static_cast<float>(r.normal());
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::string current;
  try {
    Rng init(1), drop(2), r(3);
    current = "generator";
    Sequential<float> g = make_generator<float>(init);
    warm(g, g.input_shape(), r);
    probe(dir, current, g, normal({5, kNoiseDim}, r));

    current = "conditional_generator";
    Sequential<float> cg = make_generator<float>(init, kNoiseDim + 10);
    warm(cg, cg.input_shape(), r);
    probe(dir, current, cg, normal({5, kNoiseDim}, r), 10);

    current = "discriminator_sn";
    Sequential<float> d = make_discriminator<float>(init, drop, 0.3, 1, true);
    Tensor<float> images = normal({4, 28, 28, 1}, r);
    d.forward(images, Mode::Train);  // one power-iteration step
    probe(dir, current, d, images);

    current = "classifier";
    Sequential<float> c = make_mnist_classifier<float>(init, drop);
    probe(dir, current, c, normal({4, 28, 28, 1}, r));

    current = "transpose_valid";
    Sequential<float> t("transpose_valid", {3, 4, 2});
    t.add(Conv2DTranspose<float>(Conv2dOptions(2, 3, 2).stride(3), init));
    t.add(Sigmoid<float>());
    probe(dir, current, t, normal({2, 3, 4, 2}, r));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "export_check: %s: %s\n", current.c_str(), e.what());
    return 1;
  }
  Sequential<float> custom("custom", {3});
  custom.add(Square());
  try {
    sequential_to_onnx(custom);
    std::fprintf(stderr, "export_check: a Square layer was exported\n");
    return 1;
  } catch (const std::invalid_argument& e) {
    const std::string want = "ONNX export: layer square (Square) of custom has no ONNX form in ganlite";
    if (e.what() != want) {
      std::fprintf(stderr, "export_check: the refusal says \"%s\", not \"%s\"\n", e.what(), want.c_str());
      return 1;
    }
  }
  std::printf("wrote 5 ONNX models and their probes to %s\n", dir.c_str());
  return 0;
}
