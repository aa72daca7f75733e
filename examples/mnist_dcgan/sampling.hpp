// examples/mnist_dcgan/sampling.hpp — `generate`, `interpolate` and `write`: pictures from a
// trained generator, unconditional or conditional (the classes asked for).
#pragma once
#include <cmath>
#include <cstdio>
#include <ganlite/ganlite.hpp>
#include <ganlite/io/idx.hpp>
#include <ganlite/io/image.hpp>
#include <ganlite/train/checkpoint.hpp>
#include <ganlite/train/checkpoint_average.hpp>
#include <ganlite/train/dcgan_generator.hpp>
#include <ganlite/train/run_folder.hpp>
#include <memory>
#include <string>
#include <vector>

#include "../common/classes.hpp"
#include "../common/image_files.hpp"
#include "options.hpp"

namespace mnist_dcgan {

using namespace ganlite;
using examples::class_index;
using examples::is_idx;
using examples::write_images_idx;

// Which of a checkpoint's generators to draw from: averaged over its last `average` epochs; the
// trained one rather than its moving average (`raw`, runs trained with --ema).
struct GeneratorChoice {
  int average = 1;
  bool raw = false;
};

struct SampleOptions {
  std::string checkpoint, out, text;
  int count = 16, rows = 8, steps = 10, styles = 1;
  GeneratorChoice generator;
  std::uint64_t seed = 1;
  std::vector<std::string> classes;  // --digit, --digits, --class, as typed
  std::string noise;                 // generate --noise: a float32 IDX of (N, 100) noise vectors
  bool float_pixels = false;         // generate --float: the IDX holds float32 pixels in [-1, 1]
};

// --average N: the generator averaged over the checkpoint's epoch and the N - 1 before it
// (ganlite/train/checkpoint_average.hpp); --raw-generator: the trained one, not its moving average.
inline DcganGenerator generator_from(const std::string& checkpoint, const GeneratorChoice& choice) {
  DcganGenerator g;
  try {
    g = load_averaged_dcgan_generator(checkpoint, choice.average, choice.raw);
  } catch (const CheckpointAverageRefused& e) {
    throw UsageError("--average " + std::to_string(choice.average) + ": " + e.what());
  }
  if (choice.raw && g.config.generator_ema == 0)
    throw UsageError("--raw-generator: " + checkpoint + " keeps no moving average (trained without --ema); its generator is the trained one");
  return g;
}

// The class numbers the user asked for; every class of a conditional model when none is named.
// Naming a class for an unconditional model, or one the model does not have, is refused.
inline std::vector<int> requested_classes(const DcganConfig& c, const SampleOptions& o) {
  if (c.classes == 0) {
    if (!o.classes.empty())
      throw UsageError(o.checkpoint + " holds an unconditional model, which draws no class you can ask for (--digit, --digits, --class need a "
                                      "checkpoint trained with --conditional)");
    return {};
  }
  std::vector<int> ks;
  for (const auto& word : o.classes) {
    const int k = class_index(c.class_names, word);
    if (k < 0) {
      std::string all;
      for (const auto& n : c.class_names) all += (all.empty() ? "" : ", ") + n;
      throw UsageError("\"" + word + "\" is not a class of " + o.checkpoint + " (its classes: " + all + ")");
    }
    ks.push_back(k);
  }
  if (ks.empty())
    for (int k = 0; k < c.classes; ++k) ks.push_back(k);
  return ks;
}

// G's images (N, 28, 28, 1) for noise z (N, noise) and, when conditional, labels; in chunks of
// 256 so that memory stays bounded for large N.
inline Tensor<float> generate_images(DcganGenerator& g, const Tensor<float>& z, const std::vector<int>& labels) {
  const int n = z.dim(0), N = z.dim(1), chunk = 256;
  Tensor<float> zc, all({n, 28, 28, 1});
  for (int i = 0; i < n; i += chunk) {
    const int m = std::min(chunk, n - i);
    zc.resize({m, N});
    std::copy(z.data() + static_cast<std::size_t>(i) * N, z.data() + static_cast<std::size_t>(i + m) * N, zc.data());
    const std::vector<int> yc = labels.empty() ? labels : std::vector<int>(labels.begin() + i, labels.begin() + i + m);
    const Tensor<float>& img = g.generate(zc, yc);
    std::copy(img.begin(), img.end(), all.data() + static_cast<std::size_t>(i) * 784);
  }
  return all;
}

// generate --noise: the noise vectors of a float32 IDX file (N, 100), e.g. to give ganlite and an
// exported model (mnist_dcgan export) the same noise.
inline Tensor<float> noise_from(const std::string& path) {
  const IdxFloats f = read_idx_floats(path, 2);
  if (f.dims[1] != static_cast<std::uint32_t>(kNoiseDim))
    throw UsageError("generate --noise: " + path + " holds vectors of " + std::to_string(f.dims[1]) + " numbers; the generator takes " +
                     std::to_string(kNoiseDim));
  if (f.dims[0] > 100000) throw UsageError("generate --noise: " + path + " holds " + std::to_string(f.dims[0]) + " vectors; at most 100000");
  Tensor<float> z({static_cast<int>(f.dims[0]), kNoiseDim});
  std::copy(f.values.begin(), f.values.end(), z.data());
  return z;
}

inline Tensor<float> normal_noise(int n, Rng& rng) {
  Tensor<float> z({n, kNoiseDim});
  for (auto& v : z) v = static_cast<float>(rng.normal());
  return z;
}

inline void check_float_pixels(const SampleOptions& o, const char* command) {
  if (o.float_pixels && !is_idx(o.out))
    throw UsageError(std::string(command) + " --float: writes float32 pixels into an .idx file; " + o.out + " is a picture");
}

// --count images; for a conditional model, --count of each requested class, a grid row per class
// (the same noise vectors in every row) and, for IDX output, an IDX of their labels beside it.
inline int run_generate(const SampleOptions& o) {
  DcganGenerator g = generator_from(o.checkpoint, o.generator);
  const std::vector<int> ks = requested_classes(g.config, o);
  const bool idx = is_idx(o.out);
  const std::string lpath = idx && !ks.empty() ? o.out.substr(0, o.out.size() - 4) + "-labels.idx" : "";
  if (!lpath.empty()) check_can_write(lpath);  // both files of the pair can be written, said before any work
  check_float_pixels(o, "generate");
  Rng rng(o.seed);
  const Tensor<float> noise = o.noise.empty() ? normal_noise(o.count, rng) : noise_from(o.noise);
  const int count = noise.dim(0), rows = ks.empty() ? 1 : static_cast<int>(ks.size()), n = count * rows;
  Tensor<float> z({n, kNoiseDim});
  std::vector<int> labels;
  for (int r = 0; r < rows; ++r) {
    std::copy(noise.begin(), noise.end(), z.data() + static_cast<std::size_t>(r) * noise.size());
    if (!ks.empty()) labels.insert(labels.end(), count, ks[r]);
  }
  const Tensor<float> all = generate_images(g, z, labels);
  if (idx) {
    write_images_idx(o.out, all, o.float_pixels, lpath, labels);
    if (!lpath.empty()) std::printf("Wrote their labels to %s\n", lpath.c_str());
  } else if (ks.empty()) {
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    write_png(o.out, make_grid(all, (n + cols - 1) / cols, cols, 2));
  } else {
    write_png(o.out, make_grid(all, rows, count, 2));
  }
  std::printf("Wrote %d generated images (epoch %d generator%s) to %s\n", n, g.position.cursor.epoch,
              ks.empty() ? "" : (", " + std::to_string(count) + " of each of " + std::to_string(rows) + " classes").c_str(), o.out.c_str());
  return 0;
}

// Rows of images walking in a straight line between two random noise vectors; a conditional
// model draws row r as class r (mod K).
inline int run_interpolate(const SampleOptions& o) {
  DcganGenerator g = generator_from(o.checkpoint, o.generator);
  const int K = g.config.classes;
  Rng rng(o.seed);
  Tensor<float> z({o.rows * o.steps, kNoiseDim});
  std::vector<int> labels;
  std::vector<float> a(kNoiseDim), b(kNoiseDim);
  for (int r = 0; r < o.rows; ++r) {
    for (int k = 0; k < kNoiseDim; ++k) a[k] = static_cast<float>(rng.normal()), b[k] = static_cast<float>(rng.normal());
    for (int s = 0; s < o.steps; ++s) {
      const float u = static_cast<float>(s) / (o.steps - 1);
      for (int k = 0; k < kNoiseDim; ++k) z[(static_cast<std::size_t>(r) * o.steps + s) * kNoiseDim + k] = (1 - u) * a[k] + u * b[k];
      if (K) labels.push_back(r % K);
    }
  }
  write_png(o.out, make_grid(generate_images(g, z, labels), o.rows, o.steps, 2));
  std::printf("Wrote %d rows of %d steps through latent space to %s\n", o.rows, o.steps, o.out.c_str());
  return 0;
}

// --text as handwriting: one line per style, each line in one hand (one noise vector for all its
// characters), a space a blank cell. Only for a conditional model of the digits 0-9.
inline int run_write(const SampleOptions& o) {
  DcganGenerator g = generator_from(o.checkpoint, o.generator);
  const DcganConfig& c = g.config;
  const bool digits = c.classes == 10 && class_index(c.class_names, "0") == 0 && c.class_names[9] == "9";
  if (!digits) throw UsageError("write needs a checkpoint of the digits 0-9 trained with --conditional; " + o.checkpoint + " holds " +
                                (c.classes ? "classes that are not the digits" : "an unconditional model"));
  if (o.text.find_first_not_of(' ') == std::string::npos) throw UsageError("write --text: nothing to write (give digits, e.g. \"2026 12 01\")");
  for (char ch : o.text)
    if (ch != ' ' && (ch < '0' || ch > '9'))
      throw UsageError(std::string("write --text: '") + ch + "' is not a digit or a space (the model writes 0-9)");
  check_float_pixels(o, "write");
  const int cols = static_cast<int>(o.text.size());
  Rng rng(o.seed);
  Tensor<float> z({o.styles * cols, kNoiseDim});
  std::vector<int> labels;
  for (int s = 0; s < o.styles; ++s) {
    std::vector<float> hand(kNoiseDim);
    for (auto& v : hand) v = static_cast<float>(rng.normal());
    for (int i = 0; i < cols; ++i) {
      std::copy(hand.begin(), hand.end(), z.data() + (static_cast<std::size_t>(s) * cols + i) * kNoiseDim);
      labels.push_back(o.text[i] == ' ' ? 0 : o.text[i] - '0');
    }
  }
  Tensor<float> all = generate_images(g, z, labels);
  for (int s = 0; s < o.styles; ++s)
    for (int i = 0; i < cols; ++i)
      if (o.text[i] == ' ') std::fill_n(all.data() + (static_cast<std::size_t>(s) * cols + i) * 784, 784, -1.0f);  // black
  if (is_idx(o.out))
    write_images_idx(o.out, all, o.float_pixels, "", labels);  // line by line, a space as a black image
  else
    write_png(o.out, make_grid(all, o.styles, cols, 2, 0));
  std::printf("Wrote \"%s\" in %d hand%s to %s\n", o.text.c_str(), o.styles, o.styles == 1 ? "" : "s", o.out.c_str());
  return 0;
}

}  // namespace mnist_dcgan
