// examples/mnist_dcgan/export.hpp — `export`: a checkpoint's generator as an ONNX model
// (ganlite/io/onnx_export.hpp; docs/onnx_export.md), in a build where CMake found ONNX.
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

namespace mnist_dcgan {

struct ExportOptions {
  std::string checkpoint, out;
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
  write_onnx(sequential_to_onnx(g.net, x), o.out);
  std::printf("Wrote the generator of %s (epoch %d, %s) to %s: noise (N, %d)%s -> images (N, 28, 28, 1)\n", o.checkpoint.c_str(),
              g.position.cursor.epoch, which.c_str(), o.out.c_str(), kNoiseDim,
              g.config.classes ? (" and class_one_hot (N, " + std::to_string(g.config.classes) + ")").c_str() : "");
  return 0;
#else
  throw std::runtime_error("export: this mnist_dcgan was built without ONNX (install libonnx-dev and libprotobuf-dev, e.g. with "
                           "scripts/install_deps.sh, then rebuild); " + o.checkpoint + " was not exported");
#endif
}

}  // namespace mnist_dcgan
