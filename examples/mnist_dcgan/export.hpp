// examples/mnist_dcgan/export.hpp — `export`: a checkpoint's generator as an ONNX model
// (ganlite/io/onnx_export.hpp; docs/onnx_export.md), in a build where CMake found ONNX; with
// --html DIR, also a page that draws with it in a browser (web_page.hpp).
//   inputs  noise (N, 100) float32 [and class_one_hot (N, K) for a conditional checkpoint]
//   output  images (N, 28, 28, 1) float32 in [-1, 1]
// The generator is the one generate draws from (its moving average where the run kept one;
// --raw-generator, --average N as for generate). Its settings and class names go into the
// model's metadata.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>

#include "sampling.hpp"
#ifdef GANLITE_MNIST_DCGAN_ONNX
#include <ganlite/io/onnx_export.hpp>
#endif
#include "web_page.hpp"

namespace mnist_dcgan {

struct ExportOptions {
  std::string checkpoint, out;  // out: the .onnx file (may be empty when html is given)
  std::string html, ort_web;     // html: the page's folder; ort_web: ONNX Runtime Web's npm package
  GeneratorChoice generator;
};

inline int run_export(const ExportOptions& o) {
#ifdef GANLITE_MNIST_DCGAN_ONNX
  DcganGenerator g = generator_from(o.checkpoint, o.generator);
  OnnxExportOptions x;
  x.input_name = "noise";
  x.output_name = "images";
  std::string names;
  for (const auto& n : g.config.class_names) names += (names.empty() ? "" : ",") + n;
  if (g.config.classes > 0) x.joined_inputs = {{"class_one_hot", g.config.classes}};
  const std::string which = g.averaged ? "its moving average" : o.generator.average > 1 ? "averaged over " + std::to_string(o.generator.average) + " epochs"
                                                                                        : "as trained";
  x.doc = "ganlite DCGAN generator from " + o.checkpoint + " (epoch " + std::to_string(g.position.cursor.epoch) + ", " + which +
          "): noise (N, 100)" + (g.config.classes ? " and class_one_hot (N, " + std::to_string(g.config.classes) + ")" : std::string()) +
          " -> images (N, 28, 28, 1) in [-1, 1]";
  x.metadata = {{"ganlite.model", "dcgan generator"}, {"ganlite.epoch", std::to_string(g.position.cursor.epoch)}, {"ganlite.generator", which},
                {"ganlite.noise_dim", std::to_string(kNoiseDim)}, {"ganlite.classes", std::to_string(g.config.classes)}, {"ganlite.class_names", names}};
  const onnx::ModelProto model = sequential_to_onnx(g.net, x);
  const std::string inputs = "noise (N, " + std::to_string(kNoiseDim) + ")" +
                             (g.config.classes ? " and class_one_hot (N, " + std::to_string(g.config.classes) + ")" : std::string());
  if (!o.out.empty()) {
    write_onnx(model, o.out);
    std::printf("Wrote the generator of %s (epoch %d, %s) to %s: %s -> images (N, 28, 28, 1)\n", o.checkpoint.c_str(),
                g.position.cursor.epoch, which.c_str(), o.out.c_str(), inputs.c_str());
  }
  if (!o.html.empty()) {
    WebPageModel m;
    m.onnx = onnx_bytes(model, o.html + "/generator.js");
    m.checkpoint = o.checkpoint;
    m.options = (o.generator.raw ? " --raw-generator" : "") + (o.generator.average > 1 ? " --average " + std::to_string(o.generator.average) : "");
    m.generator = which;
    m.epoch = g.position.cursor.epoch;
    m.classes = g.config.classes;
    m.class_names = g.config.class_names;
    write_web_page(o.html, m, ort_web_dir(o.ort_web));
    std::printf("Wrote a page drawing with the generator of %s (epoch %d, %s) to %s/index.html: open it in a browser (or serve the folder: "
                "python3 -m http.server --directory %s 8000, then http://localhost:8000/)\n",
                o.checkpoint.c_str(), g.position.cursor.epoch, which.c_str(), o.html.c_str(), o.html.c_str());
  }
  return 0;
#else
  throw std::runtime_error("export: this mnist_dcgan was built without ONNX (install libonnx-dev and libprotobuf-dev, e.g. with "
                           "scripts/install_deps.sh, then rebuild); " + o.checkpoint + " was not exported");
#endif
}

}  // namespace mnist_dcgan
