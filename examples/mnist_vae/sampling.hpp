// examples/mnist_vae/sampling.hpp — what a trained VAE draws: `generate` (decoded latent points
// from N(0, I)), `reconstruct` (test images beside their reconstructions), `interpolate` (between
// two test images through the latent space), `write` (digits as handwriting, conditional) and
// `evaluate` (examples/common/image_scores.hpp's scores, and the test set's negative ELBO).
#pragma once
#include <cmath>
#include <cstdio>
#include <ganlite/io/image.hpp>
#include <ganlite/train/conv_vae.hpp>
#include <string>
#include <vector>

#include "../common/classes.hpp"
#include "../common/image_files.hpp"
#include "../common/image_scores.hpp"
#include "../common/mnist_location.hpp"
#include "../common/usage_error.hpp"

namespace mnist_vae {

using namespace ganlite;
using examples::UsageError;

struct SampleOptions {
  std::string checkpoint, out, text, classifier, data_dir;
  int count = 16, rows = 8, steps = 10, styles = 1;
  std::uint64_t seed = 1;
  std::vector<std::string> classes;  // --class, as typed
  bool float_pixels = false;         // IDX output of float32 pixels in [-1, 1]
};

// The class numbers asked for; every class of a conditional model when none is named.
inline std::vector<int> requested_classes(const LoadedConvVae& v, const SampleOptions& o) {
  if (v.class_names.empty()) {
    if (!o.classes.empty())
      throw UsageError(o.checkpoint + " holds an unconditional VAE, which draws no class you can ask for (--class needs a checkpoint trained with --conditional)");
    return {};
  }
  std::vector<int> ks;
  for (const auto& word : o.classes) {
    const int k = examples::class_index(v.class_names, word);
    if (k < 0) throw UsageError("\"" + word + "\" is not a class of " + o.checkpoint);
    ks.push_back(k);
  }
  if (ks.empty())
    for (int k = 0; k < static_cast<int>(v.class_names.size()); ++k) ks.push_back(k);
  return ks;
}

inline Tensor<float> normal_points(int n, int latent, Rng& rng) {
  Tensor<float> z({n, latent});
  for (auto& v : z) v = static_cast<float>(rng.normal());
  return z;
}

// Rows [first, first + n) of x (N, ...).
inline Tensor<float> rows_of(const Tensor<float>& x, int first, int n) {
  Shape s = x.shape();
  const std::size_t per = x.size() / static_cast<std::size_t>(s[0]);
  s[0] = n;
  Tensor<float> out(s);
  std::copy(x.data() + first * per, x.data() + (first + n) * per, out.data());
  return out;
}

// The decoder's images of z (N, L) (and labels), in chunks of 256 so that memory stays bounded.
inline Tensor<float> decode_all(VaeTrainer<float>& vae, const Tensor<float>& z, const std::vector<int>& labels) {
  const int n = z.dim(0), chunk = 256;
  Tensor<float> all({n, 28, 28, 1});
  for (int i = 0; i < n; i += chunk) {
    const int m = std::min(chunk, n - i);
    const std::vector<int> yc = labels.empty() ? labels : std::vector<int>(labels.begin() + i, labels.begin() + i + m);
    const Tensor<float>& img = vae.generate(rows_of(z, i, m), yc);
    std::copy(img.begin(), img.end(), all.data() + static_cast<std::size_t>(i) * 784);
  }
  return all;
}

inline void check_float_pixels(const SampleOptions& o, const char* command) {
  if (o.float_pixels && !examples::is_idx(o.out))
    throw UsageError(std::string(command) + " --float: writes float32 pixels into an .idx file; " + o.out + " is a picture");
}

// --count images; conditional: --count of each class asked for, a grid row per class, the same
// latent points in every row, and for IDX output their labels beside them.
inline int run_generate(const SampleOptions& o) {
  LoadedConvVae v = load_conv_vae(o.checkpoint);
  const std::vector<int> ks = requested_classes(v, o);
  const bool idx = examples::is_idx(o.out);
  const std::string lpath = idx && !ks.empty() ? o.out.substr(0, o.out.size() - 4) + "-labels.idx" : "";
  if (!lpath.empty()) check_can_write(lpath);
  check_float_pixels(o, "generate");
  const int L = v.trainer->config().latent, rows = ks.empty() ? 1 : static_cast<int>(ks.size()), n = o.count * rows;
  Rng rng(o.seed);
  const Tensor<float> points = normal_points(o.count, L, rng);
  Tensor<float> z({n, L});
  std::vector<int> labels;
  for (int r = 0; r < rows; ++r) {
    std::copy(points.begin(), points.end(), z.data() + static_cast<std::size_t>(r) * points.size());
    if (!ks.empty()) labels.insert(labels.end(), o.count, ks[r]);
  }
  const Tensor<float> all = decode_all(*v.trainer, z, labels);
  if (idx) {
    examples::write_images_idx(o.out, all, o.float_pixels, lpath, labels);
  } else {
    const int cols = ks.empty() ? static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)))) : o.count;
    write_png(o.out, make_grid(all, (n + cols - 1) / cols, cols, 2));
  }
  std::printf("Wrote %d images decoded from N(0, I) (epoch %d VAE) to %s\n", n, v.position.cursor.epoch, o.out.c_str());
  return 0;
}

// The first --count test images, each row of up to 8 followed by the row of their reconstructions
// (through the encoder's mean).
inline int run_reconstruct(const SampleOptions& o) {
  LoadedConvVae v = load_conv_vae(o.checkpoint);
  const IdxDataset test = examples::load_mnist_from(o.data_dir, "t10k");
  if (o.count > test.count) throw UsageError("reconstruct --count " + std::to_string(o.count) + ": the test set has " + std::to_string(test.count) + " images");
  const Tensor<float> x = examples::to_training_tensor(test, o.count);
  std::vector<int> labels;
  if (v.trainer->config().classes > 0) labels.assign(test.labels.begin(), test.labels.begin() + o.count);
  const int cols = std::min(8, o.count), lines = (o.count + cols - 1) / cols;
  Tensor<float> grid({2 * lines * cols, 28, 28, 1});
  grid.fill(-1.0f);
  const Tensor<float> r = v.trainer->reconstruct(x, labels);
  for (int i = 0; i < o.count; ++i) {
    const int line = i / cols, col = i % cols;
    std::copy_n(x.data() + i * 784, 784, grid.data() + (static_cast<std::size_t>(2 * line) * cols + col) * 784);
    std::copy_n(r.data() + i * 784, 784, grid.data() + (static_cast<std::size_t>(2 * line + 1) * cols + col) * 784);
  }
  write_png(o.out, make_grid(grid, 2 * lines, cols, 2));
  std::printf("Wrote %d test images of %s (odd rows) and their reconstructions (even rows) to %s\n", o.count, o.data_dir.c_str(), o.out.c_str());
  return 0;
}

// --rows walks in a straight line between the latent means of two test images drawn by --seed (of
// one class, for a conditional model, which is told that class).
inline int run_interpolate(const SampleOptions& o) {
  LoadedConvVae v = load_conv_vae(o.checkpoint);
  const IdxDataset test = examples::load_mnist_from(o.data_dir, "t10k");
  const Tensor<float> x = examples::to_training_tensor(test, test.count);
  const bool conditional = v.trainer->config().classes > 0;
  const int L = v.trainer->config().latent;
  Rng rng(o.seed);
  Tensor<float> z({o.rows * o.steps, L});
  std::vector<int> labels;
  for (int r = 0; r < o.rows; ++r) {
    const int a = static_cast<int>(rng.below(static_cast<std::uint64_t>(test.count)));
    int b = static_cast<int>(rng.below(static_cast<std::uint64_t>(test.count)));
    for (int tries = 0; conditional && tries < test.count && (test.labels[b] != test.labels[a] || b == a); ++tries) b = (b + 1) % test.count;
    if (conditional && test.labels[b] != test.labels[a]) b = a;  // the only image of its class
    std::vector<int> ab_labels;
    if (conditional) ab_labels = {test.labels[a], test.labels[b]};
    Tensor<float> ab({2, 28, 28, 1});
    std::copy_n(x.data() + static_cast<std::size_t>(a) * 784, 784, ab.data());
    std::copy_n(x.data() + static_cast<std::size_t>(b) * 784, 784, ab.data() + 784);
    const Tensor<float> mu = v.trainer->encode_mean(ab, ab_labels);
    for (int s = 0; s < o.steps; ++s) {
      const float u = static_cast<float>(s) / (o.steps - 1);
      for (int k = 0; k < L; ++k) z[(static_cast<std::size_t>(r) * o.steps + s) * L + k] = (1 - u) * mu[k] + u * mu[L + k];
      if (conditional) labels.push_back(test.labels[a]);
    }
  }
  write_png(o.out, make_grid(decode_all(*v.trainer, z, labels), o.rows, o.steps, 2));
  std::printf("Wrote %d rows of %d steps between test images through latent space to %s\n", o.rows, o.steps, o.out.c_str());
  return 0;
}

// --text as handwriting: one line per style, each in one hand (one latent point for all its
// characters), a space a blank cell. Only for a conditional VAE of the digits 0-9.
inline int run_write(const SampleOptions& o) {
  LoadedConvVae v = load_conv_vae(o.checkpoint);
  const auto& names = v.class_names;
  const bool digits = names.size() == 10 && names[0] == "0" && names[9] == "9";
  if (!digits) throw UsageError("write needs a VAE of the digits 0-9 trained with --conditional; " + o.checkpoint + " holds " +
                                (names.empty() ? "an unconditional one" : "one of classes that are not the digits"));
  if (o.text.find_first_not_of(' ') == std::string::npos) throw UsageError("write --text: nothing to write (give digits, e.g. \"2026 12 07\")");
  for (char ch : o.text)
    if (ch != ' ' && (ch < '0' || ch > '9')) throw UsageError(std::string("write --text: '") + ch + "' is not a digit or a space (the model writes 0-9)");
  check_float_pixels(o, "write");
  const int cols = static_cast<int>(o.text.size()), L = v.trainer->config().latent;
  Rng rng(o.seed);
  Tensor<float> z({o.styles * cols, L});
  std::vector<int> labels;
  for (int s = 0; s < o.styles; ++s) {
    const Tensor<float> hand = normal_points(1, L, rng);
    for (int i = 0; i < cols; ++i) {
      std::copy(hand.begin(), hand.end(), z.data() + (static_cast<std::size_t>(s) * cols + i) * L);
      labels.push_back(o.text[i] == ' ' ? 0 : o.text[i] - '0');
    }
  }
  Tensor<float> all = decode_all(*v.trainer, z, labels);
  for (int s = 0; s < o.styles; ++s)
    for (int i = 0; i < cols; ++i)
      if (o.text[i] == ' ') std::fill_n(all.data() + (static_cast<std::size_t>(s) * cols + i) * 784, 784, -1.0f);
  if (examples::is_idx(o.out)) examples::write_images_idx(o.out, all, o.float_pixels, "", labels);
  else write_png(o.out, make_grid(all, o.styles, cols, 2, 0));
  std::printf("Wrote \"%s\" in %d hand%s to %s\n", o.text.c_str(), o.styles, o.styles == 1 ? "" : "s", o.out.c_str());
  return 0;
}

// The scores of --count decoded images (conditional: every class equally often), then the
// negative ELBO of the whole test set, one draw of eps per image from --seed.
inline int run_evaluate(const SampleOptions& o) {
  LoadedConvVae v = load_conv_vae(o.checkpoint);
  const int K = v.trainer->config().classes, L = v.trainer->config().latent;
  if (K > examples::kClassifierClasses)
    throw UsageError("evaluate: " + o.checkpoint + " holds a model of " + std::to_string(K) + " classes; the classifier tells " +
                     std::to_string(examples::kClassifierClasses));
  examples::ImageScorer scorer(o.classifier, o.data_dir);
  Rng rng(o.seed);
  std::vector<int> requested;
  for (int i = 0; K > 0 && i < o.count; ++i) requested.push_back(i % K);
  const Tensor<float> images = decode_all(*v.trainer, normal_points(o.count, L, rng), requested);
  scorer.print(images, std::string(K ? "images of requested classes" : "images") + " decoded from N(0, I) by the epoch " +
                           std::to_string(v.position.cursor.epoch) + " VAE (" + o.checkpoint + ")",
               requested);
  const Tensor<float>& x = scorer.test_images();  // read once, for the FID's reference and here
  const std::vector<std::uint8_t>& y = scorer.test_labels();
  const int n = x.dim(0);
  double total = 0;
  for (int i = 0; i < n; i += 500) {
    const int m = std::min(500, n - i);
    const std::vector<int> labels = K ? std::vector<int>(y.begin() + i, y.begin() + i + m) : std::vector<int>{};
    total += v.trainer->negative_elbo(rows_of(x, i, m), labels, rng) * m;
  }
  std::printf("Negative ELBO of the %d test images of %s: %.3f nats per image (Bernoulli pixels, one draw of eps each)\n", n,
              o.data_dir.c_str(), total / n);
  return 0;
}

}  // namespace mnist_vae
